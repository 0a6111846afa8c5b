"""Every skills controller, for create_app() to mount in one line: pages and forms (`SKILLS_HANDLERS`,
outside the OpenAPI schema) and the JSON API (`SKILLS_API`, in it)."""

from typing import Any

from app.skills.api import NeedApiController
from app.skills.host_offer_pages import HostOfferController
from app.skills.mapping_pages import MappingController
from app.skills.mission_pages import CertificateCheckController, MemberMissionController, NeedOfferController
from app.skills.profile_pages import ProfileController, StaffProfileController
from app.skills.public_pages import SkillsController
from app.skills.staff_mission_pages import StaffInviteController, StaffMissionController

SKILLS_HANDLERS: list[Any] = [SkillsController, MappingController, ProfileController, StaffProfileController,
                              NeedOfferController, MemberMissionController, CertificateCheckController,
                              HostOfferController, StaffMissionController, StaffInviteController]
SKILLS_API: list[Any] = [NeedApiController]
