"""Run localstripe bound to 127.0.0.1 only (it listens on every interface by itself).

Usage: python -m tests.marketplace.localstripe_loopback PORT — always from scratch.
"""

from __future__ import annotations

import socket
import sys
import types

import localstripe.server as server


class LoopbackSocket(socket.socket):
    """An IPv4 socket whose bind() ignores the requested host and takes the loopback address."""

    def __init__(self, family: int = -1, type: int = -1, proto: int = -1, fileno: int | None = None) -> None:  # noqa: A002
        super().__init__(socket.AF_INET, type, proto, fileno)

    def bind(self, address: object) -> None:
        assert isinstance(address, tuple)
        super().bind(("127.0.0.1", address[1]))


def main() -> None:
    port = sys.argv[1]
    server.socket = types.SimpleNamespace(  # type: ignore[assignment]
        socket=LoopbackSocket, AF_INET6=socket.AF_INET6, SOCK_STREAM=socket.SOCK_STREAM,
        SOL_SOCKET=socket.SOL_SOCKET, SO_REUSEADDR=socket.SO_REUSEADDR)
    sys.argv = ["localstripe", "--port", port, "--from-scratch"]
    server.start()


if __name__ == "__main__":
    main()
