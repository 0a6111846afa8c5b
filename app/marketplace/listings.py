"""A promoter's listing: reading the form (every error beside its field), budget lines, milestones, slug."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.errors import BadInput, Forbidden, NotFound
from app.i18n import _, current_locale, fmt_money
from app.limits import length_errors
from app.marketplace.money import LISTING_CURRENCIES, read_amount
from app.models import BudgetLine, FundingModel, Listing, Milestone, Sector, User
from app.numbers import parse_int
from app.reference import country_names, reading_order

# West and Central Africa: the countries whose diaspora Passerelle serves.
COUNTRIES = ("SN", "ML", "CI", "BF", "NE", "GN", "GW", "GM", "MR", "CV", "TG", "BJ", "GH", "NG", "SL", "LR",
             "CM", "GA", "CG", "CD", "TD", "CF", "GQ")
MAX_CAMPAIGN_DAYS = 60
TEXTS = ("title", "summary", "town", "org_name", "org_legal_form", "org_registration", "story", "impact",
         "other_funding")


@dataclass
class ListingForm:
    """The typed values of a listing form, or the message for each field that is wrong."""

    values: dict[str, object] = field(default_factory=dict)
    budget: list[tuple[str, Decimal]] = field(default_factory=list)
    milestones: list[tuple[str, date | None, Decimal | None]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def country_choices() -> list[tuple[str, str]]:
    """(alpha-2, name in the current language), sorted by name, for select boxes."""
    return _country_choices(current_locale.get())


@lru_cache(maxsize=4)
def _country_choices(locale: str) -> list[tuple[str, str]]:
    french = locale == "fr"
    pairs = [(code, country_names(code)[1 if french else 0]) for code in COUNTRIES]
    return sorted(pairs, key=lambda pair: reading_order(pair[1]))


def _amount(raw: str, currency: str, name: str, form: ListingForm, message: str,
            line: int | None = None) -> Decimal | None:
    """The amount, or None with the error beside the field (the first error of a field is the one shown)."""
    try:
        return read_amount(raw, currency, field=name, invalid=message)
    except BadInput as exc:
        problem = exc.message if exc.message == message or line is None else \
            _("Line %(n)s: %(problem)s", n=line, problem=exc.message)
        form.errors.setdefault(name, problem)
        return None


def read_form(data: dict[str, str]) -> ListingForm:
    form = ListingForm()
    get = lambda name: (data.get(name) or "").strip()  # noqa: E731
    for name in TEXTS:
        form.values[name] = get(name)
    if not form.values["title"]:
        form.errors["title"] = _("Please give the project a title.")
    if not form.values["summary"]:
        form.errors["summary"] = _("Please summarise the project in a sentence or two.")
    country = get("country").upper()
    if country not in COUNTRIES:
        form.errors["country"] = _("Please choose the country where the project takes place.")
    sector = get("sector")
    if sector not in Sector.__members__:
        form.errors["sector"] = _("Please choose a sector.")
    currency = get("currency") or "EUR"
    if currency not in LISTING_CURRENCIES:
        form.errors["currency"] = _("Please choose EUR, XOF or XAF.")
        currency = "EUR"
    model = get("funding_model") or FundingModel.all_or_nothing.value
    if model not in FundingModel.__members__:
        form.errors["funding_model"] = _("Please choose a funding model.")
    form.values.update(country=country, sector=sector, currency=currency, funding_model=model)
    for name, message in (("goal", _("Please enter the funding goal, for example 15000.")),
                          ("min_pledge", _("Please enter the smallest pledge you accept, for example 20."))):
        amount = _amount(get(name), currency, name, form, message)
        if amount is not None:
            form.values[name] = amount
    if "goal" in form.values and "min_pledge" in form.values and form.values["min_pledge"] > form.values["goal"]:  # type: ignore[operator]
        form.errors["min_pledge"] = _("The minimum pledge cannot be above the goal.")
    for name, low, high, message in (
            ("campaign_days", 1, MAX_CAMPAIGN_DAYS, _("A campaign lasts between 1 and 60 days.")),
            ("expected_jobs", 0, 100_000, _("Please enter a whole number of jobs, 0 if none."))):
        try:
            form.values[name] = parse_int(get(name) or ("0" if name == "expected_jobs" else ""), field=name,
                                          minimum=low, maximum=high, invalid=message, out_of_bounds=message)
        except BadInput as exc:
            form.errors[name] = exc.message
    _read_budget(get("budget"), currency, form)
    _read_milestones(get("milestones"), currency, form)
    _check_budget_against_goal(form, currency)
    # the choices are stripped and held to their options above; every typed field has its length
    form.errors.update(length_errors(data, (*TEXTS, "budget", "milestones", "goal", "min_pledge", "campaign_days",
                                                  "expected_jobs"),
                                     ("country", "sector", "currency", "funding_model")))
    return form


def _check_budget_against_goal(form: ListingForm, currency: str) -> None:
    """The budget lines add up to the goal, or, when the budget is larger, the form says what pays for the rest."""
    goal = form.values.get("goal")
    if not form.budget or not isinstance(goal, Decimal) or "budget" in form.errors:
        return
    total = sum((amount for _label, amount in form.budget), start=Decimal(0))
    shown = {"total": fmt_money(total, currency), "goal": fmt_money(goal, currency)}
    if total < goal:
        form.errors["budget"] = _("The budget lines add up to %(total)s, less than the goal of %(goal)s: list what "
                                  "the rest pays for, or lower the goal.", **shown)
    elif total > goal and not form.values["other_funding"]:
        form.errors["other_funding"] = _("The budget (%(total)s) is larger than the goal (%(goal)s): say what pays "
                                         "for the rest, for example the cooperative's own funds or a loan.", **shown)


def _read_budget(text: str, currency: str, form: ListingForm) -> None:
    for number, line in enumerate(filter(None, (raw.strip() for raw in text.splitlines())), start=1):
        label, _sep, raw_amount = line.rpartition(";")
        message = _("Line %(n)s: write “what it pays for ; amount”, for example “Solar pump ; 4500”.", n=number)
        amount = _amount(raw_amount, currency, "budget", form, message, number) if label.strip() else None
        if amount is None:
            form.errors.setdefault("budget", message)
            return
        form.budget.append((label.strip()[:200], amount))
    if not form.budget:
        form.errors["budget"] = _("Please list at least one use of the funds.")


def _read_milestones(text: str, currency: str, form: ListingForm) -> None:
    for number, line in enumerate(filter(None, (raw.strip() for raw in text.splitlines())), start=1):
        parts = [p.strip() for p in line.split(";")]
        try:
            due = date.fromisoformat(parts[0]) if parts[0] else None
        except ValueError:
            due = None
            parts = ["", *parts]
        title = parts[1] if len(parts) > 1 else ""
        message = _("Line %(n)s: write “date ; milestone ; amount”, for example “2027-03-01 ; Pump installed ; 4500” "
                    "(date and amount optional).", n=number)
        raw_amount = parts[2] if title and len(parts) > 2 else ""
        amount = _amount(raw_amount, currency, "milestones", form, message, number) if raw_amount else None
        if not title or "milestones" in form.errors:
            form.errors.setdefault("milestones", message)
            return
        form.milestones.append((title[:200], due, amount))


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:100] or "projet"
    return f"{base}-{secrets.token_hex(2)}"


def apply_form(session: Session, listing: Listing, form: ListingForm) -> Listing:
    """Write a valid form into the listing, replacing its budget lines and milestones."""
    for name, value in form.values.items():
        setattr(listing, name, value)
    if not listing.slug:
        listing.slug = slugify(listing.title)
    session.add(listing)
    session.flush()
    assert listing.id is not None
    session.execute(delete(BudgetLine).where(col(BudgetLine.listing_id) == listing.id))
    session.execute(delete(Milestone).where(col(Milestone.listing_id) == listing.id))
    for position, (label, amount) in enumerate(form.budget):
        session.add(BudgetLine(listing_id=listing.id, position=position, label=label, amount=amount))
    for position, (title, due, stage_amount) in enumerate(form.milestones):
        session.add(Milestone(listing_id=listing.id, position=position, title=title, due_on=due, amount=stage_amount))
    session.flush()
    return listing


def form_values(session: Session, listing: Listing) -> dict[str, str]:
    """The listing as the strings its edit form shows."""
    values = {name: str(getattr(listing, name)) for name in (
        *TEXTS, "country", "sector", "currency", "funding_model", "goal", "min_pledge",
        "campaign_days", "expected_jobs")}
    values["budget"] = "\n".join(f"{b.label} ; {b.amount}" for b in budget_of(session, listing))
    values["milestones"] = "\n".join(f"{m.due_on or ''} ; {m.title}" + (f" ; {m.amount}" if m.amount else "")
                                     for m in milestones_of(session, listing))
    return values


def budget_of(session: Session, listing: Listing) -> list[BudgetLine]:
    return list(session.exec(select(BudgetLine).where(BudgetLine.listing_id == listing.id)
                             .order_by(col(BudgetLine.position))))


def milestones_of(session: Session, listing: Listing) -> list[Milestone]:
    return list(session.exec(select(Milestone).where(Milestone.listing_id == listing.id)
                             .order_by(col(Milestone.position))))


def owned(session: Session, listing_id: int, user: User) -> Listing:
    """The promoter's own listing; someone else's is reported as missing, not as forbidden."""
    listing = session.get(Listing, listing_id)
    if listing is None or (listing.promoter_id != user.id):
        raise NotFound(_("We could not find this project among yours."))
    return listing


def for_promoter(session: Session, user: User) -> list[Listing]:
    return list(session.exec(select(Listing).where(Listing.promoter_id == user.id)
                             .order_by(col(Listing.updated_at).desc())))


def require_editable(listing: Listing) -> None:
    from app.marketplace.vetting import EDITABLE

    if listing.state not in EDITABLE:
        raise Forbidden(_("This project is under review or published: it can no longer be edited."))
