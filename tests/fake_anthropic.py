"""A real HTTP server on 127.0.0.1 that speaks Anthropic's Messages API, for the provider tests.

    with FakeAnthropic() as server:              # base_url http://127.0.0.1:<port>
        server.fail(529, retry_after="0")        # the next request: overloaded_error, with retry-after
        server.reply({"facts": []})              # the next request's tool input (or text, for a str)
        server.bodies()                          # every request's JSON body, in order

POST /v1/messages checks `x-api-key` (401 authentication_error otherwise) and `anthropic-version`
(400 without it), and answers a message: with `tools` and a forced `tool_choice`, one `tool_use`
block whose input is the scripted reply or the task's valid reply (tests/fake_openai.DEFAULT_REPLIES,
by the tool's name); without tools, one `text` block. Errors have Anthropic's shape
({"type": "error", "error": {"type", "message"}}).
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fake_openai import Action, FakeServer

KEY = "sk-ant-test-SECRET-456"
KEY_ENV = "SHOWRUNNER_TEST_ANTHROPIC_KEY"
ERRORS = {400: "invalid_request_error", 401: "authentication_error", 429: "rate_limit_error",
          500: "api_error", 529: "overloaded_error"}


class FakeAnthropic(FakeServer):
    def __init__(self, key: str = KEY):
        super().__init__(key, _handler)

    @property
    def url(self) -> str:
        return self.origin

    def bodies(self) -> list[dict[str, Any]]:
        with self.lock:
            return [r["json"] for r in self.requests]

    def headers(self) -> list[dict[str, str]]:
        with self.lock:
            return [r["headers"] for r in self.requests]

    def message(self, body: dict[str, Any], action: Action) -> dict[str, Any]:
        tool = (body.get("tool_choice") or {}).get("name")
        if action.content is not None:
            content = action.content
        else:
            reply = self.replies.get(tool or "", {"note": "no scripted reply for this request"})
            content = json.dumps(reply(body) if callable(reply) else reply)
        if tool:
            try:
                block = {"type": "tool_use", "id": "toolu_fake", "name": tool, "input": json.loads(content)}
            except json.JSONDecodeError:  # a tool's input is always an object; a string reply goes as text
                block = {"type": "text", "text": content}
        else:
            block = {"type": "text", "text": content}
        prompt = len(body.get("system", "")) + sum(len(str(m.get("content", ""))) for m in body.get("messages", []))
        return {"id": "msg_fake", "type": "message", "role": "assistant", "model": body.get("model"),
                "content": [block], "stop_reason": "tool_use" if block["type"] == "tool_use" else "end_turn",
                "stop_sequence": None, "usage": {"input_tokens": prompt // 4, "output_tokens": len(content) // 4}}


def _handler(fake: FakeAnthropic) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            body = json.loads(raw or b"{}")
            with fake.lock:
                fake.requests.append({"path": self.path, "json": body, "headers": dict(self.headers)})
            if self.path != "/v1/messages":
                return self._error(404, "not_found_error", f"no route {self.path}")
            if self.headers.get("x-api-key") != fake.key:
                return self._error(401, "authentication_error", "invalid x-api-key")
            if not self.headers.get("anthropic-version"):
                return self._error(400, "invalid_request_error", "anthropic-version: header is required")
            if not isinstance(body.get("max_tokens"), int):
                return self._error(400, "invalid_request_error", "max_tokens: Field required")
            action = fake._next_action()
            if action.status:
                headers = {"retry-after": action.retry_after} if action.retry_after else {}
                return self._error(action.status, ERRORS.get(action.status, "api_error"), "scripted failure",
                                   headers)
            self._json(200, fake.message(body, action))

        def _error(self, status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> None:
            self._json(status, {"type": "error", "error": {"type": kind, "message": message}}, headers)

        def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

    return Handler
