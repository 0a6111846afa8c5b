"""Every marketplace controller, for create_app() to mount in one line."""

from app.billing.webhook import StripeWebhookController
from app.marketplace.api import ProjectApiController
from app.marketplace.member_pages import MemberPledgeController
from app.marketplace.promoter_pages import PromoterController
from app.marketplace.public_pages import ProjectController
from app.marketplace.staff_pages import StaffListingController

MARKETPLACE_HANDLERS = [ProjectController, ProjectApiController, PromoterController, MemberPledgeController,
                        StaffListingController, StripeWebhookController]
