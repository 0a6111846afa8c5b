"""Staff upload a statement: exact lines mark their pledge received, the others wait for a decision; bad
files are refused with translated, line-numbered errors; a pledge is received once, whoever races."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from app.billing import statements
from app.errors import Conflict
from app.marketplace import pledges
from app.models import LineState, OutboxMessage, PaymentAuditEntry, Pledge, ReceivingAccount, StatementLine
from tests.marketplace.helpers import published
from tests.support import csrf_from, login

IBAN = "FR7630006000011234567890189"


@pytest.fixture
def accounts(session):  # type: ignore[no-untyped-def]
    bank = ReceivingAccount(kind="bank", holder="Programme Passerelle", iban=IBAN, currency="EUR")
    wallet = ReceivingAccount(kind="mobile_money", holder="Passerelle Sénégal", operator="wave", country="SN",
                              number="+221770000000", currency="XOF")
    session.add(bank)
    session.add(wallet)
    session.commit()
    return bank, wallet


@pytest.fixture
def listing(session, settings, people, accounts):  # type: ignore[no-untyped-def]
    return published(session, settings, people["promoter"], people["staff"])


def pledge(session, listing, member, amount: str, method: str = "bank_transfer") -> Pledge:  # type: ignore[no-untyped-def]
    made = pledges.create(session, listing, member, Decimal(amount), method)
    session.commit()
    return made


def upload(client, account: ReceivingAccount, body: bytes, name: str = "statement.csv"):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/staff/payments").text)
    return client.post("/staff/payments/statements", data={"account": str(account.id), "_csrf_token": token},
                       files={"statement": (name, body, "text/csv")})


def test_exact_lines_are_received_and_the_rest_wait_with_their_reason(client, session, people, accounts, listing):
    bank, wallet = accounts
    member = people["member"]
    exact, other = pledge(session, listing, member, "50"), pledge(session, listing, member, "80")
    cfa = pledge(session, listing, member, "50", "mobile_money")
    typo = other.reference[:-1] + str((int(other.reference[-1]) + 1) % 10)
    login(client, "moussa@example.org")
    client.cookies.set("lang", "en")
    body = (f"Date;Montant;Libellé;Donneur d'ordre\n"
            f"01/12/2026;50,00;VIR SEPA {exact.reference.lower()} DON;KOFI MENSAH\n"
            f"01/12/2026;80,00;VIR {typo};K MENSAH\n"
            f"02/12/2026;79,00;{other.reference};K MENSAH\n"
            f"02/12/2026;-12,00;FRAIS;BANQUE\n"
            f"02/12/2026;20,00;;ANONYME\n").encode("cp1252")
    response = upload(client, bank, body)
    assert response.status_code == 200, response.text
    session.refresh(exact)
    session.refresh(other)
    assert exact.state == "paid" and other.state == "awaiting_payment"
    lines = session.exec(select(StatementLine).order_by(StatementLine.id)).all()
    assert [(line.state, line.reason) for line in lines] == [
        ("matched", ""), ("unmatched", "bad_check_digits"), ("unmatched", "amount_differs"),
        ("unmatched", "no_reference")]
    assert lines[0].pledge_id == exact.id and lines[2].pledge_id == other.id
    page = client.get("/staff/payments").text
    assert "wrong check digits" in page and "not the amount due" in page and "ANONYME" in page
    # The same statement again adds nothing and marks nothing twice.
    again = upload(client, bank, body)
    assert again.status_code == 200 and len(session.exec(select(StatementLine)).all()) == 4
    assert "4 already uploaded" in again.text
    mails = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == "kofi@example.org")).all()
    assert [m.subject for m in mails] == [f"Paiement reçu pour {exact.reference} — Passerelle"]
    # A CFA wallet's statement: the euro pledge paid by its exact CFA amount.
    assert upload(client, wallet, f"date,amount,reference,payer\n2026-12-02,32 798,{cfa.reference},KOFI\n".encode()
                  ).status_code == 200
    session.refresh(cfa)
    assert cfa.state == "paid"
    session.refresh(listing)
    assert listing.secured_total == Decimal("100.00")


def test_staff_decide_a_waiting_line_and_a_different_amount_needs_a_note(client, session, people, accounts, listing):
    bank, _wallet = accounts
    other = pledge(session, listing, people["member"], "80")
    login(client, "moussa@example.org")
    client.cookies.set("lang", "en")
    upload(client, bank, f"date,amount,reference,payer\n2026-12-01,79.00,{other.reference},K MENSAH\n"
                         f"2026-12-01,15.00,REMBOURSEMENT,ASSURANCE\n".encode())
    short, stray = session.exec(select(StatementLine).order_by(StatementLine.id)).all()
    token = csrf_from(client.get("/staff/payments").text)
    refused = client.post(f"/staff/payments/lines/{short.id}/assign",
                          data={"pledge_reference": other.reference, "note": "", "_csrf_token": token})
    assert refused.status_code == 400 and f'id="f-note-{short.id}-error"' in refused.text
    assert f'value="{other.reference}"' in refused.text
    bad_ref = client.post(f"/staff/payments/lines/{short.id}/assign",
                          data={"pledge_reference": "P-AAAAAAA-00", "note": "x", "_csrf_token": token})
    assert bad_ref.status_code == 400 and f'id="f-ref-{short.id}-error"' in bad_ref.text
    done = client.post(f"/staff/payments/lines/{short.id}/assign",
                       data={"pledge_reference": other.reference.lower(), "note": "bank fee of 1 € taken",
                             "_csrf_token": token})
    assert done.status_code == 200
    session.refresh(other)
    assert other.state == "paid"
    assert client.post(f"/staff/payments/lines/{stray.id}/ignore",
                       data={"note": "", "_csrf_token": token}).status_code == 200
    # Deciding a decided line again is refused, as HTML, and changes nothing.
    twice = client.post(f"/staff/payments/lines/{short.id}/ignore", data={"note": "", "_csrf_token": token})
    assert twice.status_code == 409 and "already decided" in twice.text
    session.refresh(short)
    assert short.state == "matched" and short.note == "bank fee of 1 € taken"
    actions = [e.action for e in session.exec(select(PaymentAuditEntry).order_by(PaymentAuditEntry.id))]
    assert actions == ["statement_uploaded", "line_matched", "line_ignored"]
    trail = client.get("/staff/payments").text
    assert "line matched to a pledge" in trail and "bank fee of 1 € taken" in trail


@pytest.mark.parametrize(("body", "expected"), [
    (b"", "Le fichier est vide."),
    (b"date,amount,reference\n2026-12-01,10,P\n", "payer"),
    (b"date,amount,reference,payer\n2026-13-45,10,x,y\n", "Ligne 2"),
    (b"date,amount,reference,payer\n2026-12-01,abc,x,y\n2026-12-01,1e9,x,y\n", "Ligne 3"),
    (b"date,amount,reference,payer\n2026-12-01,10,\"unclosed,y\n", "Ligne"),
    (b"PK\x03\x04\x00\x00binary", "CSV"),
    (b"date,amount,reference,payer,currency\n2026-12-01,10,x,y,GBP\n", "GBP"),
])
def test_a_bad_statement_is_refused_in_the_member_language_and_nothing_is_kept(client, session, people, accounts,
                                                                               body, expected):
    login(client, "moussa@example.org")
    client.cookies.set("lang", "fr")
    response = upload(client, accounts[0], body)
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert 'id="f-statement-error"' in response.text and expected in response.text
    assert session.exec(select(StatementLine)).all() == []


def test_only_staff_upload_statements(client, session, people, accounts):
    login(client, "kofi@example.org")
    assert client.get("/staff/payments").status_code == 403
    token = csrf_from(client.get("/my/pledges").text) if "_csrf_token" in client.get("/my/pledges").text else "x"
    response = client.post("/staff/payments/statements", data={"account": str(accounts[0].id), "_csrf_token": token},
                           files={"statement": ("s.csv", b"date,amount,reference,payer\n", "text/csv")})
    assert response.status_code == 403


def test_a_pledge_is_received_once_when_two_staff_race(engine, session, people, accounts, listing):
    """Two staff members match two statement lines naming the same pledge at the same moment."""
    bank, _wallet = accounts
    target = pledge(session, listing, people["member"], "50")
    for payer in ("A", "B"):
        session.add(StatementLine(account_id=bank.id, booked_on=target.created_at.date(), amount=Decimal("50"),
                                  currency="EUR", reference="?", payer=payer, fingerprint=payer))
    session.commit()
    ids = [line.id for line in session.exec(select(StatementLine).order_by(StatementLine.id))]
    barrier, results = threading.Barrier(2), []

    def decide(line_id: int, staff_key: str) -> None:
        with Session(engine, expire_on_commit=False) as own:
            staff = own.get(type(people[staff_key]), people[staff_key].id)
            barrier.wait()
            try:
                statements.assign(own, line_id, target.reference, "", staff)
                own.commit()
                results.append("ok")
            except Conflict:
                own.rollback()
                results.append("conflict")

    threads = [threading.Thread(target=decide, args=(i, key)) for i, key in zip(ids, ("staff", "staff2"), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["conflict", "ok"]
    session.expire_all()
    assert session.get(Pledge, target.id).state == "paid"  # type: ignore[union-attr]
    states = sorted(line.state for line in session.exec(select(StatementLine)))
    assert states == [LineState.matched.value, LineState.unmatched.value]
    assert session.get(type(listing), listing.id).secured_total == Decimal("50.00")  # type: ignore[union-attr]
    received = session.exec(select(OutboxMessage).where(OutboxMessage.subject.contains("Paiement reçu"))).all()  # type: ignore[attr-defined]
    assert len(received) == 1
