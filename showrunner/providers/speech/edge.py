"""Microsoft Edge's online voices through edge-tts (an optional extra: pip install showrunner[edge]).

    providers:
      speech:
        name: edge
        options: {rate: "+0%", pitch: "+0Hz", volume: "+0%"}

Each host's `voice` is an Edge voice name, e.g. en-US-AriaNeural (`edge-tts --list-voices`).
No key is needed. The answer is MP3 bytes; the stage decodes them.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from typing import Any

from showrunner.errors import ConfigError
from showrunner.providers.base import SpeechModel, SpeechRequest
from showrunner.providers.calls import CallResult, Usage
from showrunner.providers.retry import TransientError

VERSION = "edge-tts-1"
OPTIONS = {"rate": "+0%", "pitch": "+0Hz", "volume": "+0%"}


def import_edge_tts() -> Any:
    try:
        return importlib.import_module("edge_tts")
    except ImportError:
        raise ConfigError("config.yaml: providers.speech.name: 'edge' needs the edge-tts package: "
                          "pip install showrunner[edge] (or pip install edge-tts)") from None


class EdgeSpeech(SpeechModel):
    def __init__(self, settings, calls, episode):
        super().__init__(settings, calls, episode)
        self.options = {key: str(settings.options.get(key, default)) for key, default in OPTIONS.items()}

    @property
    def model(self) -> str:
        return self.settings.model or "edge-tts"

    def speak(self, request: SpeechRequest) -> bytes:
        body = {"text": request.text, "voice": request.voice, **self.options}
        result = self.calls.call(kind="speech", provider=self.settings.name, model=self.model, version=VERSION,
                                 request=body, perform=lambda: self._speak(body),
                                 estimate=Usage(characters=len(request.text)), settings=self.settings)
        return result.body

    def _speak(self, body: dict[str, str]) -> CallResult:
        edge_tts = import_edge_tts()
        try:
            audio = asyncio.run(asyncio.wait_for(_synthesize(edge_tts, body), self.settings.timeout_s))
        except Exception as err:
            if _is_network_failure(err, edge_tts):
                raise TransientError(f"edge-tts: {type(err).__name__}: {err}") from None
            raise
        if not audio:
            raise TransientError("edge-tts returned no audio")
        return CallResult(body=audio, usage=Usage(characters=len(body["text"])))


async def _synthesize(edge_tts: Any, body: dict[str, str]) -> bytes:
    communicate = edge_tts.Communicate(body["text"], body["voice"], rate=body["rate"], pitch=body["pitch"],
                                       volume=body["volume"])
    audio = bytearray()
    async for chunk in communicate.stream():
        if chunk.get("type") == "audio":
            audio += chunk["data"]
    return bytes(audio)


def _is_network_failure(err: BaseException, edge_tts: Any) -> bool:
    if isinstance(err, (TimeoutError, ConnectionError, OSError)):
        return True
    exceptions = getattr(edge_tts, "exceptions", None)
    names = ("NoAudioReceived", "WebSocketError", "UnexpectedResponse", "UnknownResponse")
    kinds = tuple(getattr(exceptions, n) for n in names if exceptions is not None and hasattr(exceptions, n))
    if kinds and isinstance(err, kinds):
        return True
    aiohttp = sys.modules.get("aiohttp")  # edge-tts talks through it
    return aiohttp is not None and isinstance(err, aiohttp.ClientError)
