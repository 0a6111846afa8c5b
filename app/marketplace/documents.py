"""Listing documents: type checked by content, at most 10 MB, kept outside the public static files.

Files are stored and served under names of our own (`photo-12.jpg`), with the extension of the type their
content shows; the uploader's name is kept for display only, without control or bidirectional characters.
Images are decoded and encoded again (Pillow), so whatever else a polyglot file carried does not survive.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import unicodedata
import warnings
from pathlib import Path

from PIL import Image, ImageOps
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
SUFFIXES = {content_type: suffix for _magic, content_type, suffix in SIGNATURES}
MAX_PIXELS = 40_000_000  # a 40-megapixel photo decodes in ~160 MB; larger ones are refused, not decoded
MAX_SIDE = 2400  # photos are shown at most ~1200 px wide: twice that is kept, the rest is weight


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
    if content_type in IMAGE_TYPES:
        data = reencode(data, content_type)
    stored_name = secrets.token_hex(16) + suffix
    directory = Path(settings.upload_dir)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / stored_name).write_bytes(data)
    assert listing.id is not None and user.id is not None
    document = ListingDocument(listing_id=listing.id, kind=kind, filename=display_name(filename) or stored_name,
                               stored_name=stored_name, content_type=content_type, size=len(data),
                               sha256=hashlib.sha256(data).hexdigest(), uploaded_by=user.id)
    session.add(document)
    session.flush()
    return document


def reencode(data: bytes, content_type: str) -> bytes:
    """The image decoded and written again in its own format: pixels only (no metadata, no trailing bytes)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["JPEG", "PNG"]) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise BadInput(_("This image is too large: 40 megapixels at most."), field="document")
                image = ImageOps.exif_transpose(opened)
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                out = io.BytesIO()
                if content_type == "image/jpeg":
                    image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
                else:
                    image.save(out, "PNG", optimize=True)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadInput(_("This image could not be read. Please upload a JPEG or PNG photo."),
                       field="document") from None
    return out.getvalue()


def display_name(filename: str) -> str:
    """The uploader's file name, for display only: no folders, no control or bidirectional-override characters."""
    name = unicodedata.normalize("NFC", filename.replace("\\", "/")).rsplit("/", 1)[-1]
    return "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp")).strip()[:200]


def served_name(document: ListingDocument) -> str:
    """The name a download gets: ours, with the extension of the detected type (`registration-7.pdf`)."""
    return f"{document.kind}-{document.id}{SUFFIXES.get(document.content_type, '.bin')}"


def path_of(settings: Settings, document: ListingDocument) -> Path:
    return Path(settings.upload_dir) / document.stored_name


def for_listing(session: Session, listing: Listing) -> list[ListingDocument]:
    return list(session.exec(select(ListingDocument).where(ListingDocument.listing_id == listing.id)
                             .order_by(col(ListingDocument.id))))


def may_read(user: User | None, listing: Listing) -> bool:
    """Documents are for the promoter and programme staff only (photos are served separately)."""
    return user is not None and (user.is_staff or user.id == listing.promoter_id)
