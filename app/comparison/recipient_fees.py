"""What the family pays on the receiving side to turn a transfer into cash (operators' tariffs).

Comparators rarely show it; Passerelle adds it to the cost of a quote paid out to a wallet.
Tariff files hold ``operator,operation,fixed_fee_xof,percent_fee,cap_xof,verified`` with
``percent_fee`` as a fraction (0.01 = 1 %) and an empty ``cap_xof`` for no cap.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path

from providers import UNREVIEWED, resolve

FEES_DIR = Path(__file__).resolve().parent.parent / "data" / "fees"
TARIFF_FILES: dict[str, Path] = {"SN": FEES_DIR / "recipient_fees_senegal.csv"}
CASH_OUT = "withdrawal"
TARIFF_SOURCE = "tariffs"  # the providers.resolve source id for operator names in tariff files


@dataclass(frozen=True)
class Tariff:
    provider_slug: str
    operation: str
    fixed_xof: Decimal
    percent: Decimal
    cap_xof: Decimal | None
    verified: str

    def fee(self, amount_xof: Decimal) -> Decimal:
        """The fee for ``amount_xof``, in whole francs (XOF has no minor unit; halves round up)."""
        if amount_xof < 0:
            raise ValueError(f"amount {amount_xof} XOF is negative")
        fee = self.fixed_xof + amount_xof * self.percent
        if self.cap_xof is not None:
            fee = min(fee, self.cap_xof)
        return fee.quantize(Decimal(1), ROUND_HALF_UP)


def _decimal(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{where}: {text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{where}: {text!r} should be a non-negative number")
    return value


def parse_tariffs(data: bytes) -> dict[tuple[str, str], Tariff]:
    """Tariffs keyed by (provider slug, operation); operators are matched through the registry."""
    tariffs: dict[tuple[str, str], Tariff] = {}
    for line, row in enumerate(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))), start=2):
        where = f"tariff line {line}"
        provider = resolve(TARIFF_SOURCE, row["operator"])
        if provider is UNREVIEWED:
            raise ValueError(f"{where}: operator {row['operator']!r} is not in the provider catalogue")
        cap = (row.get("cap_xof") or "").strip()
        tariff = Tariff(
            provider_slug=provider.slug,
            operation=row["operation"].strip(),
            fixed_xof=_decimal(row["fixed_fee_xof"], where),
            percent=_decimal(row["percent_fee"], where),
            cap_xof=_decimal(cap, where) if cap else None,
            verified=row["verified"].strip(),
        )
        tariffs[(tariff.provider_slug, tariff.operation)] = tariff
    return tariffs


@cache
@lru_cache(maxsize=64)
def tariffs_for(country: str) -> Mapping[tuple[str, str], Tariff]:
    """The tariffs known for a country (alpha-2); empty when none are on file (the bundled files, read once)."""
    path = TARIFF_FILES.get(country.upper())
    return parse_tariffs(path.read_bytes()) if path is not None else {}


def cash_out_fee(provider_slug: str, country: str, amount_xof: Decimal) -> Decimal | None:
    """What withdrawing ``amount_xof`` from ``provider_slug``'s wallet costs in ``country``.

    None means the tariff is unknown, which is not the same as free (Wave's 0).
    """
    tariff = tariffs_for(country).get((provider_slug, CASH_OUT))
    return None if tariff is None else tariff.fee(amount_xof)
