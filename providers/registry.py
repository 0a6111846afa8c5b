"""The provider registry: one place that says which operator a source's name refers to."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Literal, get_args

ProviderKind = Literal[
    "bank", "money_transfer_operator", "mobile_operator", "post_office", "fintech", "unreviewed"
]
KINDS: frozenset[str] = frozenset(get_args(ProviderKind))
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SOURCE = re.compile(r"[a-z][a-z0-9_]*")


class ProviderError(Exception):
    """The one exception type the registry lets out; catch this one."""


class UnknownProvider(ProviderError, LookupError):
    """No provider has this slug."""


class DuplicateProvider(ProviderError, ValueError):
    """A slug, name or alias is claimed by two providers."""


def normalise_name(name: str) -> str:
    """The matching key of a name: case, accents, spaces and punctuation ignored.

    ``"Taptap Send"``, ``"TapTap Send"`` and ``"taptap-send"`` all give ``"taptapsend"``. Staff-made
    mappings passed to :meth:`ProviderRegistry.resolve` as ``extra`` must be keyed with it.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if char.isalnum())


@dataclass(frozen=True)
class Provider:
    """A money-transfer operator as Passerelle shows it.

    Contract:
    - ``slug`` is stable forever (stored rows and URLs refer to it): lowercase, digits, hyphens;
    - ``kind`` says what sort of firm the customer deals with (see ``providers.catalogue``);
    - ``website`` is the operator's official site, or None when none could be confirmed;
    - ``aliases`` maps a source ("rpw", "wise", …) to the names that source uses for this
      operator, variants and misspellings included. Matching goes through :func:`normalise_name`,
      so variants that differ only in case, accents, spaces or punctuation match anyway.
    """

    slug: str
    name: str
    kind: ProviderKind
    website: str | None
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not _SLUG.fullmatch(self.slug):
            raise ProviderError(f"slug {self.slug!r} should be lowercase words joined by hyphens")
        if self.kind not in KINDS:
            raise ProviderError(f"{self.slug}: kind {self.kind!r} is not one of {sorted(KINDS)}")
        if not normalise_name(self.name):
            raise ProviderError(f"{self.slug}: a provider needs a name")
        for source, names in self.aliases.items():
            if not _SOURCE.fullmatch(source) or isinstance(names, str):
                raise ProviderError(f"{self.slug}: aliases must map a source id to a tuple of names")
        object.__setattr__(self, "aliases", MappingProxyType({s: tuple(n) for s, n in self.aliases.items()}))


UNREVIEWED = Provider(slug="unreviewed", name="Unreviewed provider", kind="unreviewed", website=None)


class ProviderRegistry:
    """Providers keyed by slug; every name, slug and alias claimed by exactly one provider.

    A name nobody claims resolves to :data:`UNREVIEWED`, never to nothing: quotes are kept and
    wait for staff to map the name.
    """

    def __init__(self, providers: Iterable[Provider] = ()) -> None:
        self._by_slug: dict[str, Provider] = {}
        self._claims: dict[str, str] = {}  # normalised name -> slug, whatever the source
        self.register(UNREVIEWED)
        for provider in providers:
            self.register(provider)

    def register(self, provider: Provider) -> None:
        if provider.slug in self._by_slug:
            raise DuplicateProvider(f"slug {provider.slug!r} is registered twice")
        keys = {normalise_name(provider.slug), normalise_name(provider.name)}
        keys.update(normalise_name(alias) for names in provider.aliases.values() for alias in names)
        keys.discard("")
        for key in sorted(keys):
            owner = self._claims.get(key)
            if owner is not None:
                raise DuplicateProvider(f"{provider.slug!r} claims the name {key!r}, already {owner!r}'s")
        self._by_slug[provider.slug] = provider
        self._claims.update(dict.fromkeys(keys, provider.slug))

    def get(self, slug: str) -> Provider:
        try:
            return self._by_slug[slug]
        except KeyError:
            raise UnknownProvider(f"no provider has the slug {slug!r}") from None

    def __iter__(self) -> Iterator[Provider]:
        return iter(self._by_slug.values())

    def __len__(self) -> int:
        return len(self._by_slug)

    def resolve(self, source: str, name: str, extra: Mapping[tuple[str, str], str] | None = None) -> Provider:
        """The provider ``source`` means by ``name``; :data:`UNREVIEWED` when nobody claims it.

        The catalogue is asked first (its names and aliases, from any source: a name means one
        operator wherever it is read), then ``extra``: staff-made mappings keyed by
        ``(source, normalise_name(name))``. A mapping to an unknown slug raises UnknownProvider.
        """
        key = normalise_name(name)
        slug = self._claims.get(key)
        if slug is None and extra is not None:
            slug = extra.get((source, key))
        return UNREVIEWED if slug is None else self.get(slug)


@lru_cache(maxsize=1)
def default_registry() -> ProviderRegistry:
    """The registry of ``providers.catalogue``, built once."""
    from providers.catalogue import CATALOGUE  # the catalogue imports Provider from here

    return ProviderRegistry(CATALOGUE)


def get_provider(slug: str) -> Provider:
    """The provider with this slug; raises UnknownProvider."""
    return default_registry().get(slug)


def resolve(source: str, name: str, extra: Mapping[tuple[str, str], str] | None = None) -> Provider:
    """See :meth:`ProviderRegistry.resolve`."""
    return default_registry().resolve(source, name, extra)


def all_providers() -> tuple[Provider, ...]:
    """Every catalogued provider and UNREVIEWED, in catalogue order."""
    return tuple(default_registry())
