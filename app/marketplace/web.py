"""Small helpers shared by the marketplace's controllers."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import MediaType, Request
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from app.models import User

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"


def page(name: str, status: int = 200, **context: Any) -> Template:
    # Always HTML, whatever the handler's return annotation would make Litestar guess.
    return Template(f"pages/{name}.html", context=context, status_code=status, media_type=MediaType.HTML)


def signed_in(user: User | None) -> User:
    """Guards already refused anonymous visitors; this narrows the type for the handler."""
    assert user is not None
    return user
