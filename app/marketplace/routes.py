"""Every marketplace controller of pages and forms, for create_app() to mount in one line (the JSON API,
`app.marketplace.api`, is mounted beside the comparison's)."""

from app.billing.webhook import StripeWebhookController
from app.marketplace.member_pages import MemberPledgeController
from app.marketplace.payment_pages import ReceivingAccountController, StatementController
from app.marketplace.promoter_pages import PromoterController
from app.marketplace.public_pages import ProjectController
from app.marketplace.staff_pages import StaffListingController

MARKETPLACE_HANDLERS = [ProjectController, PromoterController, MemberPledgeController,
                        StaffListingController, StripeWebhookController,
                        ReceivingAccountController, StatementController]
