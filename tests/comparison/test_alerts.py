"""Rate alerts: double opt-in, at most one mail a day, unsubscribe link in every mail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlmodel import select

from app.comparison.alerts import check_alerts
from app.models import OutboxMessage, RateAlert
from tests.support import post_form

# The sample was collected in 2025 Q3: pretend it is a day later, so its prices count as fresh.
FRESH = datetime(2025, 9, 30, tzinfo=UTC)


def _subscribe(client, **overrides):  # type: ignore[no-untyped-def]
    form = {"from": "FR", "to": "SN", "amount": "200", "kind": "total_cost_below", "threshold": "2.5",
            "email": "Awa@Example.org"} | overrides
    return post_form(client, "/?from=FR&to=SN&amount=200", "/alerts", form, follow_redirects=False)


def _mails(session, to="awa@example.org"):  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.exec(select(OutboxMessage).where(OutboxMessage.to_address == to)
                        .order_by(OutboxMessage.id)).all()


def test_nothing_is_sent_before_confirmation(client, rpw_loaded, session, settings):
    assert _subscribe(client).status_code in (302, 303)
    assert len(_mails(session)) == 1  # the confirmation request only
    assert check_alerts(rpw_loaded, settings, now=FRESH) == 0


def test_confirmed_alert_mails_once_a_day_with_unsubscribe_link(client, rpw_loaded, session, settings):
    _subscribe(client)
    confirm = re.search(r"/alerts/confirm\?token=\S+", _mails(session)[0].body)
    assert confirm and "Votre alerte est active" in client.get(confirm.group(0)).text
    assert check_alerts(rpw_loaded, settings, now=FRESH) == 1
    assert check_alerts(rpw_loaded, settings, now=FRESH + timedelta(hours=5)) == 0, "one mail a day at most"
    assert check_alerts(rpw_loaded, settings, now=FRESH + timedelta(days=1, minutes=1)) == 1
    mails = _mails(session)
    assert len(mails) == 3 and all("/alerts/unsubscribe?alert=" in m.body for m in mails)
    assert "France → Sénégal" in mails[0].body and "France → Sénégal" in mails[1].subject, "names, not FR-SN"
    assert "/?from=FR&to=SN&amount=200\n" in mails[1].body, "a plain decimal, never amount=2E+2"
    link = re.search(r"(/alerts/unsubscribe\?alert=\S+)", mails[-1].body).group(1)  # type: ignore[union-attr]
    page = client.get(link)
    alert_id, key = re.search(r'name="alert" value="(\d+)".*name="key" value="(\w+)"', page.text, re.S).groups()  # type: ignore[union-attr]
    r = post_form(client, link, "/alerts/unsubscribe", {"alert": alert_id, "key": key})
    assert r.status_code == 200 and "Alerte arrêtée" in r.text
    assert check_alerts(rpw_loaded, settings, now=FRESH + timedelta(days=3)) == 0


def test_threshold_not_reached_sends_nothing_and_stale_prices_never_count(client, rpw_loaded, session, settings):
    _subscribe(client, threshold="0.1")
    client.get(re.search(r"/alerts/confirm\?token=\S+", _mails(session)[0].body).group(0))  # type: ignore[union-attr]
    assert check_alerts(rpw_loaded, settings, now=FRESH) == 0
    _subscribe(client, kind="received_above", threshold="1000", email="b@example.org")
    client.get(re.search(r"/alerts/confirm\?token=\S+", _mails(session, "b@example.org")[0].body).group(0))  # type: ignore[union-attr]
    assert check_alerts(rpw_loaded, settings, now=datetime(2026, 11, 28, tzinfo=UTC)) == 0  # 2025 data is stale


def test_bad_subscription_is_explained(client, rpw_loaded, session):
    r = _subscribe(client, email="not-an-address")
    assert r.status_code == 400 and 'value="not-an-address"' in r.text
    assert _subscribe(client, threshold="-1").status_code == 400
    assert _subscribe(client, to="JP").status_code in (400, 404)
    assert session.exec(select(RateAlert)).all() == []


def test_forged_unsubscribe_is_refused(client, rpw_loaded, session):
    _subscribe(client)
    alert = session.exec(select(RateAlert)).one()
    r = post_form(client, "/", "/alerts/unsubscribe", {"alert": str(alert.id), "key": "0" * 32})
    assert r.status_code == 400


def test_alerts_are_checked_after_each_load_of_quotes(client, rpw_loaded, session, settings):
    from scrapers.pipeline import ingest

    _subscribe(client, threshold="1.5")
    client.get(re.search(r"/alerts/confirm\?token=\S+", _mails(session)[0].body).group(0))  # type: ignore[union-attr]
    today = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")
    survey = ("provider,source_country,destination_country,amount,fee,rate,payout,speed,observed_at\n"
              f"Wave,FR,SN,200,0,655.00,mobile wallet,less than one hour,{today}\n").encode()
    report = ingest("staff", survey, url="upload:survey.csv", engine=rpw_loaded, settings=settings)
    assert report.published == 1, report
    mails = _mails(session)
    assert len(mails) == 2 and "Wave" in mails[-1].body  # 0.15 % total cost: under the 1.5 % threshold


def test_a_refused_alert_marks_only_its_field(client, rpw_loaded):
    r = _subscribe(client, email="not-an-address")
    assert r.status_code == 400 and "<h1>" in r.text
    assert r.text.count('aria-invalid="true"') == 1
    assert 'aria-invalid="true" aria-describedby="a-email-error"' in r.text and 'id="a-email-error"' in r.text


def test_a_threshold_is_read_as_people_write_it_and_its_error_names_it(client, rpw_loaded, session):
    # "1,5 %" was refused with "The amount must be a number, such as 200." under the threshold field
    assert _subscribe(client, threshold="1,5 %").status_code in (302, 303)
    assert [a.threshold for a in session.exec(select(RateAlert)).all()] == [Decimal("1.5")]
    client.headers["Accept-Language"] = "fr"
    r = _subscribe(client, threshold="abc", email="b@example.org")
    assert r.status_code == 400 and "Le seuil est un pourcentage, par exemple 2,5." in r.text
    client.headers["Accept-Language"] = "en"
    r = _subscribe(client, threshold="a lot", kind="received_above", email="c@example.org")
    assert r.status_code == 400 and "The threshold is the amount the family should receive" in r.text
    assert "The amount must be a number" not in r.text
