"""A loopback TCP proxy that timestamps the bytes it forwards (bench.py, 10k figure).

Put between the console and the emulator, it tells from outside the app when the last
byte of the accounts listing reached the console ("data received"), without any hook in the
app. Requests are recognised by their request line (one GET fits in one chunk).
"""

from __future__ import annotations

import socket
import threading
import time


class TapProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self._lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._lsock.bind(("127.0.0.1", 0))
        self._lsock.listen(64)
        self.port = self._lsock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.lock = threading.Lock()
        # (arrival time, request line of the request this response belongs to, bytes)
        self.responses: list[tuple[float, str, int]] = []
        self._closed = False
        self._socks: list[socket.socket] = []
        threading.Thread(target=self._accept_loop, daemon=True, name="tap-accept").start()

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._lsock.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            for s in (client, server):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                self._socks += [client, server]
            state = {"request": ""}
            threading.Thread(target=self._pump, args=(client, server, state, True),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, state, False),
                             daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, state: dict, upstream: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                t = time.monotonic()
                if not data:
                    break
                if upstream:
                    head = data[:200].split(b"\r\n", 1)[0].decode("latin-1")
                    if head.split(" ", 1)[0] in {"GET", "POST", "PATCH", "DELETE", "PUT"}:
                        state["request"] = head
                else:
                    with self.lock:
                        self.responses.append((t, state["request"], len(data)))
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def last_list_byte(self) -> float | None:
        """Arrival time of the last byte of any ``GET /v1/accounts[?...]`` response."""
        with self.lock:
            times = [t for t, req, _ in self.responses
                     if req.startswith("GET /v1/accounts ") or req.startswith("GET /v1/accounts?")]
        return max(times) if times else None

    def close(self) -> None:
        self._closed = True
        try:
            self._lsock.close()
        except OSError:
            pass
        with self.lock:
            for s in self._socks:
                try:
                    s.close()
                except OSError:
                    pass
