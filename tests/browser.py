"""A live server on loopback and Debian's Chromium driven by Playwright, for browser tests."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        raise RuntimeError("Chromium is needed for browser tests: apt-get install -y chromium "
                           "(.ci/run installs it).")
    return path


@contextmanager
def serve(app, timeout: float = 15.0) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Serve `app` with uvicorn on 127.0.0.1 and a free port; stop it afterwards."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError("the test server did not start in time")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)


@contextmanager
def serve_site(settings):  # type: ignore[no-untyped-def]
    """The app built from `settings` (its database emptied first), served on loopback; yields the base URL
    and the settings the app runs with (`site_url` set to that URL, for links in mails and redirects)."""
    from app.db import make_engine
    from app.main import create_app
    from tests.conftest import _empty

    engine = make_engine(settings.database_url)
    _empty(engine)
    engine.dispose()
    app = create_app(settings)
    with serve(app) as base_url:
        running = settings.model_copy(update={"site_url": base_url})
        app.state.settings = running
        yield base_url, running


def guarded_page(browser, origins: tuple[str, ...], offsite: list[str], **context):  # type: ignore[no-untyped-def]
    """A page in a new browser context that may ask only `origins`; anything else is refused and noted."""
    browser_context = browser.new_context(**context)

    def guard(route):  # type: ignore[no-untyped-def]
        if route.request.url.startswith(origins):
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort()

    browser_context.route("**/*", guard)
    return browser_context.new_page()


def translator(lang: str):  # type: ignore[no-untyped-def]
    """t(msgid, **values) as the app says it in `lang` (English msgids, French from the catalogue)."""
    from app.i18n import translations

    catalogue = translations(lang)

    def t(message: str, **values: object) -> str:
        text = catalogue.gettext(message) if lang == "fr" else message
        return text % values if values else text

    return t
