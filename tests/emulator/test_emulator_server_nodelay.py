"""EmulatorServer answers on a kept-alive connection without the ~40 ms Nagle/delayed-ACK
stall per response (every request of the console and the benchmarks goes through it)."""

from __future__ import annotations

import socket
import time

from ccm_tui.emulator import EmulatorServer

REQUEST = b"GET /v1/sys/version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def _one(sock: socket.socket) -> bytes:
    sock.sendall(REQUEST)
    data = b""
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        data += chunk
    return data


def test_kept_alive_requests_are_not_delayed():
    with EmulatorServer(port=0) as server, socket.create_connection(
        ("127.0.0.1", server.port), timeout=5
    ) as sock:
        assert b" 200 " in _one(sock)  # warm-up
        started = time.perf_counter()
        for _ in range(10):
            assert b"version" in _one(sock)
        elapsed = time.perf_counter() - started
    # With Nagle on the server socket each answer waits >= 40 ms for the client's ACK
    # (>= 400 ms for ten); without it they take a few ms each.
    assert elapsed < 0.25, f"10 kept-alive requests took {elapsed * 1000:.0f} ms"


def test_start_returns_once_serving():
    server = EmulatorServer(port=0)
    started = time.perf_counter()
    server.start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            assert b" 200 " in _one(sock)
    finally:
        server.stop()
    assert time.perf_counter() - started < 5
