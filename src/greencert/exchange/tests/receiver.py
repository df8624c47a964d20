"""A real HTTP receiver on loopback for webhook tests: fails, hangs or trickles as told, and records
what arrives."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    """``Receiver(fail_first=3)``: answers 503 to the first three requests, then 204.
    ``hold``: each request waits until the event is set. ``trickle``: the answer goes out one
    byte per that many seconds, which keeps any socket timeout from firing."""

    def __init__(
        self,
        fail_first: int = 0,
        hold: threading.Event | None = None,
        trickle: float | None = None,
    ) -> None:
        self.fail_first = fail_first
        self.hold = hold
        self.trickle = trickle
        self.closing = threading.Event()
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.answered = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                if receiver.hold is not None:
                    receiver.hold.wait(timeout=20)
                with receiver.lock:
                    receiver.answered += 1
                    failing = receiver.answered <= receiver.fail_first
                    if not failing:
                        receiver.requests.append(
                            ({k.lower(): v for k, v in self.headers.items()}, body)
                        )
                if receiver.trickle is not None:
                    self._trickle(b"HTTP/1.1 204 No Content\r\n\r\n", receiver.trickle)
                    return
                self.send_response(503 if failing else 204)
                self.end_headers()

            def _trickle(self, answer: bytes, interval: float) -> None:
                for byte in answer:
                    if receiver.closing.is_set():
                        return
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:  # the sender gave up on us
                        return
                    time.sleep(interval)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        if self.hold is not None:
            self.hold.set()
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> list[tuple[dict[str, str], dict[str, Any], bytes]]:
        with self.lock:
            return [(h, json.loads(b), b) for h, b in self.requests]
