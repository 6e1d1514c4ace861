"""A real HTTP server that speaks enough of the OpenAI API for the provider tests.

    with FakeOpenAI() as server:                 # http://127.0.0.1:<port>/v1
        server.fail(429, retry_after="1")        # the next request gets a 429 with Retry-After
        server.hang(1.0)                         # the next request waits 1 s before answering
        server.reply("not json")                 # the next chat request gets this content
        server.replies["outline_reply"] = {...}  # chat requests for this schema get this JSON
        ...
        server.count("/v1/chat/completions")     # requests that reached the server

It serves /v1/chat/completions (choices[0].message.content and usage), /v1/audio/speech (a
small WAV, streamed style: placeholder sizes) and /v1/images/generations (b64_json PNG at the
asked size, scaled down), checks the Authorization header against the expected key (401
otherwise), and records every request. Scripted actions apply to the next requests in order.
"""

from __future__ import annotations

import base64
import io
import json
import struct
import threading
import time
import wave
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from PIL import Image

from tests.configs import KEY as KEY
from tests.configs import KEY_ENV as KEY_ENV
from tests.configs import provider_settings as provider_settings
from tests.configs import raw_config as raw_config


@dataclass
class Action:
    status: int | None = None
    retry_after: str | None = None
    delay: float = 0.0
    content: str | None = None
    echo_auth: bool = False  # put the Authorization header into the error message, as a careless proxy might


class FakeServer:
    """A real HTTP server on 127.0.0.1 (a port of its own) that records every request and answers
    the next ones as scripted; `handler(fake)` makes its request handler. The fakes of each protocol
    (FakeOpenAI here, tests/fake_anthropic.FakeAnthropic) differ only in how they answer."""

    def __init__(self, key: str, handler: Callable[[Any], type[BaseHTTPRequestHandler]]):
        self.key = key
        self.requests: list[dict[str, Any]] = []
        self.script: deque[Action] = deque()
        self.replies: dict[str, Any] = dict(DEFAULT_REPLIES)
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    # --- lifecycle ----------------------------------------------------------------------
    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    # --- scripting ----------------------------------------------------------------------
    def fail(self, status: int, retry_after: str | None = None, times: int = 1, echo_auth: bool = False) -> None:
        for _ in range(times):
            self.script.append(Action(status=status, retry_after=retry_after, echo_auth=echo_auth))

    def reply(self, content: str | dict, times: int = 1) -> None:
        text = content if isinstance(content, str) else json.dumps(content)
        for _ in range(times):
            self.script.append(Action(content=text))

    # --- what happened ------------------------------------------------------------------
    def count(self, path: str | None = None) -> int:
        with self.lock:
            return sum(1 for r in self.requests if path is None or r["path"] == path)

    # --- answering ----------------------------------------------------------------------
    def _next_action(self) -> Action:
        with self.lock:
            return self.script.popleft() if self.script else Action()


class FakeOpenAI(FakeServer):
    def __init__(self, key: str = KEY):
        super().__init__(key, _handler)

    @property
    def url(self) -> str:
        return f"{self.origin}/v1"

    # --- scripting ----------------------------------------------------------------------
    def hang(self, seconds: float, times: int = 1) -> None:
        for _ in range(times):
            self.script.append(Action(delay=seconds))

    # --- what happened ------------------------------------------------------------------
    def bodies(self, path: str = "/v1/chat/completions") -> list[dict[str, Any]]:
        with self.lock:
            return [r["json"] for r in self.requests if r["path"] == path]

    # --- answering ----------------------------------------------------------------------
    def chat_content(self, body: dict[str, Any], action: Action) -> str:
        if action.content is not None:
            return action.content
        name = ((body.get("response_format") or {}).get("json_schema") or {}).get("name", "")
        reply = self.replies.get(name, {"note": "no scripted reply for this schema"})
        if callable(reply):
            reply = reply(body)
        return reply if isinstance(reply, str) else json.dumps(reply)


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                body = {}
            authorized = self.headers.get("authorization") == f"Bearer {fake.key}"
            with fake.lock:
                fake.requests.append({"path": self.path, "json": body, "authorized": authorized,
                                      "time": time.monotonic()})
            if not authorized:
                return self._json(401, {"error": {"message": "Incorrect API key provided.",
                                                  "type": "invalid_request_error", "code": "invalid_api_key"}})
            action = fake._next_action()
            if action.delay:
                time.sleep(action.delay)
            if action.status:
                message = f"scripted failure {action.status}"
                if action.echo_auth:
                    message += f" (request had Authorization: {self.headers.get('authorization')})"
                headers = {"retry-after": action.retry_after} if action.retry_after else {}
                return self._json(action.status, {"error": {"message": message, "type": "server_error"}}, headers)
            if self.path == "/v1/chat/completions":
                content = fake.chat_content(body, action)
                prompt = sum(len(str(m.get("content", ""))) for m in body.get("messages", []))
                return self._json(200, {
                    "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": body.get("model"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": prompt // 4, "completion_tokens": len(content) // 4,
                              "total_tokens": prompt // 4 + len(content) // 4}})
            if self.path == "/v1/audio/speech":
                return self._bytes(200, streamed_wav(body.get("input", "")), "audio/wav")
            if self.path == "/v1/images/generations":
                width, height = (int(v) for v in str(body.get("size", "1024x1024")).split("x"))
                return self._json(200, {"created": 0, "data": [{"b64_json": base64.b64encode(
                    png_bytes((width // 16, height // 16))).decode()}]})
            return self._json(404, {"error": {"message": f"no route {self.path}"}})

        def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
            self._bytes(status, json.dumps(data).encode(), "application/json", headers)

        def _bytes(self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            try:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
                pass

    return Handler


def streamed_wav(text: str, rate: int = 24000) -> bytes:
    """A short mono 16-bit WAV whose RIFF and data sizes are 0xFFFFFFFF, as streamed TTS sends."""
    frames = max(1, len(text)) * 40
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\x00\x01" * frames)
    data = bytearray(buffer.getvalue())
    struct.pack_into("<I", data, 4, 0xFFFFFFFF)
    struct.pack_into("<I", data, 40, 0xFFFFFFFF)  # the data chunk's size, right after a 16-byte fmt chunk
    return bytes(data)


def png_bytes(size: tuple[int, int]) -> bytes:
    image = Image.new("RGB", (max(1, size[0]), max(1, size[1])), (40, 90, 160))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- valid replies for each task, as the language provider asks for them -------------------

def research_reply(body: dict[str, Any]) -> dict[str, Any]:
    return {"facts": [
        {"text": "A cache stores answers so that a repeated question is not worked out again.", "section": "Basics"},
        {"text": "A cache key must include everything the answer depends on.", "section": "Keys"},
        {"text": "Stale entries are the classic cache bug.", "section": "Pitfalls"},
    ]}


def outline_reply(body: dict[str, Any]) -> dict[str, Any]:
    return {"title": "How caches work", "summary": "What a cache keeps, and how it knows what to keep.",
            "sections": [
                {"title": "Why cache", "key_points": ["Repeated work is waste"], "fact_ids": ["f1", "f99"]},
                {"title": "Keys", "key_points": ["The key is the whole request", "Stale entries"],
                 "fact_ids": ["f2", "f3"]},
            ]}


def script_reply(body: dict[str, Any]) -> dict[str, Any]:
    return {"segments": [
        {"speaker": "ada", "text": "Why do we cache at all?", "section_id": "s1"},
        {"speaker": "ben", "text": "Because doing the same work twice is a waste of time.", "section_id": "s1"},
        {"speaker": "Ada", "text": "So what goes into the key?", "section_id": "s2"},
        {"speaker": "ben", "text": "Everything the answer depends on, and nothing else.", "section_id": "s2"},
    ]}


def critique_reply(body: dict[str, Any]) -> dict[str, Any]:
    return {"score": 72, "reasons": ["The second section needs an example."]}


def storyboard_reply(body: dict[str, Any]) -> dict[str, Any]:
    return {"scenes": [
        {"title": "Why cache", "bullets": ["Repeated work is waste"], "visual_prompt": "a librarian",
         "segment_ids": ["seg1", "seg2"]},
        {"title": "Keys", "bullets": ["The whole request"], "segment_ids": ["seg3", "seg4"]},
    ]}


def scene_critic_reply(body: dict[str, Any]) -> dict[str, Any]:
    return {"score": 74, "reasons": ["The close is abrupt."],
            "scenes": [{"index": 1, "score": 90, "reasons": []},
                       {"index": 2, "score": 60, "reasons": ["The slide shows a list the narration skips."]}]}


DEFAULT_REPLIES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "research_reply": research_reply,
    "outline_reply": outline_reply,
    "script_reply": script_reply,
    "critique_reply": critique_reply,
    "storyboard_reply": storyboard_reply,
    "scene_critic_reply": scene_critic_reply,
}


# --- a server that follows the asked JSON schema exactly, and knows nothing else -----------

def from_schema(schema: dict[str, Any], node: dict[str, Any] | None = None) -> Any:
    """The plainest instance of `schema`: every property, the first enum value (every one, in order, for
    a list of enum values), minItems items (at least one), the maximum of a bounded integer."""
    node = schema if node is None else node
    if "$ref" in node:
        return from_schema(schema, schema["$defs"][node["$ref"].rsplit("/", 1)[-1]])
    if "anyOf" in node:
        return from_schema(schema, next(n for n in node["anyOf"] if n.get("type") != "null"))
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object":
        return {name: from_schema(schema, prop) for name, prop in node.get("properties", {}).items()}
    if kind == "array":
        items = node.get("items", {})
        if "enum" in items:
            return list(items["enum"])
        return [from_schema(schema, items) for _ in range(max(1, node.get("minItems", 1)))]
    if kind == "integer":
        return node.get("maximum", node.get("minimum", 1))
    if kind == "number":
        return node.get("maximum", node.get("minimum", 1.0))
    if kind == "boolean":
        return True
    return "A plain sentence."


def schema_reply(body: dict[str, Any]) -> dict[str, Any]:
    return from_schema(body["response_format"]["json_schema"]["schema"])
