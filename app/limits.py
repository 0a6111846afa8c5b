"""The one table of text lengths: forms show it (`maxlength`, through the field macros) and the server enforces it.

Every field a form posts is bounded: by its entry here, by its prefix (`note_…` for checklist notes), or by
DEFAULT. The server counts characters after turning CRLF into LF, as browsers do for `maxlength` (which counts
UTF-16 units, so a browser never sends more than the server takes). Database columns are at least as long as
their entry here (a test checks it), so a text the server accepts is stored whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from litestar import Request
from litestar.types import ASGIApp, Receive, Scope, Send

from app.errors import BadInput
from app.i18n import _
from app.numbers import MAX_TEXT

DEFAULT = 200
TEXT_LIMITS: dict[str, int] = {
    # a listing
    "title": 140, "summary": 400, "story": 10_000, "impact": 2_000, "town": 120, "org_name": 200,
    "org_legal_form": 120, "org_registration": 120, "budget": 4_000, "milestones": 4_000,
    "other_funding": 400,
    # an update to backers
    "body": 10_000,
    # accounts
    "email": 254, "password": 256, "new_password": 256, "current_password": 256, "display_name": 120,
    "token": 200, "next": 500, "delete_password": 256, "export_password": 256, "confirm": 3, "role": 16,
    # staff: vetting, ledgers, observations
    "reason": 2_000, "note": 2_000, "reference": 120, "provider": 120, "observed_at": 40,
    # staff and admins: the programme's money (receiving accounts, statement decisions)
    "holder": 140, "iban": 50, "bic": 20, "number": 30, "operator": 20, "kind": 16, "pledge_reference": 40,
    "account": 20, "back": 20,
    # numbers (the parser refuses longer ones anyway) and codes
    **dict.fromkeys(("amount", "goal", "min_pledge", "fee", "rate", "threshold", "campaign_days", "expected_jobs",
                     "milestone_id", "snapshot", "alert", "page", "amount_usd"), MAX_TEXT),
    **dict.fromkeys(("country", "source_country", "destination_country", "from", "to", "currency",
                     "send_currency", "receive_currency"), 3),
    "q": 100, "key": 100,
    # a member's skill profile (skills tags are skill_1, skill_2...: see PREFIXES)
    "job_title": 120, "qualifications": 2_000, "occupation": 4, "origin_country": 2, "residence_country": 2,
    "mode": 16, "days_per_year": MAX_TEXT, "add_language": 3, "paused": 3, "find": 100, "action": 16,
    "profile_id": MAX_TEXT,
    # skills: offers and missions (a word to the host; dates as typed; days delivered; a profile from the matches)
    "message": 2_000, "days": MAX_TEXT, "code": 40,
    # skills: a host institution (its form) and a need for expertise (see app.models.skills for the columns)
    "name": 200, "description": 4_000, "website": 200, "phone": 40, "registration": 120,
    "skills": 2_000, "languages": 120, "sector": 32, "days_wanted": MAX_TEXT,
    "starts_on": 40, "ends_on": 40, "listing_id": MAX_TEXT, "outcome": 16,
}
PREFIXES: dict[str, int] = {"note_": TEXT_LIMITS["note"], "status_": 20, "skill_": 40, "lang_": 3, "provides_": 16}


def text_limit(name: str) -> int:
    """The maximum length of the field called `name`, in characters."""
    if name in TEXT_LIMITS:
        return TEXT_LIMITS[name]
    for prefix, limit in PREFIXES.items():
        if name.startswith(prefix):
            return limit
    return DEFAULT


# A route whose handler answers over-long texts itself, beside their fields of the re-rendered form
# (`length_errors`, `check_form`), says so with `opt=FORM_READS_LENGTHS`; the middleware leaves its forms alone.
FORM_READS_LENGTHS = {"lengths": "form"}


class FieldMessage(str):
    """A message naming its field: as text by its key (what JSON clients and the plain error page know), beside
    the field of a form by the label the form shows there (the `labelled` filter of the field macros)."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, name: str, **values: object) -> FieldMessage:
        text = super().__new__(cls, template % {"field": name, **values})
        text.template, text.values = template, values
        return text

    def labelled(self, label: str) -> str:
        return self.template % {"field": label, **self.values}


def labelled(message: str, label: str) -> str:
    """`message` beside the field labelled `label`: a FieldMessage names the field by it."""
    return message.labelled(label) if isinstance(message, FieldMessage) else message


def _length(value: str) -> int:
    return len(value.replace("\r\n", "\n"))


def too_long(name: str, value: str) -> BadInput | None:
    """The error for a text over its limit, or None."""
    limit, length = text_limit(name), _length(value)
    if length <= limit:
        return None
    message = FieldMessage(_("This text is too long: %(length)s characters for at most %(limit)s (field "
                             "“%(field)s”)."), name, length=length, limit=limit)
    return BadInput(message, field=name)


def length_errors(data: Mapping[str, Any], shown: Iterable[str], choices: Iterable[str] = ()) -> dict[str, str]:
    """Each text of a posted form over its limit: beside its field when the form shows it (`shown`), for the
    whole form otherwise. `choices` (select, radio and checkbox names; a name ending in "_" stands for every name
    it starts) are left to the form's reader, which strips them and refuses any value not among its options:
    those bound them, and a padded or unknown choice is answered in the reader's words, not as a length."""
    visible, skipped = set(shown), tuple(choices)
    errors: dict[str, str] = {}
    for name, value in data.items():
        if not isinstance(value, str) or name in skipped or name.startswith(tuple(c for c in skipped if c[-1] == "_")):
            continue
        error = too_long(name, value)
        if error is not None:
            errors[name if name in visible else "form"] = error.message
    return errors


def check_form(data: Mapping[str, Any], shown: Iterable[str], choices: Iterable[str] = ()) -> None:
    """Raise the first of `length_errors` as a BadInput, named after its field (None: the whole form)."""
    for name, message in length_errors(data, shown, choices).items():
        raise BadInput(message, field=None if name == "form" else name)


def check_lengths(values: Any) -> None:
    """Raise the first too-long error among the text values of a form (`multi_items()` or a mapping)."""
    items = values.multi_items() if hasattr(values, "multi_items") else values.items()
    for name, value in items:
        if isinstance(value, str) and (error := too_long(name, value)):
            raise error


_FORMS = (b"application/x-www-form-urlencoded", b"multipart/form-data")


def text_limits_middleware(app: ASGIApp) -> ASGIApp:
    """Every form posted to any route is checked against the table before its handler runs.

    The form is read once: Litestar keeps the parsed form in the connection state, and the handler reuses it.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        if handler is not None and handler.opt.get("lengths") == FORM_READS_LENGTHS["lengths"]:
            await app(scope, receive, send)
            return
        if scope["type"] == "http" and scope.get("method") in ("POST", "PUT", "PATCH"):
            content_type = next((v for k, v in scope.get("headers", []) if k == b"content-type"), b"")
            if content_type.lower().startswith(_FORMS):
                request: Request[Any, Any, Any] = Request(scope, receive)
                # The body first, kept in the scope: a multipart form is parsed from the stream, and a handler
                # that wants the raw bytes (the Stripe webhook) would wait for ever for a body already read.
                await request.body()
                check_lengths(await request.form())
        await app(scope, receive, send)

    return middleware
