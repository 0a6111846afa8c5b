"""A loopback fake of the few Stripe Checkout endpoints the app uses, in front of localstripe for the rest.

localstripe has no Checkout. This server, on 127.0.0.1 and a free port (real sockets, real HTTP), is
what the app's `STRIPE_API_BASE` points at:

- `POST /v1/checkout/sessions` and `GET /v1/checkout/sessions/{id}` are answered here, as Stripe
  documents them (form-encoded parameters in, a `checkout.session` object out, with its `url`);
- every other `/v1/…` call is passed on to localstripe unchanged (customers, payment methods,
  intents, refunds), so a payment made on the fake page is a real object there;
- `GET /pay/{id}` is the hosted page a member is sent to: the amount, a card number field, Pay and
  Cancel. Paying creates the card in localstripe, attaches it to the customer (a declined card is
  refused on the page, as Checkout does), then charges it (payment mode) or confirms a SetupIntent
  (setup mode), marks the session complete, delivers a signed `checkout.session.completed` event to
  the app and redirects to the session's `success_url`;
- `expire(id)` (Stripe's "expire a session", or its 24-hour timeout) delivers a signed
  `checkout.session.expired`.

Events are signed exactly as Stripe signs them (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.payload")`)
and handed to `deliver(payload, headers)`: a POST to a live server, or to a test client.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from tests.loopback import serving

ZERO_DECIMAL = {"XOF", "XAF", "JPY", "KRW", "GNF", "RWF"}
Deliver = Callable[[bytes, dict[str, str]], int]


def sign(payload: bytes, secret: str, stamp: int | None = None) -> dict[str, str]:
    """The headers Stripe sends with an event: its signature over the raw bytes, and the content type."""
    stamp = int(time.time()) if stamp is None else stamp
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={stamp},v1={digest}", "Content-Type": "application/json"}


def nested(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (`line_items[0][price_data][currency]=eur`) back into dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node: Any = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        return [_lists(node[k]) for k in sorted(node, key=int)]
    return {k: _lists(v) for k, v in node.items()}


@dataclass
class CheckoutFake:
    localstripe_url: str
    secret_key: str
    webhook_secret: str
    deliver: Deliver | None = None
    url: str = ""
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    deliveries: list[tuple[str, int]] = field(default_factory=list)  # (event type, the app's HTTP status)
    payloads: list[bytes] = field(default_factory=list)  # every event sent, as signed
    hold: bool = False  # keep events back (Stripe's webhook may arrive after the member is back), see release()
    held: list[tuple[str, bytes]] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- the API the app calls -------------------------------------------------------------------

    def create_session(self, params: dict[str, Any]) -> dict[str, Any]:
        mode = params.get("mode")
        if mode not in ("payment", "setup"):
            raise ValueError("mode must be payment or setup")
        for required in ("success_url", "cancel_url", "customer"):
            if not params.get(required):
                raise ValueError(f"Missing required param: {required}.")
        amount, currency = None, params.get("currency")
        if mode == "payment":
            item = (params.get("line_items") or [{}])[0]
            price = item.get("price_data") or {}
            amount, currency = int(price["unit_amount"]) * int(item.get("quantity", 1)), price["currency"]
        with self._lock:
            session_id = f"cs_test_fake{next(self._ids):04d}"
        obj = {"id": session_id, "object": "checkout.session", "mode": mode, "status": "open",
               "payment_status": "unpaid", "customer": params["customer"], "amount_total": amount,
               "currency": currency, "metadata": params.get("metadata") or {},
               "client_reference_id": params.get("client_reference_id"),
               "success_url": params["success_url"], "cancel_url": params["cancel_url"],
               "payment_intent": None, "setup_intent": None, "url": f"{self.url}/pay/{session_id}",
               "title": ((params.get("line_items") or [{}])[0].get("price_data") or {})
                        .get("product_data", {}).get("name", "")}
        self.sessions[session_id] = obj
        return self.public(obj)

    @staticmethod
    def public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if k != "title"}

    # --- what happens on the hosted page ---------------------------------------------------------

    def _stripe(self, method: str, path: str, data: dict[str, str] | None = None) -> dict[str, Any]:
        response = httpx.request(method, f"{self.localstripe_url}{path}", data=data, timeout=10,
                                 headers={"Authorization": f"Bearer {self.secret_key}"})
        body: dict[str, Any] = response.json()
        if response.status_code >= 400:
            raise CardRefused(str((body.get("error") or {}).get("message") or response.text))
        return body

    def pay(self, session_id: str, number: str) -> str:
        """Pay an open session with a test card number; the URL to send the browser to."""
        obj = self.sessions[session_id]
        if obj["status"] != "open":
            raise CardRefused("This Checkout session is no longer open.")
        card = self._stripe("POST", "/v1/payment_methods", {
            "type": "card", "card[number]": number, "card[exp_month]": "12", "card[exp_year]": "2034",
            "card[cvc]": "123"})
        self._stripe("POST", f"/v1/payment_methods/{card['id']}/attach", {"customer": obj["customer"]})
        metadata = {f"metadata[{k}]": v for k, v in obj["metadata"].items()}
        if obj["mode"] == "payment":
            intent = self._stripe("POST", "/v1/payment_intents", {
                "amount": str(obj["amount_total"]), "currency": obj["currency"], "customer": obj["customer"],
                "payment_method": card["id"], "confirm": "true", **metadata})
            if intent.get("status") != "succeeded":
                raise CardRefused("Your card was declined.")
            obj |= {"payment_intent": intent["id"], "payment_status": "paid"}
        else:
            intent = self._stripe("POST", "/v1/setup_intents", {
                "customer": obj["customer"], "usage": "off_session", **metadata})
            intent = self._stripe("POST", f"/v1/setup_intents/{intent['id']}/confirm",
                                  {"payment_method": card["id"]})
            obj |= {"setup_intent": intent["id"], "payment_status": "no_payment_required"}
        obj["status"] = "complete"
        self.send("checkout.session.completed", obj)
        return str(obj["success_url"])

    def expire(self, session_id: str) -> int:
        """Stripe's expiry of an unpaid session (or `POST /v1/checkout/sessions/{id}/expire`)."""
        obj = self.sessions[session_id]
        obj["status"] = "expired"
        return self.send("checkout.session.expired", obj)

    def event(self, kind: str, obj: dict[str, Any]) -> bytes:
        with self._lock:
            number = next(self._ids)
        return json.dumps({"id": f"evt_fake{number:04d}", "object": "event", "type": kind,
                           "api_version": "2024-06-20", "created": int(time.time()), "livemode": False,
                           "data": {"object": self.public(obj)}}).encode()

    def send(self, kind: str, obj: dict[str, Any]) -> int:
        if self.deliver is None:
            raise RuntimeError("the fake has nowhere to deliver events")
        payload = self.event(kind, obj)
        self.payloads.append(payload)
        if self.hold:
            self.held.append((kind, payload))
            return 0
        return self._deliver(kind, payload)

    def _deliver(self, kind: str, payload: bytes) -> int:
        assert self.deliver is not None
        status = self.deliver(payload, sign(payload, self.webhook_secret))
        self.deliveries.append((kind, status))
        return status

    def release(self) -> list[int]:
        """Deliver the events kept back, in order; the app's HTTP statuses."""
        held, self.held, self.hold = self.held, [], False
        return [self._deliver(kind, payload) for kind, payload in held]


class CardRefused(Exception):
    """What the hosted page shows instead of going back to the app."""


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Checkout (test)</title></head>
<body><main>
<h1>Checkout (test mode)</h1>
<p id="summary">{title} — <strong id="amount">{amount}</strong></p>
{error}
<form method="post" action="/pay/{id}">
  <label for="card">Card number</label>
  <input id="card" name="card" inputmode="numeric" autocomplete="cc-number" value="{card}">
  <button type="submit">{button}</button>
</form>
<p><a href="{cancel}">Cancel</a></p>
</main></body></html>
"""


def _amount(obj: dict[str, Any]) -> str:
    currency = str(obj.get("currency") or "").upper()
    if obj["mode"] == "setup":
        return "card saved for later"
    minor = int(obj["amount_total"])
    return f"{minor} {currency}" if currency in ZERO_DECIMAL else f"{minor // 100}.{minor % 100:02d} {currency}"


def _handler(fake: CheckoutFake) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            return

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, obj: dict[str, Any]) -> None:
            self._send(status, json.dumps(obj).encode(), "application/json")

        def _page(self, obj: dict[str, Any], error: str = "", card: str = "", status: int = 200) -> None:
            button = "Save card" if obj["mode"] == "setup" else "Pay"
            text = PAGE.format(title=html.escape(obj["title"] or "Passerelle"), amount=html.escape(_amount(obj)),
                               id=obj["id"], cancel=html.escape(obj["cancel_url"]), button=button,
                               card=html.escape(card),
                               error=f'<p role="alert" id="error">{html.escape(error)}</p>' if error else "")
            self._send(status, text.encode(), "text/html; charset=utf-8")

        def _proxy(self, method: str) -> None:
            body = self._body() if method in ("POST", "DELETE") else b""
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() in ("authorization", "content-type", "idempotency-key", "stripe-version")}
            answer = httpx.request(method, f"{fake.localstripe_url}{self.path}", content=body, headers=headers,
                                   timeout=15)
            self._send(answer.status_code, answer.content, answer.headers.get("content-type", "application/json"))

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") == f"Bearer {fake.secret_key}":
                return True
            self._json(401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}})
            return False

        def do_GET(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path
            if path.startswith("/pay/"):
                obj = fake.sessions.get(path.removeprefix("/pay/"))
                if obj is None:
                    self._send(404, b"no such session", "text/plain")
                elif obj["status"] != "open":
                    self._page(obj, error="This Checkout session is no longer open.", status=410)
                else:
                    self._page(obj)
            elif path.startswith("/v1/checkout/sessions/"):
                if self._authorised():
                    obj = fake.sessions.get(path.rsplit("/", 1)[1])
                    if obj is None:
                        self._json(404, {"error": {"type": "invalid_request_error", "message": "No such session"}})
                    else:
                        self._json(200, fake.public(obj))
            else:
                self._proxy("GET")

        def do_POST(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path
            if path == "/v1/checkout/sessions":
                if not self._authorised():
                    return
                params = nested(parse_qsl(self._body().decode(), keep_blank_values=True))
                try:
                    self._json(200, fake.create_session(params))
                except (KeyError, ValueError) as exc:
                    self._json(400, {"error": {"type": "invalid_request_error", "message": str(exc)}})
            elif path.startswith("/pay/"):
                obj = fake.sessions.get(path.removeprefix("/pay/"))
                if obj is None:
                    self._send(404, b"no such session", "text/plain")
                    return
                card = dict(parse_qsl(self._body().decode())).get("card", "").replace(" ", "")
                try:
                    target = fake.pay(obj["id"], card)
                except CardRefused as exc:
                    self._page(obj, error=str(exc), card=card, status=402)
                    return
                self._send(303, b"", "text/plain", {"Location": target})
            else:
                self._proxy("POST")

        def do_DELETE(self) -> None:  # noqa: N802
            self._proxy("DELETE")

    return Handler


@contextmanager
def checkout_fake(localstripe_url: str, secret_key: str, webhook_secret: str,
                  deliver: Deliver | None = None) -> Iterator[CheckoutFake]:
    """The fake on 127.0.0.1 and a free port, in a thread; shut down afterwards."""
    fake = CheckoutFake(localstripe_url, secret_key, webhook_secret, deliver)
    with serving(_handler(fake)) as port:
        fake.url = f"http://127.0.0.1:{port}"
        yield fake
