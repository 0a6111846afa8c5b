"""Every skills controller, for create_app() to mount in one line: pages and forms (`SKILLS_HANDLERS`,
outside the OpenAPI schema) and the JSON API (`SKILLS_API`, in it). Importing this module also registers the
project page's skills section in the marketplace's registry."""

from typing import Any

from app.skills import project_section
from app.skills.api import NeedApiController
from app.skills.host_offer_pages import HostOfferController
from app.skills.host_pages import HostRegistrationController, HostSpaceController, PublicHostController
from app.skills.mapping_pages import MappingController
from app.skills.mission_pages import CertificateCheckController, MemberMissionController, NeedOfferController
from app.skills.poster_pages import PosterController
from app.skills.profile_pages import ProfileController, StaffProfileController
from app.skills.public_pages import SkillsController
from app.skills.staff_mission_pages import StaffInviteController, StaffMissionController
from app.skills.staff_pages import StaffSkillsController

project_section.install()

SKILLS_HANDLERS: list[Any] = [SkillsController, MappingController, ProfileController, StaffProfileController,
                              NeedOfferController, MemberMissionController, CertificateCheckController,
                              HostOfferController, StaffMissionController, StaffInviteController,
                              HostRegistrationController, HostSpaceController, PublicHostController, PosterController,
                              StaffSkillsController]
SKILLS_API: list[Any] = [NeedApiController]
