"""A real HTTP receiver on loopback for webhook tests: fails as told, records what arrives."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    """``Receiver(fail_first=3)``: answers 503 to the first three requests, then 204."""

    def __init__(self, fail_first: int = 0, hold: threading.Event | None = None) -> None:
        self.fail_first = fail_first
        self.hold = hold
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
                self.send_response(503 if failing else 204)
                self.end_headers()

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
        if self.hold is not None:
            self.hold.set()
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> list[tuple[dict[str, str], dict[str, Any], bytes]]:
        with self.lock:
            return [(h, json.loads(b), b) for h, b in self.requests]
