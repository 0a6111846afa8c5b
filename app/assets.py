"""Static files under content-hashed URLs, so browsers may keep them for a year and still see every change."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from app.settings import PROJECT_ROOT

STATIC_DIR = PROJECT_ROOT / "app" / "static"
LONG_LIVED = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # unversioned URLs: the browser asks again before each use
FAVICON = "public, max-age=86400"  # browsers ask /favicon.ico on their own, under a name that never changes


@lru_cache(maxsize=64)
def _digest(path: str, mtime_ns: int) -> str:
    return hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:12]


def asset_url(path: str) -> str:
    """'css/app.css' -> '/static/css/app.css?v=<12 hex of its sha256>' (re-read when the file changes)."""
    file = STATIC_DIR / path
    return f"/static/{path}?v={_digest(path, file.stat().st_mtime_ns)}"


def static_cache_control(path: str, query_string: bytes) -> str:
    """A year for a URL that names the content's hash, a day for the favicon, revalidation for any other."""
    if path == "/favicon.ico":
        return FAVICON
    return LONG_LIVED if any(part.startswith(b"v=") for part in query_string.split(b"&")) else REVALIDATE
