"""The staff match page (/staff/needs/{id}/matches) and its htmx fragment, as the match cache serves them.

A page asked before comes whole from the cache (app.skills.match_cache). A page not asked before (another need,
search or page number: the first request after any change) is built from parts:
- the need, read as a plain row in one statement from the event loop (`app.loop_reads`), never an ORM session;
- its matches (`app.skills.matching.page_steps`): on PostgreSQL each statement on the loop's own connections
  (no worker thread, no pre-ping, no BEGIN / ROLLBACK), on SQLite on a plain connection in a worker thread;
- the page around them, rendered and compressed once per language and role (`_shell`), the request's own parts
  (the need's head, the search, the rows, the language links' address, the CSRF token) spliced in as bytes.
The first answer keeps those parts; asked again, the page is kept whole (compressed once).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import anyio.to_thread
from jinja2 import Environment
from jinja2.filters import do_urlencode
from litestar import MediaType, Request, Response
from markupsafe import Markup, escape
from sqlalchemy import Engine, bindparam, select

from app.compressed import Layout, respond
from app.errors import NotFound
from app.i18n import _, current_locale
from app.loop_reads import LoopReader
from app.models import Need
from app.page_cache import CSRF_INPUT_MARK, CSRF_MARK, csrf_text, environment, page_layout, serve_layout
from app.skills import matching
from app.skills.match_cache import MatchCache, match_cache

INVITE_PATH = "/staff/needs/{}/invite"
PAGE, FRAGMENT = "pages/staff_matches.html", "partials/_matches.html"
MARKS = {"csrf": CSRF_MARK, "head": "\x00head\x00", "need": "\x00need\x00", "q": "\x00q\x00",
         "results": "\x00results\x00", "next": str(do_urlencode("\x00next\x00"))}
CSRF_MARK_BYTES = CSRF_MARK.encode()
FRAGMENT_SHELL = Layout(MARKS["results"], {"results": MARKS["results"]})
NEED_ROW = select(Need.id, Need.title, Need.occupation, Need.skills, Need.languages, Need.mode,  # type: ignore[call-overload]
                  Need.days_wanted, Need.country, Need.town).where(Need.id == bindparam("id"))


def route_exists(request: Request[Any, Any, Any], pattern: str) -> bool:
    """Whether the app serves a path of this shape (path parameters compared as placeholders); the app's shapes
    are worked out once (a hundred regular expressions per page otherwise)."""
    shapes: frozenset[str] | None = getattr(request.app.state, "route_shapes", None)
    if shapes is None:
        shapes = request.app.state.route_shapes = frozenset(re.sub(r"\{[^}]*\}", "{}", route.path)
                                                            for route in request.app.routes)
    return re.sub(r"\{[^}]*\}", "{}", pattern) in shapes


async def serve(request: Request[Any, Any, Any], need_id: int, query: str, number: int, fragment: bool, role: str,
                flashing: bool, read: dict[str, str] | None) -> Response[Any]:
    """The page (or fragment) of ``need_id``'s matches for ``query`` and page ``number``; ``flashing``: a message
    waits to be shown once (the page is then rendered whole, and not kept); ``read``: the data versions read with
    the request's session, if any."""
    cache = match_cache(request.app)
    generation = await cache.fresh(read)
    # the page shows the viewer's role (menu) and, in the language links, its own address (which holds q and page)
    key = (need_id, fragment, current_locale.get(), role, str(request.url.query))
    kept = None if flashing else cache.get(key)
    if isinstance(kept, Layout):
        return serve_layout(request, kept)
    if kept is not None:  # asked a second time: worth keeping whole, compressed once
        shell, values = kept
        layout = cache.put(key, page_layout(shell.text(values)))
        return serve_layout(request, layout)
    need = await _need(cache.reader, need_id)
    result = await _matches(cache.reader, cache.engine, need, query, number)
    env = environment(request)
    results = env.get_template(FRAGMENT).render(
        request=request, csrf_token=lambda: CSRF_MARK, csrf_input=CSRF_INPUT_MARK, need=need, q=query, result=result,
        can_invite=route_exists(request, INVITE_PATH.format("{x}")))
    values = {"results": results}
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if not fragment:
        values |= {"head": env.get_template("partials/_match_need.html").render(need=need), "need": str(need.id),
                   "q": str(escape(query)), "next": str(do_urlencode(here))}
    if flashing:  # the whole page, its message popped from the session
        return serve_layout(request, page_layout(_render(env, request, values, here)))
    shell = FRAGMENT_SHELL if fragment else _shell(cache, env, request, role)
    if "\x00" not in query:  # no text of the request's own can pass for a mark when the page is kept whole
        cache.put(key, (shell, values), generation)
    token = csrf_text(request).encode()
    own = {name: value.encode() for name, value in values.items() if name != "results"}
    # the token put in after encoding: the same bytes (the mark is ASCII), one pass less over the rows
    own |= {"csrf": token, "results": results.encode().replace(CSRF_MARK_BYTES, token)}
    return respond(request, shell.fill(own), MediaType.HTML)


async def _need(reader: LoopReader, need_id: int) -> matching.MatchedNeed:
    row = await reader.first(NEED_ROW, {"id": need_id})
    if row is None:
        raise NotFound(_("No such need."))
    return matching.MatchedNeed(**row)


async def _matches(reader: LoopReader, engine: Engine, need: matching.MatchedNeed, query: str,
                   number: int) -> matching.MatchPage:
    steps = matching.page_steps(need, query, number, reader.postgres)
    if not reader.postgres:
        return await anyio.to_thread.run_sync(_on_sqlite, engine, steps,  # type: ignore[no-any-return]
                                              limiter=_sqlite_readers())
    try:
        sql, params = next(steps)
        while True:
            assert isinstance(sql, str), "PostgreSQL's steps are plain SQL"
            sql, params = steps.send(await reader.rows(sql, params))
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


SQLITE_READERS = 4  # match pages read from SQLite at once, in worker threads (see `_sqlite_readers`)
_readers: dict[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = {}


def _sqlite_readers() -> anyio.CapacityLimiter:
    """The event loop's limit on concurrent SQLite match reads: unbounded, 16 connections' misses ran up to 14 at
    once on 2 cores, past the engine's pool (5, overflow 10: connections opened and closed all the time) and in a
    convoy on the GIL; 4 at once served 227-270 misses a second (p99 76-123 ms) where 40 served 159-221 (p99
    128-246 ms), side by side on the 50 000-profile database."""
    loop = asyncio.get_running_loop()
    limiter = _readers.get(loop)
    if limiter is None:
        _readers.clear()  # a loop of an earlier app (tests) is done with
        limiter = _readers[loop] = anyio.CapacityLimiter(SQLITE_READERS)
    return limiter


def _on_sqlite(engine: Engine, steps: matching.Steps) -> matching.MatchPage:
    with engine.connect() as conn:
        return matching.run(conn, steps)  # type: ignore[no-any-return]


def _render(env: Environment, request: Request[Any, Any, Any], values: dict[str, str],
            here: str = "\x00next\x00") -> str:
    """staff_matches.html with ``values`` in (marks where a value is missing), the language links back to ``here``."""
    filled = MARKS | values
    return env.get_template(PAGE).render(
        request=request, csrf_token=lambda: CSRF_MARK, csrf_input=CSRF_INPUT_MARK, lang_next=here,
        need_html=Markup(filled["head"]), need_id=Markup(filled["need"]), q=Markup(filled["q"]),  # noqa: S704
        matches_html=Markup(filled["results"]))  # noqa: S704 - rendered by autoescaping templates, or marks


def _shell(cache: MatchCache, env: Environment, request: Request[Any, Any, Any], role: str) -> Layout:
    """The page around a need's matches, cut at MARKS (once per data version, language and role)."""
    key = ("shell", current_locale.get(), role)
    found: Layout | None = cache.get(key)
    if found is None:
        found = cache.put(key, Layout(_render(env, request, {}), MARKS))
    return found
