"""A real HTTP endpoint on 127.0.0.1 that records JSON POSTs, failing the first few if asked."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class NotifyServer:
    def __init__(self, fail_first: int = 0, delay_s: float = 0.0):
        self.fail_first, self.delay_s = fail_first, delay_s
        self.requests: list[dict] = []
        self.bodies: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"body": body, "authorization": self.headers.get("Authorization")})
                time.sleep(outer.delay_s)
                if len(outer.requests) <= outer.fail_first:
                    self.send_response(503)
                    self.end_headers()
                    return
                outer.bodies.append(body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 30) -> list[dict]:
        deadline = time.time() + timeout
        while len(self.bodies) < count and time.time() < deadline:
            time.sleep(0.05)
        return self.bodies
