"""Domain errors and the one place that maps every error to an HTTP answer in the user's language."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from app.i18n import _, current_locale
from app.middleware import detect_locale

log = logging.getLogger(__name__)


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class BadInput(DomainError):
    status_code = 400


# Never sent back into a re-rendered form: secrets, and the token the page renders afresh.
_NOT_ECHOED = ("password", "_csrf_token")


class FormError(DomainError):
    """A refused form: the error mapper re-renders `template` (``"pledge"`` means ``pages/pledge.html``)
    as HTML with each message beside its field (`errors`, keyed by field name, ``"form"`` for the whole
    form), the values the person entered (`form`) and the page's other `context`, under `status`.

    Handlers raise it instead of building the error page themselves, so every refused form of the app
    answers the same way: HTML for browsers, ``{status, error, field, errors}`` for JSON clients.
    """

    def __init__(self, template: str, errors: Mapping[str, str], *, form: Mapping[str, Any] | None = None,
                 context: Mapping[str, Any] | None = None, status: int = 400) -> None:
        field, message = next(iter(errors.items())) if errors else ("form", "")
        super().__init__(message, field=None if field == "form" else field)
        self.template = template if "/" in template else f"pages/{template}.html"
        self.errors = dict(errors)
        # Stray spaces around a value are dropped, as the readers drop them: a padded choice is shown chosen.
        self.form = {k: v.strip() if isinstance(v, str) else v for k, v in (form or {}).items()
                     if not any(word in k for word in _NOT_ECHOED)}
        self.context = dict(context or {})
        self.status_code = status

    @classmethod
    def of(cls, exc: DomainError, template: str, *, form: Mapping[str, Any] | None = None,
           context: Mapping[str, Any] | None = None) -> FormError:
        """The domain error `exc`, shown beside its field of the form in `template`, with its own status."""
        if isinstance(exc, FormError):
            return exc
        return cls(template, {exc.field or "form": exc.message}, form=form, context=context,
                   status=exc.status_code)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or (
        "application/json" in request.headers.get("accept", "") and "text/html" not in
        request.headers.get("accept", ""))


def _settle_locale(request: Request) -> None:
    # Unknown paths never reach the route middleware: settle the language before any message is written.
    current_locale.set(request.scope.get("state", {}).get("locale") or detect_locale(request.scope))


def _page(request: Request, status: int, message: str, field: str | None = None,
          headers: Mapping[str, str] | None = None, back: str | None = None) -> Response[Any]:
    _settle_locale(request)
    if _wants_json(request):
        body: dict[str, Any] = {"status": status, "error": message}
        if field:
            body["field"] = field
        return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)
    titles = {403: _("Access refused"), 404: _("Page not found"), 413: _("File too large"),
              500: _("Something went wrong")}
    title = titles.get(status, _("Request not understood"))
    return Template("pages/error.html", context={"status": status, "title": title, "message": message, "back": back},
                    status_code=status, media_type=MediaType.HTML,  # type: ignore[return-value]
                    headers=dict(headers or {}))


_BOUND = re.compile(r"Expected `(\w+)` (>=|<=|>|<) (-?[0-9.]+)")
_MISSING = re.compile(r"Missing required \w+ parameter '([^']+)'")


def _invalid(exc: ValidationException) -> tuple[str | None, str]:
    """Litestar's own refusal of a parameter (a wrong type, a bound, a missing one), named and translated."""
    problems = exc.extra if isinstance(exc.extra, list) else []
    first = problems[0] if problems and isinstance(problems[0], dict) else {}
    field, said = first.get("key"), str(first.get("message", ""))
    missing = _MISSING.search(str(exc.detail))
    if missing:
        return missing.group(1), _("%(field)s is required.", field=missing.group(1))
    if not field:
        return None, _("The request could not be read: please check its parameters.")
    if field == "data":  # a form's body as a whole (a field sent twice, a value where text was due), not a field
        return None, _("This form could not be read: a field may have been sent twice. Please reload the page and "
                       "send the form again.")
    if "missing" in said.lower() or "required" in said.lower():
        return field, _("%(field)s is required.", field=field)
    bound = _BOUND.search(said)
    if bound and bound.group(2) in (">=", ">"):
        return field, _("%(field)s must be at least %(n)s.", field=field, n=bound.group(3))
    if bound:
        return field, _("%(field)s must be at most %(n)s.", field=field, n=bound.group(3))
    if "`int`" in said:
        return field, _("%(field)s must be a whole number, such as 2.", field=field)
    if "length" in said.lower():
        return field, _("%(field)s is too long.", field=field)
    return field, _("%(field)s does not have the expected form.", field=field)


def form_error_handler(request: Request, exc: FormError) -> Response[Any]:
    current_locale.set(request.scope.get("state", {}).get("locale") or detect_locale(request.scope))
    if _wants_json(request):
        return Response({"status": exc.status_code, "error": exc.message, "field": exc.field, "errors": exc.errors},
                        status_code=exc.status_code, media_type=MediaType.JSON)
    context = {**exc.context, "form": exc.form, "errors": exc.errors}
    return Template(exc.template, context=context, status_code=exc.status_code,  # type: ignore[return-value]
                    media_type=MediaType.HTML)


def domain_error_handler(request: Request, exc: DomainError) -> Response[Any]:
    if _wants_json(request):
        body: dict[str, Any] = {"status": exc.status_code, "error": exc.message}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status_code=exc.status_code, media_type=MediaType.JSON)
    return _page(request, exc.status_code, exc.message)


def http_error_handler(request: Request, exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    _settle_locale(request)
    if isinstance(exc, NotAuthorizedException) and not _wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?next={quote(target)}")  # type: ignore[return-value]
    messages = {
        403: _("You do not have access to this page."),
        404: _("We could not find this page. It may have moved, or the address may be mistyped."),
        405: _("This address does not accept that kind of request."),
        413: _("What was sent is larger than this form accepts, so it was not read. Please go back and choose a "
               "smaller file: the form says the largest size it takes."),
    }
    message = messages.get(status) or (exc.detail if status < 500 else _("Please try again in a moment."))
    field = None
    if isinstance(exc, ValidationException):
        field, message = _invalid(exc)
    if status == 403 and "CSRF" in str(exc.detail):
        message = _("The form had expired or was sent from elsewhere. Please reload the page and try again.")
    if status >= 500:
        log.error("HTTP %s on %s: %s", status, request.url.path, exc.detail)
    # 405 keeps its Allow header (RFC 9110), 429 its Retry-After, 503 too.
    return _page(request, status, message, field, exc.headers, _form_page(request) if status == 413 else None)


def _form_page(request: Request) -> str | None:
    """The page of ours the refused form was sent from (Referrer-Policy same-origin sends it), for a link back."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.headers.get("host") or not referer.path.startswith("/"):
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


def server_error_handler(request: Request, exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    _settle_locale(request)
    return _page(request, HTTP_500_INTERNAL_SERVER_ERROR, _("Please try again in a moment."))


exception_handlers: dict[Any, Any] = {
    FormError: form_error_handler,
    DomainError: domain_error_handler,
    HTTPException: http_error_handler,
    Exception: server_error_handler,
}
