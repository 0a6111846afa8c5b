"""Under the results, a year of savings is shown as a share of published projects in the receiving country."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from app.models import Listing
from basics.pegs import convert_at_peg as in_currency
from tests.support import make_user


def _listing(engine, slug: str, country: str, state: str, goal: str, currency: str = "EUR") -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from app.models import User

    with Session(engine) as session:
        promoter = session.exec(select(User).where(User.email == "promoter@example.org")).one()
        session.add(Listing(slug=slug, title=f"Project {slug}", country=country, sector="agriculture",
                            goal=Decimal(goal), currency=currency, min_pledge=Decimal(10), state=state,
                            promoter_id=promoter.id))
        session.commit()


def test_savings_point_to_published_projects_of_the_receiving_country(client, rpw_loaded):
    make_user(rpw_loaded, "promoter@example.org", role="promoter")
    _listing(rpw_loaded, "poultry-thies", "SN", "published", "5000")
    _listing(rpw_loaded, "solar-mill-kayes", "ML", "published", "5000")
    _listing(rpw_loaded, "draft-dakar", "SN", "draft", "5000")
    _listing(rpw_loaded, "rice-podor", "SN", "published", "3279785", "XOF")  # 5 000 € at the peg
    page = client.get("/?from=FR&to=SN&amount=200", headers={"Accept-Language": "en"}).text
    assert "Put the savings to work" in page
    assert "/projects/poultry-thies" in page and "/projects/rice-podor" in page
    assert "/projects/solar-mill-kayes" not in page and "/projects/draft-dakar" not in page
    shares = [line for line in page.splitlines() if "a year is" in line]
    assert len(shares) == 2 and shares[0].split("a year is")[1] == shares[1].split("a year is")[1]


def test_conversions_are_exact_at_the_pegs():
    assert in_currency(Decimal("100"), "EUR", "XOF") == Decimal("65595.7")
    assert in_currency(Decimal("655.957"), "XOF", "XAF") == Decimal("655.957")
    assert in_currency(Decimal("100"), "EUR", "GBP") is None
