"""Payment methods as one contract (the pretix shape), in one registry keyed by a stable identifier.

Every decision that depends on how a pledge is paid is taken here, by the method itself: whether it is
offered for a listing, how paying starts, what a piece of evidence (a statement line, a webhook) means,
and how money goes back. Callers go through `get(identifier)` or `offered(...)`; they never compare
method names. Outcomes go back to the marketplace through `app.billing.outcomes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from sqlmodel import Session

from app.billing import payments, receiving
from app.billing.gateway import BillingError, BillingGateway, gateway_for
from app.billing.outcomes import Outcome
from app.i18n import N_
from app.models import AccountKind, FundingModel, Listing, Pledge, PledgeMethod, PledgeState, User
from app.settings import Settings


@dataclass(frozen=True)
class Started:
    """What the member sees once the pledge is recorded: a hosted payment page, or the receipt."""

    redirect: str | None = None
    unavailable: bool = False  # the provider could not be reached: the pledge is kept, to pay later


class PaymentMethod(Protocol):
    """The contract of a payment method.

    identifier: stable slug stored on the pledge; label: message id, translated where shown;
    manual: staff confirm the money by hand (a statement line, or one by one);
    account_kind: the programme's receiving accounts a member sends to (manual methods), else None.
    """

    @property
    def identifier(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def manual(self) -> bool: ...

    @property
    def account_kind(self) -> str | None: ...

    def available(self, session: Session, listing: Listing, settings: Settings) -> bool:
        """Whether members may choose this method to back `listing` now."""

    def start(self, session: Session, pledge: Pledge, member: User, listing: Listing,
              settings: Settings) -> Started:
        """Begin paying a freshly recorded pledge."""

    def confirm(self, session: Session, pledge: Pledge, amount: Decimal, currency: str) -> Outcome:
        """What evidence of `amount` `currency` received means for the pledge (never applied here)."""

    def refund(self, session: Session, pledge: Pledge, gateway: BillingGateway | None) -> Outcome:
        """Give the money of a paid pledge back, or say that staff must."""


@dataclass(frozen=True)
class ManualMethod:
    """Money the member sends to one of the programme's receiving accounts, quoting the pledge reference."""

    identifier: str
    label: str
    account_kind: str
    manual: bool = True

    def available(self, session: Session, listing: Listing, settings: Settings) -> bool:
        if receiving.accepting(session, self.account_kind, listing.currency):
            return True
        # Before any account is configured, transfers stay possible: staff send the details themselves.
        return (self.account_kind == AccountKind.bank.value and not receiving.active(session)
                and not settings.stripe_secret_key)

    def start(self, session: Session, pledge: Pledge, member: User, listing: Listing,
              settings: Settings) -> Started:
        return Started()

    def confirm(self, session: Session, pledge: Pledge, amount: Decimal, currency: str) -> Outcome:
        # Exactly the pledge, in its currency or at the peg in the account's (32 798 FCFA for 50 €).
        exact = amount == receiving.due_in(pledge.amount, pledge.currency, currency.upper())
        return Outcome.paid if exact else Outcome.pending

    def refund(self, session: Session, pledge: Pledge, gateway: BillingGateway | None) -> Outcome:
        return Outcome.refund_due


@dataclass(frozen=True)
class StripeCard:
    """A card through Stripe Checkout: saved now and charged if an all-or-nothing goal is met, else charged now."""

    identifier: str = PledgeMethod.stripe_card.value
    label: str = N_("Card")
    manual: bool = False
    account_kind: str | None = None

    def available(self, session: Session, listing: Listing, settings: Settings) -> bool:
        return bool(settings.stripe_secret_key)

    def start(self, session: Session, pledge: Pledge, member: User, listing: Listing,
              settings: Settings) -> Started:
        gateway = gateway_for(settings)
        if gateway is None:
            return Started(unavailable=True)
        saving = (listing.funding_model == FundingModel.all_or_nothing.value
                  and pledge.state == PledgeState.awaiting_payment.value)
        try:
            customer = payments.ensure_customer(session, gateway, pledge, member)
            _session_id, url = gateway.checkout_url(
                mode="setup" if saving else "payment", amount=pledge.amount, currency=pledge.currency,
                customer=customer, pledge_id=pledge.id or 0, title=listing.title,
                success_url=f"{settings.site_url}/my/pledges/{pledge.id}?checkout=done",
                cancel_url=f"{settings.site_url}/my/pledges/{pledge.id}")
        except BillingError:
            return Started(unavailable=True)
        return Started(redirect=url)

    def confirm(self, session: Session, pledge: Pledge, amount: Decimal, currency: str) -> Outcome:
        return Outcome.pending  # Stripe's webhook says when a card payment succeeded, never a person

    def refund(self, session: Session, pledge: Pledge, gateway: BillingGateway | None) -> Outcome:
        if gateway is None:
            return Outcome.refund_due  # Stripe not configured here any more: staff refund from its dashboard
        return Outcome.refunded if payments.refund(session, gateway, pledge) else Outcome.pending


REGISTRY: dict[str, PaymentMethod] = {}


def register(method: PaymentMethod) -> None:
    if method.identifier in REGISTRY:
        raise ValueError(f"payment method {method.identifier!r} is already registered")
    REGISTRY[method.identifier] = method


def get(identifier: str) -> PaymentMethod:
    """The method a pledge is paid with; KeyError for an identifier nobody registered."""
    return REGISTRY[identifier]


def offered(session: Session, listing: Listing, settings: Settings) -> list[PaymentMethod]:
    return [m for m in REGISTRY.values() if m.available(session, listing, settings)]



register(ManualMethod(PledgeMethod.bank_transfer.value, N_("Bank transfer"), AccountKind.bank.value))
register(ManualMethod(PledgeMethod.mobile_money.value, N_("Mobile money"), AccountKind.mobile_money.value))
register(StripeCard())
