"""Issue 10, finding 7: uploads are stored and served under our names, photos re-encoded, documents downloaded."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from app.errors import BadInput
from app.marketplace import documents
from app.models import ListingDocument
from tests.marketplace.helpers import draft, person, published
from tests.support import csrf_from, login

HTML = b"<html><script>alert(document.cookie)</script></html>"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def people(session, engine):  # type: ignore[no-untyped-def]
    return {"promoter": person(session, engine, "awa@example.org", "promoter"),
            "staff": person(session, engine, "moussa@example.org", "staff")}


def _upload(client, listing_id: int, kind: str, name: str, data: bytes):  # type: ignore[no-untyped-def]
    page = f"/my/listings/{listing_id}"
    token = csrf_from(client.get(page).text)
    return client.post(f"{page}/documents", data={"kind": kind, "_csrf_token": token},
                       files={"document": (name, data, "text/html")}, follow_redirects=False)


def test_a_pdf_html_polyglot_named_html_is_stored_and_served_as_a_pdf_download(client, session, settings, people):
    listing = draft(session, settings, people["promoter"])
    login(client, "awa@example.org")
    assert _upload(client, listing.id, "registration", "poly.html", b"%PDF-1.4\n" + HTML).status_code in (302, 303)
    document = session.exec(select(ListingDocument).where(ListingDocument.filename == "poly.html")).one()
    assert document.stored_name.endswith(".pdf") and document.content_type == "application/pdf"
    login(client, "moussa@example.org")
    served = client.get(f"/documents/{document.id}")
    assert served.status_code == 200 and served.headers["content-type"].startswith("application/pdf")
    disposition = served.headers["content-disposition"]
    assert disposition.startswith("attachment") and f"registration-{document.id}.pdf" in disposition
    assert "html" not in disposition and served.headers["x-content-type-options"] == "nosniff"


def test_a_jpeg_html_polyglot_photo_loses_its_html_and_its_name(client, session, settings, people):
    listing = published(session, settings, people["promoter"], people["staff"])
    polyglot = _jpeg() + HTML
    stored = documents.store(session, settings, listing, people["promoter"], "photo", "poly.jpg.html", polyglot)
    session.commit()
    on_disk = documents.path_of(settings, stored).read_bytes()
    assert b"<script" not in on_disk and on_disk.startswith(b"\xff\xd8\xff") and stored.stored_name.endswith(".jpg")
    Image.open(io.BytesIO(on_disk)).verify()
    served = client.get(f"/projects/{listing.slug}/photos/{stored.id}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert b"<script" not in served.content
    disposition = served.headers["content-disposition"]
    assert disposition.startswith("inline") and f"photo-{stored.id}.jpg" in disposition and ".html" not in disposition


def test_right_to_left_override_and_folders_are_dropped_from_names(session, settings, people):
    listing = draft(session, settings, people["promoter"])
    stored = documents.store(session, settings, listing, people["promoter"], "registration",
                             "..\\..\\statuts\u202egpj.pdf\u0000", b"%PDF-1.4\n%%EOF\n")
    assert stored.filename == "statutsgpj.pdf"
    assert documents.display_name("rapport\u202dfinal\u2066.pdf") == "rapportfinal.pdf"


def test_an_image_that_does_not_decode_is_refused(session, settings, people):
    listing = draft(session, settings, people["promoter"])
    for fake in (b"\xff\xd8\xff" + HTML, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64):
        with pytest.raises(BadInput) as refused:
            documents.store(session, settings, listing, people["promoter"], "photo", "x.jpg", fake)
        assert refused.value.field == "document"


def test_a_huge_photo_is_scaled_down_and_its_metadata_removed(session, settings, people):
    listing = draft(session, settings, people["promoter"])
    big = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    Image.new("RGB", (5000, 3000), (1, 2, 3)).save(big, "JPEG", exif=exif)
    stored = documents.store(session, settings, listing, people["promoter"], "photo", "big.jpg", big.getvalue())
    with Image.open(documents.path_of(settings, stored)) as image:
        assert max(image.size) == documents.MAX_SIDE and not image.getexif()


def test_an_upload_stored_before_this_change_is_still_served(client, session, settings, people):
    listing = published(session, settings, people["promoter"], people["staff"])
    old = ListingDocument(listing_id=listing.id, kind="photo", filename="vieux nom.jpg.html",
                          stored_name="0123456789abcdef0123456789abcdef.jpg", content_type="image/jpeg",
                          size=10, sha256="0" * 64, uploaded_by=people["promoter"].id)
    session.add(old)
    session.commit()
    folder = Path(settings.upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / old.stored_name).write_bytes(_jpeg())
    served = client.get(f"/projects/{listing.slug}/photos/{old.id}")
    assert served.status_code == 200 and f"photo-{old.id}.jpg" in served.headers["content-disposition"]
