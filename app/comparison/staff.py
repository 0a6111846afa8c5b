"""Staff pages of the comparison: price sources and their runs, mystery-shopping observations, and the
mapping of provider names no catalogue entry claims."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy import update
from sqlmodel import Session, col, func, select

import providers
from app.accounts.guards import staff_only
from app.comparison.labels import run_status_label, source_label
from app.comparison.offers import MAX_AMOUNT
from app.comparison.reasons import translate_reason
from app.comparison.sources import run_in_background, source_states
from app.errors import BadInput, NotFound
from app.flash import flash
from app.i18n import _, ngettext
from app.models import CollectorRun, ProviderMapping, Quote, User
from app.models.base import utcnow
from app.numbers import parse_decimal, parse_id
from app.settings import Settings
from scrapers import current_offers
from scrapers.collectors import COLLECTORS
from scrapers.errors import ParseError
from scrapers.http import FetchResult
from scrapers.pipeline import ingest, judge_quotes
from scrapers.runs import snapshot_content, store_snapshot
from scrapers.staff import COLUMNS, parse_observations

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
# places, minimum, maximum: the pipeline judges plausibility (negative fees, margins); these only bound the text
NUMBERS = {"amount": (2, -MAX_AMOUNT, MAX_AMOUNT), "fee": (2, -MAX_AMOUNT, MAX_AMOUNT),
           "rate": (10, Decimal(-10**9), Decimal(10**9))}


def _page(name: str, status: int = 200, **context: Any) -> Template:
    return Template(f"pages/{name}.html", context=context, status_code=status)


def _form_errors(values: dict[str, str]) -> dict[str, str]:
    """What the form can say in the staff member's language before the pipeline judges the row."""
    errors = {name: _("Required.") for name in ("provider", "source_country", "destination_country", "amount",
                                                "fee", "observed_at") if not values.get(name)}
    for name, (places, low, high) in NUMBERS.items():
        if values.get(name) and name not in errors:
            try:  # written back plain ("1 234,50" -> "1234.50") so the CSV reader sees what the form checked
                values[name] = str(parse_decimal(values[name], field=name, places=places, minimum=low, maximum=high,
                                                 invalid=_("Enter a number, e.g. 655.957.")))
            except BadInput as exc:
                errors[name] = exc.message
    if values.get("transparent", "yes") == "yes" and not values.get("rate"):
        errors.setdefault("rate", _("Required when the provider showed its rate."))
    return errors


def _field_of(reason: str) -> str:
    """Which form field a pipeline reason is about (the rest go above the form)."""
    for start, field in (("negative fee", "fee"), ("fee", "fee"), ("amount", "amount"), ("rate", "rate"),
                         ("FX margin", "rate"), ("sending country", "source_country"),
                         ("receiving country", "destination_country"), ("observed_at", "observed_at")):
        if reason.startswith(start):
            return field
    return "form"


def _one_row_csv(values: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    writer.writerow({name: values.get(name, "") for name in COLUMNS})
    return out.getvalue().encode()


def _observations_page(db: Session, status: int = 200, **context: Any) -> Template:
    runs = db.exec(select(CollectorRun).where(CollectorRun.source == "staff")
                   .order_by(col(CollectorRun.id).desc()).limit(10)).all()
    context.setdefault("values", {"transparent": "yes", "observed_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")})
    return _page("staff_observations", status, runs=runs, columns=COLUMNS, errors=context.pop("errors", {}),
                 **context)


class StaffComparisonController(Controller):
    path = "/staff"
    guards = [staff_only]

    @get("/sources", sync_to_thread=True)
    def sources(self, db: Session, settings: Settings) -> Template:
        return _page("staff_sources", states=source_states(db, settings))

    @post("/sources/{source:str}/run", sync_to_thread=True)
    def run_now(self, request: Request[Any, Any, Any], source: str, settings: Settings) -> Redirect:
        if source not in COLLECTORS or source == "staff":
            raise NotFound(_("There is no such price source."))
        outcome = run_in_background(source, request.app.state.engine, settings)
        if outcome == "running":
            flash(request, _("%(source)s is already running.", source=source_label(source)), "error")
        elif outcome is None:
            flash(request, _("%(source)s started; refresh this page to follow it.", source=source_label(source)))
        else:
            flash(request, _("%(source)s finished: %(status)s.", source=source_label(source),
                             status=run_status_label(outcome)),
                  "error" if outcome == "failed" else "success")
        return Redirect("/staff/sources")

    @get("/observations", sync_to_thread=True)
    def observations(self, db: Session) -> Template:
        return _observations_page(db)

    @post("/observations", sync_to_thread=True)
    def observe(self, request: Request[Any, Any, Any], data: Form, db: Session, settings: Settings,
                user: User | None) -> Template | Redirect:
        values = {name: (data.get(name) or "").strip() for name in COLUMNS}
        errors = _form_errors(values)
        if not errors:
            content = _one_row_csv(values)
            _good, bad = judge_quotes("staff", parse_observations(content), request.app.state.engine, settings)
            for reason in (bad.get_column("reason")[0].split("; ") if bad.height else []):
                errors.setdefault(_field_of(reason), translate_reason(reason))
            if not errors:
                ingest("staff", content, url=f"staff:form:{user.email if user else 'staff'}",
                       engine=request.app.state.engine, settings=settings, trigger="staff")
                flash(request, _("Observation saved."), "success")
                return Redirect("/staff/observations")
        return _observations_page(db, 400, values=values, errors=errors)

    @post("/observations/upload", sync_to_thread=True)
    def upload(self, request: Request[Any, Any, Any], data: Upload, db: Session,
               settings: Settings) -> Template | Redirect:
        upload = data.get("file")
        content = upload.file.read() if isinstance(upload, UploadFile) else b""
        if not content:
            return _observations_page(db, 400, upload_error=_("Choose a CSV file to upload."))
        engine = request.app.state.engine
        name = upload.filename if isinstance(upload, UploadFile) else "upload.csv"
        # the file is kept as it came, before reading it: confirming later reads exactly these bytes
        snapshot_id = store_snapshot(engine, "staff", FetchResult(
            url=f"upload:{name}", status=200, content=content, content_type="text/csv", fetched_at=utcnow(),
            sha256=hashlib.sha256(content).hexdigest()))
        try:
            raw = parse_observations(content)
        except ParseError as exc:
            return _observations_page(db, 400, upload_error=_("The file could not be read: %(why)s",
                                                              why=translate_reason(str(exc))))
        good, bad = judge_quotes("staff", raw, engine, settings)
        if bad.is_empty():
            report = ingest("staff", content, url=f"upload:{name}", engine=engine, settings=settings, trigger="staff")
            flash(request, ngettext("%(num)s observation saved.", "%(num)s observations saved.", report.published),
                  "success")
            return Redirect("/staff/observations")
        rows = [(line, translate_reason(reason))
                for line, reason in bad.select("source_row", "reason").sort("source_row").rows()]
        return _observations_page(db, 400, row_errors=rows, valid=good.height, snapshot_id=snapshot_id,
                                  filename=name)

    @post("/observations/confirm", sync_to_thread=True)
    def confirm(self, request: Request[Any, Any, Any], data: Form, settings: Settings) -> Redirect:
        engine = request.app.state.engine
        snapshot_id = parse_id(data.get("snapshot"))
        stored = snapshot_content(engine, snapshot_id) if snapshot_id is not None else None
        if stored is None or stored[0] != "staff":
            raise NotFound(_("This upload is no longer available; please upload the file again."))
        report = ingest("staff", stored[1], url=f"snapshot:{snapshot_id}", engine=engine, settings=settings,
                        trigger="staff")
        flash(request, ngettext("%(num)s observation saved; %(left)s left out and kept in quarantine.",
                                "%(num)s observations saved; %(left)s left out and kept in quarantine.",
                                report.published, left=report.rejected), "success")
        return Redirect("/staff/observations")

    @get("/providers/unreviewed", sync_to_thread=True)
    def unreviewed(self, db: Session) -> Template:
        names = db.exec(select(Quote.source, Quote.provider_name, func.count(), func.max(Quote.observed_at))
                        .where(Quote.provider_slug == providers.UNREVIEWED.slug)
                        .group_by(col(Quote.source), col(Quote.provider_name))
                        .order_by(col(Quote.source), col(Quote.provider_name))).all()
        catalogue = sorted((p for p in providers.all_providers() if p is not providers.UNREVIEWED),
                           key=lambda p: p.name.casefold())
        mappings = db.exec(select(ProviderMapping).order_by(col(ProviderMapping.mapped_at).desc()).limit(50)).all()
        return _page("staff_unreviewed", names=names, catalogue=catalogue, mappings=mappings)

    @post("/providers/unreviewed", sync_to_thread=True)
    def map_name(self, request: Request[Any, Any, Any], data: Form, db: Session, user: User | None) -> Redirect:
        source, name, slug = (data.get(k, "").strip() for k in ("source", "name", "provider"))
        try:
            provider = providers.get_provider(slug)
        except providers.UnknownProvider:
            flash(request, _("Choose a provider from the catalogue."), "error")
            return Redirect("/staff/providers/unreviewed")
        key = providers.normalise_name(name)
        mapping = db.exec(select(ProviderMapping).where(ProviderMapping.source == source,
                                                        ProviderMapping.name_key == key)).first()
        mapping = mapping or ProviderMapping(source=source, name_key=key, name=name, provider_slug=slug)
        mapping.provider_slug, mapping.mapped_by, mapping.mapped_at = slug, user.id if user else None, utcnow()
        db.add(mapping)
        # quotes already stored under any spelling of that name follow the mapping at once
        spellings = [n for n in db.exec(select(Quote.provider_name).where(
            Quote.source == source, Quote.provider_slug == providers.UNREVIEWED.slug).distinct()).all()
            if providers.normalise_name(n) == key]
        touched = db.exec(select(Quote.corridor).where(col(Quote.source) == source,
                                                       col(Quote.provider_name).in_(spellings)).distinct()).all()
        db.execute(update(Quote).where(col(Quote.source) == source, col(Quote.provider_name).in_(spellings))
                   .values(provider_slug=slug))
        current_offers.rebuild(db.connection(), touched)  # the services changed provider: same transaction
        db.commit()
        flash(request, _("“%(name)s” is now %(provider)s.", name=name, provider=provider.name), "success")
        return Redirect("/staff/providers/unreviewed")
