"""Listing documents: type checked by content, at most 10 MB, kept outside the public static files."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from sqlmodel import Session, col, select

from app.errors import BadInput
from app.i18n import _
from app.marketplace.labels import DOCUMENT_KINDS
from app.models import Listing, ListingDocument, User
from app.settings import Settings

MAX_BYTES = 10 * 1024 * 1024
# The first bytes decide the type; the file name and the browser's claimed type are never trusted.
SIGNATURES = ((b"%PDF-", "application/pdf", ".pdf"), (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
              (b"\x89PNG\r\n\x1a\n", "image/png", ".png"))
IMAGE_TYPES = {"image/jpeg", "image/png"}


def sniff(data: bytes) -> tuple[str, str] | None:
    for magic, content_type, suffix in SIGNATURES:
        if data.startswith(magic):
            return content_type, suffix
    return None


def store(session: Session, settings: Settings, listing: Listing, user: User, kind: str, filename: str,
          data: bytes) -> ListingDocument:
    if kind not in DOCUMENT_KINDS:
        raise BadInput(_("Please choose what kind of document this is."), field="kind")
    if not data:
        raise BadInput(_("Please choose a file to upload."), field="document")
    if len(data) > MAX_BYTES:
        raise BadInput(_("The file is larger than 10 MB."), field="document")
    sniffed = sniff(data)
    if sniffed is None:
        raise BadInput(_("Only PDF, JPEG and PNG files are accepted."), field="document")
    content_type, suffix = sniffed
    if kind == "photo" and content_type not in IMAGE_TYPES:
        raise BadInput(_("A photo must be a JPEG or PNG image."), field="document")
    stored_name = secrets.token_hex(16) + suffix
    directory = Path(settings.upload_dir)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / stored_name).write_bytes(data)
    assert listing.id is not None and user.id is not None
    document = ListingDocument(listing_id=listing.id, kind=kind, filename=Path(filename).name[:200] or stored_name,
                               stored_name=stored_name, content_type=content_type, size=len(data),
                               sha256=hashlib.sha256(data).hexdigest(), uploaded_by=user.id)
    session.add(document)
    session.flush()
    return document


def path_of(settings: Settings, document: ListingDocument) -> Path:
    return Path(settings.upload_dir) / document.stored_name


def for_listing(session: Session, listing: Listing) -> list[ListingDocument]:
    return list(session.exec(select(ListingDocument).where(ListingDocument.listing_id == listing.id)
                             .order_by(col(ListingDocument.id))))


def may_read(user: User | None, listing: Listing) -> bool:
    """Documents are for the promoter and programme staff only (photos are served separately)."""
    return user is not None and (user.is_staff or user.id == listing.promoter_id)
