"""OpenAI's text-to-speech (or any server speaking /v1/audio/speech), as WAV.

    providers:
      speech:
        name: openai
        model: tts-1                  # or gpt-4o-mini-tts, or the model a compatible server names
        api_key_env: OPENAI_API_KEY
        base_url: ...                 # optional: a compatible local server
        options: {speed: 1.0, instructions: "calm and warm"}

Each host's `voice` in the blueprint is the API's voice name (alloy, echo, nova, ...).
"""

from __future__ import annotations

import struct
from typing import Any

from showrunner.providers.base import SpeechModel, SpeechRequest
from showrunner.providers.calls import CallResult, Usage
from showrunner.providers.openai_client import endpoint, model_needed, openai_client, require_model

VERSION = "openai-tts-1"
OPTIONS = ("speed", "instructions")
# The voices api.openai.com has; another OpenAI-compatible server (base_url) may have others.
OPENAI_VOICES = ("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse")


class OpenAISpeech(SpeechModel):
    @classmethod
    def check_settings(cls, settings, root):
        return model_needed(settings, "tts-1 or gpt-4o-mini-tts")

    @classmethod
    def check_voice(cls, settings, voice, root):
        if settings.base_url is None and voice not in OPENAI_VOICES:
            return f"OpenAI has no voice '{voice}' (voices: {', '.join(OPENAI_VOICES)})"
        return None

    def __init__(self, settings, calls, episode):
        super().__init__(settings, calls, episode)
        require_model(settings, "speech", "tts-1 or gpt-4o-mini-tts")
        self._client = None

    def speak(self, request: SpeechRequest) -> bytes:
        body: dict[str, Any] = {"model": self.model, "voice": request.voice, "input": request.text,
                                "response_format": "wav"}
        body.update({k: self.settings.options[k] for k in OPTIONS if k in self.settings.options})
        call = {"base_url": endpoint(self.settings), "body": body}
        result = self.calls.call(kind="speech", provider=self.settings.name, model=self.model, version=VERSION,
                                 request=call, perform=lambda: self._speak(body),
                                 estimate=Usage(characters=len(request.text)), settings=self.settings)
        return fix_wav_sizes(result.body)

    def _speak(self, body: dict[str, Any]) -> CallResult:
        if self._client is None:
            self._client = openai_client(self.settings, "speech")
        response = self._client.audio.speech.create(**body)
        return CallResult(body=response.content, usage=Usage(characters=len(body["input"])))


def fix_wav_sizes(data: bytes) -> bytes:
    """A WAV streamed by a server carries placeholder sizes (0xFFFFFFFF): write the real ones.

    Anything that is not a RIFF/WAVE file is returned unchanged.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return data
    out = bytearray(data)
    if struct.unpack_from("<I", out, 4)[0] != len(out) - 8:
        struct.pack_into("<I", out, 4, len(out) - 8)
    offset = 12
    while offset + 8 <= len(out):
        chunk, size = out[offset:offset + 4], struct.unpack_from("<I", out, offset + 4)[0]
        if chunk == b"data":
            if size > len(out) - offset - 8:  # a placeholder, or a file cut short
                struct.pack_into("<I", out, offset + 4, len(out) - offset - 8)
            break
        offset += 8 + size + (size & 1)
    return bytes(out)
