"""create_app(): settings -> config objects -> plugins -> the Litestar application."""

from __future__ import annotations

import logging

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.static_files import create_static_files_router
from sqlalchemy.orm import configure_mappers

from app.accounts.controller import AccountController
from app.comparison import alerts
from app.comparison.alert_pages import AlertPages
from app.comparison.api import OpenDataAPI, OpenDataCSV
from app.comparison.cache import ComparisonCache
from app.comparison.pages import ComparisonPages
from app.comparison.staff import StaffComparisonController
from app.db import get_engine
from app.deps import dependencies
from app.errors import exception_handlers
from app.flash import no_store_after_flash
from app.limits import text_limits_middleware
from app.loop_reads import close_loop_reader
from app.mail import start_courier, stop_courier
from app.marketplace.api import ProjectApiController
from app.marketplace.routes import MARKETPLACE_HANDLERS
from app.middleware import locale_middleware, security_headers, user_middleware
from app.numbers import id_bounds_middleware
from app.pages import SiteController
from app.scheduler import start_in_app, stop_in_app
from app.sessions import SessionMiddleware
from app.settings import PROJECT_ROOT, Settings, get_settings
from app.skills.routes import SKILLS_API, SKILLS_HANDLERS
from app.store import make_store
from app.templating import template_config

# Regular expressions searched in the path, so each is anchored: an unanchored "/api/" exempted
# /staff/sources/api/run. Stripe's webhook is exempt (signed, not a browser), and the JSON API under /api/v1/
# (GETs only, which CSRF never checks: exempt, its answers carry no csrftoken cookie to sign and set at each
# request, tests/api/test_api_cookies.py holds it to reads).
CSRF_EXEMPT = [r"^/billing/stripe/webhook$", r"^/api/v1/"]


def _start_courier(app: Litestar) -> None:
    app.state.courier = start_courier(app.state.engine, app.state.settings)


def _stop_courier(app: Litestar) -> None:
    stop_courier(getattr(app.state, "courier", None))


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = get_engine(settings.database_url)
    # The ORM's classes are set up now, not at the first query: a signed-in visitor's user is built from the
    # session's row without one (app.sessions), and as the first request after a start it failed with a 500.
    configure_mappers()
    alerts.register_hooks()  # the data path's after-load hooks this app needs (the in-app scheduler loads)
    stores = {name: make_store(name, engine, settings.redis_url, settings.redis_key_prefix)
              for name in ("sessions", "ratelimit")}
    csrf = CSRFConfig(secret=settings.secret_key, cookie_name="csrftoken", header_name="x-csrftoken",
                      cookie_samesite="lax", cookie_secure=settings.production, exclude=CSRF_EXEMPT)
    static = create_static_files_router(path="/static", directories=[PROJECT_ROOT / "app" / "static"],
                                        include_in_schema=False, cache_control=None)
    # The OpenAPI schema documents the JSON API alone: pages, forms, staff, admin and billing stay out of it.
    pages = Router(path="/", include_in_schema=False,
                   route_handlers=[SiteController, AccountController, ComparisonPages, AlertPages, OpenDataCSV,
                                   StaffComparisonController, *MARKETPLACE_HANDLERS, *SKILLS_HANDLERS, static])
    app = Litestar(
        route_handlers=[OpenDataAPI, ProjectApiController, *SKILLS_API, pages],
        # The scheduler, when SCHEDULER_ENABLED (it runs jobs only under its lock); the mail courier,
        # which delivers right after a commit that queued mail, when SMTP_HOST is set.
        on_startup=[start_in_app, _start_courier],
        on_shutdown=[stop_in_app, _stop_courier, close_loop_reader],
        dependencies=dependencies,
        middleware=[
            locale_middleware,
            DefineMiddleware(SessionMiddleware, max_age=settings.session_max_age_seconds,
                             secure=settings.production),
            DefineMiddleware(user_middleware),
            id_bounds_middleware,
            text_limits_middleware,
        ],
        csrf_config=csrf,
        stores=stores,
        template_config=template_config(),
        compression_config=CompressionConfig(backend="gzip", minimum_size=500, gzip_compress_level=1),
        exception_handlers=exception_handlers,
        before_send=[security_headers, no_store_after_flash],
        # JSON and YAML only: the HTML viewers load their scripts from third-party CDNs.
        openapi_config=OpenAPIConfig(title="Passerelle open data API", version="1", path="/schema",
                                     description="Remittance prices and vetted projects.",
                                     render_plugins=[JsonRenderPlugin(), YamlRenderPlugin()]),
        debug=False,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.comparison_cache = ComparisonCache(engine)
    return app
