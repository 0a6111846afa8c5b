"""Rate alerts: subscribe (double opt-in), confirm, unsubscribe, and the check after each collector load
(an after-load hook of the data path, registered by ``register_hooks`` when the app or the command starts)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.accounts.service import EMAIL_RE, normalise_email
from app.comparison.offers import Comparison, compare, parse_amount
from app.errors import BadInput, DomainError
from app.i18n import _, current_locale, fmt_money, fmt_pct
from app.mail import queue_mail
from app.models.alerts import AlertKind, RateAlert
from app.models.base import aware, utcnow
from app.reference import corridor_name
from app.settings import Settings
from basics.corridors import payout_currency
from scrapers.hooks import Load, after_load

MIN_GAP = timedelta(days=1)  # at most one mail per alert per day


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _signature(settings: Settings, alert_id: int) -> str:
    """A stable signed unsubscribe key: every mail's link keeps working without storing a secret per alert."""
    return hmac.new(settings.secret_key.encode(), f"alert:{alert_id}:unsubscribe".encode(),
                    hashlib.sha256).hexdigest()[:32]


def unsubscribe_link(settings: Settings, alert: RateAlert) -> str:
    assert alert.id is not None
    return f"{settings.site_url}/alerts/unsubscribe?alert={alert.id}&key={_signature(settings, alert.id)}"


def check(session: Session, settings: Settings, *, email: str, source: str, destination: str, amount: str,
          kind: str, threshold: str) -> tuple[str, Decimal, Comparison]:
    """The alert's fields as they would be recorded (address, threshold, comparison), or the field's `BadInput`:
    what the page checks before counting a mail against the sending limits, so a typo costs no mail."""
    email = normalise_email(email)
    if not EMAIL_RE.match(email):
        raise BadInput(_("Please enter a valid e-mail address."), field="email")
    if kind not in {k.value for k in AlertKind}:
        raise BadInput(_("Choose what the alert watches."), field="kind")
    if kind == AlertKind.total_cost_below:  # a percentage, typed as people write one ('1,5 %')
        limit = parse_amount(threshold.strip().removesuffix("%"), "threshold",
                             invalid=_("The threshold is a percentage, such as 2.5."))
    else:
        limit = parse_amount(threshold, "threshold",
                             invalid=_("The threshold is the amount the family should receive, such as 120000."))
    if kind == AlertKind.total_cost_below and limit >= 100:
        raise BadInput(_("A total cost threshold is a percentage under 100."), field="threshold")
    return email, limit, compare(session, settings, source, destination, amount)


def subscribe(session: Session, settings: Settings, *, email: str, source: str, destination: str, amount: str,
              kind: str, threshold: str) -> RateAlert:
    """Records an unconfirmed alert and mails the confirmation link (nothing is sent until confirmed)."""
    email, limit, comparison = check(session, settings, email=email, source=source, destination=destination,
                                     amount=amount, kind=kind, threshold=threshold)
    token = secrets.token_urlsafe(32)
    alert = RateAlert(email=email, corridor=comparison.corridor.code, amount=comparison.amount,
                      currency=comparison.currency, kind=kind, threshold=limit, locale=current_locale.get(),
                      token_hash=_digest(token))
    session.add(alert)
    session.flush()
    queue_mail(session, email, _("Confirm your price alert — Passerelle"),
               _("Hello,\n\nYou asked for an e-mail when the best offer from %(corridor)s for %(amount)s %(what)s.\n"
                 "Confirm this alert by opening this link:\n%(confirm)s\n\n"
                 "If you did not ask for it, ignore this message: nothing will be sent.\n"
                 "Stop this alert at any time: %(unsubscribe)s",
                 corridor=corridor_name(alert.corridor), amount=fmt_money(alert.amount, alert.currency),
                 what=_describe(alert), confirm=f"{settings.site_url}/alerts/confirm?token={token}",
                 unsubscribe=unsubscribe_link(settings, alert)))
    return alert


def plain_decimal(value: Decimal) -> str:
    """200.00 -> '200', 12.50 -> '12.5': never the scientific '2E+2' that normalize() gives."""
    return format(value.normalize(), "f")


def _describe(alert: RateAlert) -> str:
    if alert.kind == AlertKind.total_cost_below:
        return _("costs at most %(pct)s", pct=fmt_pct(alert.threshold))
    receive = alert.corridor.split("-")[1]
    return _("delivers at least %(amount)s", amount=fmt_money(alert.threshold, payout_currency(receive) or ""))


def confirm(session: Session, token: str) -> RateAlert:
    alert = session.exec(select(RateAlert).where(RateAlert.token_hash == _digest(token))).first()
    if alert is None:
        raise BadInput(_("This link is invalid or has expired."), field="token")
    if alert.unsubscribed_at is None:
        alert.confirmed_at = alert.confirmed_at or utcnow()
        session.add(alert)
    return alert


def unsubscribe(session: Session, settings: Settings, alert_id: int, key: str) -> RateAlert:
    alert = session.get(RateAlert, alert_id)
    if alert is None or not hmac.compare_digest(key, _signature(settings, alert_id)):
        raise BadInput(_("This link is invalid or has expired."), field="key")
    alert.unsubscribed_at = alert.unsubscribed_at or utcnow()
    session.add(alert)
    return alert


def register_hooks() -> None:
    """Check the alerts after every published load of quotes (idempotent: the hook is registered by name)."""
    after_load.register("price alerts", _after_load)


def _after_load(engine: Engine, settings: Settings, load: Load) -> None:
    if load.kind == "quotes":
        check_alerts(engine, settings)


def check_alerts(engine: Engine, settings: Settings, now: datetime | None = None) -> int:
    """Mail every confirmed alert whose corridor's best fresh offer crosses its threshold; returns mails sent."""
    now = now or datetime.now(UTC)
    sent = 0
    with Session(engine, expire_on_commit=False) as session:
        alerts = session.exec(select(RateAlert).where(col(RateAlert.confirmed_at).is_not(None),
                                                      col(RateAlert.unsubscribed_at).is_(None))).all()
        for alert in alerts:
            last = aware(alert.last_sent_at)
            if last is not None and now - last < MIN_GAP:
                continue
            token_locale = current_locale.set(alert.locale)
            try:
                if _notify(session, settings, alert, now):
                    sent += 1
            except DomainError:
                pass  # the corridor has no prices any more: nothing to say
            finally:
                current_locale.reset(token_locale)
        session.commit()
    return sent


def _notify(session: Session, settings: Settings, alert: RateAlert, now: datetime) -> bool:
    source, destination = alert.corridor.split("-")
    comparison = compare(session, settings, source, destination, alert.amount, alert.currency, now=now)
    fresh = [o for o in comparison.offers if o.transparent and not o.stale]
    if alert.kind == AlertKind.total_cost_below:
        hits = [o for o in fresh if o.total_cost_pct is not None and o.total_cost_pct <= alert.threshold]
        best = min(hits, key=lambda o: o.total_cost_pct or Decimal(0)) if hits else None
    else:
        hits = [o for o in fresh if o.received_amount is not None and o.received_amount >= alert.threshold]
        best = max(hits, key=lambda o: o.received_amount or Decimal(0)) if hits else None
    if best is None:
        return False
    alert.last_sent_at = now
    session.add(alert)
    queue_mail(session, alert.email, _("Price alert: %(corridor)s", corridor=corridor_name(alert.corridor)),
               _("Hello,\n\n%(provider)s now delivers %(received)s for %(amount)s sent (total cost %(pct)s).\n"
                 "See every offer: %(compare)s\n\nStop this alert: %(unsubscribe)s",
                 provider=best.provider.name,
                 received=fmt_money(best.received_amount, comparison.corridor.receive_currency),
                 amount=fmt_money(alert.amount, alert.currency), pct=fmt_pct(best.total_cost_pct),
                 compare=f"{settings.site_url}/?" + urlencode({"from": source, "to": destination,
                                                              "amount": plain_decimal(alert.amount)}),
                 unsubscribe=unsubscribe_link(settings, alert)))
    return True
