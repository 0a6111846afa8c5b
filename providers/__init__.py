"""Money-transfer operators: the catalogue and the one way to look them up.

Callers use :func:`get_provider` (by slug) and :func:`resolve` (a source's name for an operator);
:class:`ProviderError` is the only exception that comes out.
"""

from providers.registry import (
    KINDS,
    UNREVIEWED,
    DuplicateProvider,
    Provider,
    ProviderError,
    ProviderKind,
    ProviderRegistry,
    UnknownProvider,
    all_providers,
    default_registry,
    get_provider,
    normalise_name,
    resolve,
)

__all__ = [
    "KINDS",
    "UNREVIEWED",
    "DuplicateProvider",
    "Provider",
    "ProviderError",
    "ProviderKind",
    "ProviderRegistry",
    "UnknownProvider",
    "all_providers",
    "default_registry",
    "get_provider",
    "normalise_name",
    "resolve",
]
