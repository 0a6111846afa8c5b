"""Answers assembled from pieces compressed once: a cached page's fixed text is gzipped when it is cached, and
each request compresses only what is its own (a CSRF token, the offers of a new amount), spliced in between.

Every fixed piece is a raw deflate stream of its own, ended by a sync flush (byte-aligned, not final, no
reference to earlier text), so pieces compressed at different times follow one another in one valid
stream; a request's own text goes in as a stored block (short text) or a fast-compressed one. The gzip
trailer's CRC-32 is worked out from the pieces' own (CRC-32 is linear: shifting a CRC past a fixed piece's
length is a precomputed map), so a request never reads a long fixed piece again.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from isal import isal_zlib
from litestar import Request, Response
from litestar.utils.scope.state import ScopeState

GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time, unknown OS
FINAL = b"\x03\x00"  # an empty final block (fixed Huffman codes)
STORED_UP_TO = 2048  # a request's own text shorter than this goes uncompressed (a stored block)
FIXED_LEVEL = 6  # compressed once per cache entry: worth a better ratio
OWN_LEVEL = 1  # compressed at every request, by ISA-L: the same deflate format and about the ratio of zlib's level 1,
# in a fifth of the time (a new amount's 58 KB of offers: 0.16 ms instead of 0.9 ms)
# A short piece's CRC is worked out again from its text: zlib reads 8 KB in less time than the 32-step shift
# takes in Python (a page with a CSRF token in each of its 20 forms has 23 pieces).
REREAD_UP_TO = 8192
POLYNOMIAL = 0xEDB88320  # CRC-32's, bit-reversed


def deflate(data: bytes, level: int) -> bytes:
    """``data`` as raw deflate blocks that end byte-aligned and leave the stream open."""
    if len(data) < STORED_UP_TO:
        return _stored(data)
    if level == OWN_LEVEL:
        fast = isal_zlib.compressobj(level, isal_zlib.DEFLATED, -15)
        return fast.compress(data) + fast.flush(isal_zlib.Z_SYNC_FLUSH)
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _stored(data: bytes) -> bytes:
    out = []
    for start in range(0, len(data), 65535):
        chunk = data[start:start + 65535]
        out.append(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(out)


@dataclass(frozen=True, slots=True)
class Piece:
    """Fixed text, compressed, with what the gzip trailer needs of it."""

    text: bytes
    deflated: bytes
    crc: int  # CRC-32 of ``text`` from 0
    shift: tuple[int, ...]  # the images of the 32 unit CRCs carried past len(text) bytes (zeros); none when short

    @classmethod
    def of(cls, text: bytes) -> Piece:
        return cls(text, deflate(text, FIXED_LEVEL), zlib.crc32(text),
                   () if len(text) <= REREAD_UP_TO else carried(len(text)))

    def follow(self, crc: int) -> int:
        """The CRC-32 of (what gave ``crc``) followed by this piece."""
        if len(self.text) <= REREAD_UP_TO:
            return zlib.crc32(self.text, crc)
        shifted, bit = 0, 0
        while crc:
            if crc & 1:
                shifted ^= self.shift[bit]
            crc >>= 1
            bit += 1
        return shifted ^ self.crc


def carried(length: int) -> tuple[int, ...]:
    """The images of the 32 unit CRC registers (bit 0 first) carried past ``length`` zero bytes.

    Carrying a register past zeros multiplies it by a fixed power of x modulo the CRC polynomial, and the unit
    registers are the powers x^31 (bit 0) down to x^0 (bit 31): one pass of zlib over the zeros gives the image
    of bit 31, each lower bit's image is the one above multiplied by x (a shift and a conditional XOR in CRC-32's
    reflected order) rather than a pass of its own (a test checks it against 32 passes)."""
    zeros = bytes(length)
    image = zlib.crc32(zeros, 1 << 31) ^ zlib.crc32(zeros, 0)  # zlib's pre- and post-inversion cancel out
    images = [image]
    for _bit in range(31):
        image = (image >> 1) ^ (POLYNOMIAL if image & 1 else 0)
        images.append(image)
    return tuple(reversed(images))


Part = Piece | bytes  # fixed, or the request's own


def gzipped(parts: Sequence[Part]) -> bytes:
    crc, size, out = 0, 0, [GZIP_HEADER]
    own: dict[bytes, bytes] = {}  # a request's text that comes back (its CSRF token in every form) deflated once
    for part in parts:
        if isinstance(part, Piece):
            crc, size = part.follow(crc), size + len(part.text)
            out.append(part.deflated)
        elif part:
            crc, size = zlib.crc32(part, crc), size + len(part)
            deflated = own.get(part)
            if deflated is None:
                deflated = own[part] = deflate(part, OWN_LEVEL)
            out.append(deflated)
    out += [FINAL, struct.pack("<II", crc, size & 0xFFFFFFFF)]
    return b"".join(out)


def plain(parts: Sequence[Part]) -> bytes:
    return b"".join(p.text if isinstance(p, Piece) else p for p in parts)


class Layout:
    """A rendered text cut at its slots (marks such as the CSRF token's): the fixed text between them as
    compressed pieces, and the slots' names in order, filled at every request."""

    __slots__ = ("marks", "pieces", "slots")

    def __init__(self, text: str, marks: Mapping[str, str]) -> None:
        names = {mark: name for name, mark in marks.items()}
        cut = re.split("(" + "|".join(re.escape(m) for m in names) + ")", text) if names else [text]
        self.pieces = tuple(Piece.of(t.encode()) for t in cut[0::2])
        self.slots = tuple(names[m] for m in cut[1::2])
        self.marks = dict(marks)

    def text(self, values: Mapping[str, str]) -> str:
        """The text with the slots of ``values`` filled (the others keep their marks)."""
        out = [self.pieces[0].text.decode()]
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            out += [values.get(slot, self.marks[slot]), piece.text.decode()]
        return "".join(out)

    def count(self, name: str) -> int:
        return self.slots.count(name)

    def fill(self, values: Mapping[str, bytes]) -> list[Part]:
        parts: list[Part] = [self.pieces[0]]
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            parts += [values[slot], piece]
        return parts


def accepts_gzip(request: Request[Any, Any, Any]) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "")


def respond(request: Request[Any, Any, Any], parts: Sequence[Part], media_type: str, status_code: int = 200,
            headers: Mapping[str, str] | None = None) -> Response[bytes]:
    """The answer, gzipped from its pieces when the client takes gzip; the app's compression middleware lets
    it through as it is (it is marked as a cached answer, which Litestar stores compressed)."""
    ScopeState.from_scope(request.scope).is_cached = True
    out = {"Vary": "Accept-Encoding", **(headers or {})}
    if accepts_gzip(request):
        out["Content-Encoding"] = "gzip"
        body = gzipped(parts)
    else:
        body = plain(parts)
    return Response(body, media_type=media_type, status_code=status_code, headers=out)
