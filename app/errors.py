"""Domain errors and the one place that maps every error to an HTTP answer in the user's language."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
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


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or (
        "application/json" in request.headers.get("accept", "") and "text/html" not in
        request.headers.get("accept", ""))


def _settle_locale(request: Request) -> None:
    # Unknown paths never reach the route middleware: settle the language before any message is written.
    current_locale.set(request.scope.get("state", {}).get("locale") or detect_locale(request.scope))


def _page(request: Request, status: int, message: str) -> Response[Any]:
    _settle_locale(request)
    if _wants_json(request):
        return Response({"status": status, "error": message}, status_code=status,
                        media_type=MediaType.JSON)
    titles = {403: _("Access refused"), 404: _("Page not found"), 500: _("Something went wrong")}
    title = titles.get(status, _("Request not understood"))
    return Template("pages/error.html", context={"status": status, "title": title, "message": message},
                    status_code=status)  # type: ignore[return-value]


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
    }
    message = messages.get(status) or (exc.detail if status < 500 else _("Please try again in a moment."))
    if status == 403 and "CSRF" in str(exc.detail):
        message = _("The form had expired or was sent from elsewhere. Please reload the page and try again.")
    if status >= 500:
        log.error("HTTP %s on %s: %s", status, request.url.path, exc.detail)
    return _page(request, status, message)


def server_error_handler(request: Request, exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    _settle_locale(request)
    return _page(request, HTTP_500_INTERNAL_SERVER_ERROR, _("Please try again in a moment."))


exception_handlers: dict[Any, Any] = {
    DomainError: domain_error_handler,
    HTTPException: http_error_handler,
    Exception: server_error_handler,
}
