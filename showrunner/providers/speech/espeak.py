"""espeak-ng: the offline reference voice (no network, no weights; Debian's espeak-ng package).

    providers:
      speech:
        name: espeak
        options: {speed: 150, pitch: 50, amplitude: 100}   # all optional

A host's `voice` is an espeak-ng voice with an optional variant: en-us+f3, en-gb+m3, de+m1
(`espeak-ng --voices` lists the voices, `espeak-ng --voices=variant` the variants). `speed`
(words a minute) defaults to writing.words_per_minute, so the episode lasts what the script
was written for; a host's `pace` multiplies it. In config.yaml: `voice: espeak/en-us+f3`.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

from showrunner import media
from showrunner.files import sha256_bytes
from showrunner.providers.base import SpeechModel, SpeechRequest
from showrunner.providers.calls import CallResult, Usage

VERSION = sha256_bytes(Path(__file__).read_bytes())


@functools.cache
def known_voices() -> tuple[frozenset[str], frozenset[str]]:
    """(voices, variants) as `espeak-ng --voices` and `--voices=variant` list them, lower-cased: each
    voice by its language codes, name and file; each variant by its name and file."""
    media.require(media.ESPEAK)

    def listing(*args: str) -> list[list[str]]:
        out = subprocess.run([media.ESPEAK, *args], capture_output=True, text=True, timeout=30).stdout
        return [line.split() for line in out.splitlines()[1:] if line.split()]

    voices: set[str] = set()
    for row in listing("--voices"):
        # Pty Language Age/Gender VoiceName File [Other Languages: (pty)lang ...]
        voices.update(x.lower() for x in (row[1], row[3], row[4], row[4].rsplit("/", 1)[-1]))
        voices.update(x.split(")")[-1].lower() for x in row[5:])
    variants = {x.lower() for row in listing("--voices=variant") for x in (row[3], row[4].rsplit("/", 1)[-1])}
    return frozenset(voices), frozenset(variants)


class EspeakSpeech(SpeechModel):
    @classmethod
    def check_voice(cls, settings, voice, root):
        name, _, variant = voice.partition("+")
        voices, variants = known_voices()
        if name.lower() not in voices:
            close = sorted(v for v in voices if v.split("-")[0] == name.lower().split("-")[0])[:8]
            hint = f" (close: {', '.join(close)})" if close else ""
            return f"espeak-ng has no voice '{name}'{hint}; `espeak-ng --voices` lists them"
        if variant and variant.lower() not in variants:
            return f"espeak-ng has no variant '{variant}'; `espeak-ng --voices=variant` lists them (e.g. f3, m3)"
        return None

    @property
    def model(self) -> str:
        return self.settings.model or "espeak-ng"

    def speak(self, request: SpeechRequest) -> bytes:
        options = self.settings.options
        speed = round(int(options.get("speed", self.episode.writing.words_per_minute)) * request.pace)
        pitch = options.get("pitch")
        amplitude = options.get("amplitude")
        body = {"text": request.text, "voice": request.voice, "speed": speed, "pitch": pitch,
                "amplitude": amplitude, "espeak_ng": media.version(media.ESPEAK)}

        def perform() -> CallResult:
            audio = media.espeak(request.text, request.voice, speed=speed, pitch=pitch, amplitude=amplitude)
            return CallResult(body=audio, usage=Usage(characters=len(request.text)))

        result = self.calls.call(kind="speech", provider=self.settings.name, model=self.model, version=VERSION,
                                 request=body, perform=perform, estimate=Usage(characters=len(request.text)),
                                 settings=self.settings)
        return result.body
