"""Builders for marketplace tests: people, and listings brought to a state through the real services."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from PIL import Image
from sqlmodel import Session, select

from app.marketplace import checklist, documents, listings, vetting
from app.models import ChecklistStatus, Listing, User
from app.settings import Settings
from tests.support import make_user

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


PNG = _png()  # a real image: photos are decoded and encoded again on upload


def person(session: Session, engine, email: str, role: str = "member") -> User:  # type: ignore[no-untyped-def]
    make_user(engine, email, role)
    user = session.exec(select(User).where(User.email == email)).one()
    return user


def listing_form(**overrides: str) -> dict[str, str]:
    form = {
        "title": "Moulin à mil de Kaffrine", "summary": "A millet mill run by a women's cooperative.",
        "story": "The cooperative grinds millet by hand today.\n\nA mill frees four hours a day.",
        "country": "SN", "town": "Kaffrine", "sector": "agro_processing", "org_name": "GIE Jappo",
        "org_legal_form": "GIE", "org_registration": "SN-KAF-2019-B-112", "goal": "1000", "currency": "EUR",
        "min_pledge": "10", "funding_model": "all_or_nothing", "campaign_days": "30", "expected_jobs": "6",
        "impact": "120 families", "budget": "Mill ; 700\nShelter ; 300",
        "milestones": "2027-03-01 ; Mill installed ; 700",
    }
    return form | overrides


def draft(session: Session, settings: Settings, promoter: User, **overrides: str) -> Listing:
    form = listings.read_form(listing_form(**overrides))
    assert not form.errors, form.errors
    assert promoter.id is not None
    listing = listings.apply_form(session, Listing(promoter_id=promoter.id, slug="", title="", country="SN",
                                                   sector="agriculture", goal=Decimal(0), min_pledge=Decimal(0)),
                                  form)
    documents.store(session, settings, listing, promoter, "registration", "registration.pdf", PDF)
    session.commit()
    return listing


def pass_checklist(session: Session, listing: Listing) -> None:
    for item in checklist.items_for(session, listing):
        item.status = ChecklistStatus.passed.value
        session.add(item)
    session.flush()


def published(session: Session, settings: Settings, promoter: User, staff: User, now: datetime | None = None,
              **overrides: str) -> Listing:
    listing = draft(session, settings, promoter, **overrides)
    vetting.submit(session, listing, promoter)
    pass_checklist(session, listing)
    assert vetting.approve(session, listing, staff, settings)
    vetting.publish(session, listing, staff, now)
    session.commit()
    return listing


def upload_dir(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


def programme_accounts(session: Session) -> None:
    """The programme's euro bank account and its Orange Money wallet in Senegal (XOF)."""
    from app.models import ReceivingAccount

    session.add(ReceivingAccount(kind="bank", holder="Programme Passerelle", iban="FR7630006000011234567890189",
                                 bic="AGRIFRPP", currency="EUR"))
    session.add(ReceivingAccount(kind="mobile_money", holder="Passerelle Sénégal", operator="orange_money",
                                 country="SN", number="+221770000000", currency="XOF"))
