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

from pathlib import Path

from showrunner import media
from showrunner.files import sha256_bytes
from showrunner.providers.base import SpeechModel, SpeechRequest
from showrunner.providers.calls import CallResult, Usage

VERSION = sha256_bytes(Path(__file__).read_bytes())


class EspeakSpeech(SpeechModel):
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
