"""Answers spliced from pieces compressed at different times are valid gzip holding exactly the text joined."""

from __future__ import annotations

import gzip
import os
import random
import zlib

from app.compressed import REREAD_UP_TO, Layout, Piece, carried, gzipped, plain

MARKS = {"csrf": "\x00csrf\x00", "results": "\x00results\x00"}


def test_pieces_and_a_requests_own_text_make_one_gzip_stream() -> None:
    rng = random.Random(3)
    fixed = [Piece.of(b""), Piece.of(b"<html>" * 3000), Piece.of(os.urandom(5000)), Piece.of("é €".encode() * 9),
             Piece.of(os.urandom(REREAD_UP_TO)), Piece.of(os.urandom(REREAD_UP_TO + 1))]  # re-read / shifted
    own = [b"", b"token", os.urandom(70_000), b"<tr>" * 40_000]  # empty, stored, compressed, over 64 KiB
    for _ in range(40):
        parts = [rng.choice(fixed + own) for _ in range(rng.randint(1, 7))]
        body = gzipped(parts)
        assert gzip.decompress(body) == plain(parts)
        # the trailer's CRC is the CRC of the whole text: zlib checks it
        assert zlib.decompress(body, 16 + zlib.MAX_WBITS) == plain(parts)


def test_a_layout_fills_its_slots_in_order_and_keeps_the_others_marked() -> None:
    text = "<p>\x00csrf\x00</p>\x00results\x00<form>\x00csrf\x00</form>"
    layout = Layout(text, MARKS)
    assert layout.slots == ("csrf", "results", "csrf")
    filled = layout.fill({"csrf": b"T", "results": b"<table/>"})
    assert plain(filled) == b"<p>T</p><table/><form>T</form>"
    assert gzip.decompress(gzipped(filled)) == plain(filled)
    assert layout.text({"results": "R"}) == "<p>\x00csrf\x00</p>R<form>\x00csrf\x00</form>"
    assert Layout("no marks", MARKS).slots == ()


def test_the_carried_registers_are_the_32_passes_over_the_zeros() -> None:
    for length in (0, 1, 7, REREAD_UP_TO + 1, 40_000, 123_457):
        zeros = bytes(length)
        base = zlib.crc32(zeros, 0)
        assert carried(length) == tuple(zlib.crc32(zeros, 1 << bit) ^ base for bit in range(32))
    assert Piece.of(b"short").shift == ()  # a short piece is read again instead
    assert len(Piece.of(bytes(REREAD_UP_TO + 1)).shift) == 32
