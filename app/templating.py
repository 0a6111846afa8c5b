"""The Jinja2 environment: templates/, translation and format helpers, autoescaping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from markupsafe import Markup

from app import i18n
from app.assets import asset_url
from app.billing import methods, receiving
from app.comparison.labels import LABELS
from app.comparison.results import ALERT_AMOUNT_MARK
from app.flash import pop_flashes
from app.limits import labelled, text_limit
from app.marketplace.format import FILTERS as FAST_FORMATS
from app.marketplace.labels import LABEL_FILTERS
from app.reference import corridor_name, country_name
from app.settings import PROJECT_ROOT
from app.skills.labels import NEEDS_FILTERS
from app.skills.match_rows import match_items
from app.skills.mission_pages import offer_box
from app.skills.missions import state_label
from app.skills.occupations import FILTERS as SKILLS_FILTERS

TEMPLATE_DIR = PROJECT_ROOT / "templates"


PARTS = "partials/_offer_parts.html"
PARTS_KEPT = 20_000


def memoised_parts(env: Environment, template: str = PARTS) -> Callable[..., Markup]:
    """``part(name, *values)``: the macro ``name`` of ``template`` rendered once per language and values (pure
    fragments such as a provider's link or an observation's rate), then served from memory."""
    kept: dict[tuple[Any, ...], Markup] = {}

    def part(name: str, *values: Any) -> Markup:
        key = (i18n.current_locale.get(), name, *values)
        found = kept.get(key)
        if found is None:
            if len(kept) >= PARTS_KEPT:
                kept.clear()
            macro = getattr(env.get_template(template).module, name)
            found = kept[key] = Markup(macro(*values))  # noqa: S704 - a macro of an autoescaping template
        return found

    return part


def make_environment(template_dir: Path = TEMPLATE_DIR) -> Environment:
    env = Environment(loader=FileSystemLoader(template_dir), autoescape=select_autoescape(["html", "xml"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(_=i18n._, ngettext=i18n.ngettext, locale=i18n.current_locale.get, pop_flashes=pop_flashes,
                       LOCALES=i18n.LOCALES, country_name=country_name, corridor_name=corridor_name,
                       asset_url=asset_url, text_limit=text_limit)
    env.filters.update(labelled=labelled)  # an error beside its field, naming it by the label shown
    env.filters.update(long_date=i18n.fmt_date)  # a day in words, for certificates and missions
    env.filters.update(money=i18n.fmt_money, number=i18n.fmt_number, pct=i18n.fmt_pct, iban=receiving.grouped)
    env.globals.update(LABELS, payment_method=methods.get)
    env.filters.update(LABEL_FILTERS)  # marketplace codes -> translated words
    env.filters.update(NEEDS_FILTERS)  # needs' and hosts' codes -> translated words
    env.filters.update(FAST_FORMATS)  # the same output as money/pct, for long lists
    env.filters.update(SKILLS_FILTERS)  # ISCO-08 groups, languages, ways of working -> words
    env.globals.update(part=memoised_parts(env), alert_amount_mark=ALERT_AMOUNT_MARK)
    env.globals.update(offer_box=offer_box)  # the need page's offer form (skills missions)
    env.filters.update(mission_state=state_label)
    env.globals.update(match_items=match_items)  # the staff match page's rows
    return env


def template_config() -> TemplateConfig:
    env = make_environment()
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(env))
