"""Piper, a fast local neural voice (optional: pip install showrunner[piper], or the `piper` program).

    providers:
      speech:
        name: piper
        model_path: voices/en_US-lessac-medium.onnx   # its .onnx.json beside it
        options: {length_scale: 1.0}

The voice file is the user's: showrunner never downloads one. A host's `voice` may be another
.onnx file (one voice per host), a speaker number of a multi-speaker model, or anything else
for the model's default speaker. Uses the piper-tts Python package when it is installed,
otherwise the `piper` command line.
"""

from __future__ import annotations

import functools
import importlib
import io
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path
from typing import Any

from showrunner.config import resolve_path
from showrunner.errors import ConfigError, ProviderError
from showrunner.files import sha256_file
from showrunner.providers.base import SpeechModel, SpeechRequest
from showrunner.providers.calls import CallResult, Usage
from showrunner.secrets import redact

VERSION = "piper-1"


class PiperSpeech(SpeechModel):
    @classmethod
    def check_settings(cls, settings, root):
        if not settings.model_path:
            return [("model_path", "name the piper voice file (.onnx) to use; showrunner does not download voices")]
        if not resolve_path(settings.model_path, root).is_file():
            return [("model_path", f"piper voice file {settings.model_path} not found (download a voice and its "
                                   ".onnx.json yourself; showrunner never downloads one)")]
        return []

    @classmethod
    def check_voice(cls, settings, voice, root):
        if voice.endswith(".onnx") and not resolve_path(voice, root).is_file():
            return f"piper voice file {voice} not found"
        if not voice.endswith(".onnx") and not voice.isdigit() and voice != "default":
            return "a piper voice is a .onnx file, a speaker number of the model_path voice, or 'default'"
        return None

    def __init__(self, settings, calls, episode):
        super().__init__(settings, calls, episode)
        if not settings.model_path:
            raise ConfigError("config.yaml: providers.speech.model_path: name the piper voice file (.onnx) to use; "
                              "showrunner does not download voices")
        self.model_file = self._voice_file(settings.model_path, "config.yaml: providers.speech.model_path")

    @property
    def model(self) -> str:
        return self.settings.model or self.model_file.stem

    def speak(self, request: SpeechRequest) -> bytes:
        model_file, speaker = self.model_file, None
        if request.voice.endswith(".onnx"):
            model_file = self._voice_file(request.voice, f"config.yaml: show.hosts voice '{request.voice}'")
        elif request.voice.isdigit():
            speaker = int(request.voice)
        body = {"text": request.text, "voice_sha256": _model_hash(str(model_file)), "speaker": speaker,
                "length_scale": self.settings.options.get("length_scale")}
        result = self.calls.call(kind="speech", provider=self.settings.name, model=self.model, version=VERSION,
                                 request=body, perform=lambda: self._speak(model_file, request.text, speaker),
                                 estimate=Usage(characters=len(request.text)), settings=self.settings)
        return result.body

    def _voice_file(self, name: str, where: str) -> Path:
        path = resolve_path(name, self.calls.root)
        if not path.is_file():
            raise ConfigError(f"{where}: piper voice file {path} not found (download a voice and its .onnx.json "
                              "yourself; showrunner never downloads one)")
        return path

    def _speak(self, model_file: Path, text: str, speaker: int | None) -> CallResult:
        length_scale = self.settings.options.get("length_scale")
        try:
            piper = importlib.import_module("piper")
        except ImportError:
            piper = None
        if piper is not None and hasattr(piper, "PiperVoice"):
            audio = _speak_python(piper, model_file, text, speaker, length_scale)
        else:
            audio = _speak_cli(model_file, text, speaker, length_scale, self.settings.timeout_s)
        return CallResult(body=audio, usage=Usage(characters=len(text)))


@functools.lru_cache(maxsize=8)
def _model_hash(path: str) -> str:
    return sha256_file(path)


@functools.lru_cache(maxsize=4)
def _load_voice(piper: Any, path: str) -> Any:
    return piper.PiperVoice.load(path)


def _speak_python(piper: Any, model_file: Path, text: str, speaker: int | None, length_scale: Any) -> bytes:
    voice = _load_voice(piper, str(model_file))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        if hasattr(voice, "synthesize_wav"):  # piper-tts >= 1.3
            config_cls = getattr(piper, "SynthesisConfig", None)
            settings = {k: v for k, v in {"speaker_id": speaker, "length_scale": length_scale}.items()
                        if v is not None}
            if settings and config_cls is not None:
                voice.synthesize_wav(text, wav, syn_config=config_cls(**settings))
            else:
                voice.synthesize_wav(text, wav)
        else:  # piper-tts 1.2
            voice.synthesize(text, wav, speaker_id=speaker, length_scale=length_scale)
    return buffer.getvalue()


def _speak_cli(model_file: Path, text: str, speaker: int | None, length_scale: Any, timeout_s: float) -> bytes:
    program = shutil.which("piper")
    if program is None:
        raise ConfigError("config.yaml: providers.speech.name: 'piper' needs the piper-tts package "
                          "(pip install showrunner[piper]) or the `piper` program on PATH")
    with tempfile.TemporaryDirectory(prefix="showrunner-piper-") as folder:
        out = Path(folder) / "voice.wav"
        command = [program, "--model", str(model_file), "--output_file", str(out)]
        if speaker is not None:
            command += ["--speaker", str(speaker)]
        if length_scale is not None:
            command += ["--length_scale", str(length_scale)]
        try:
            done = subprocess.run(command, input=text.encode("utf-8"), capture_output=True,
                                  timeout=max(timeout_s, 30.0), check=False)
        except subprocess.TimeoutExpired:
            raise ProviderError(f"piper took longer than {max(timeout_s, 30.0):.0f} s for one line") from None
        if done.returncode != 0 or not out.exists():
            stderr = redact(done.stderr.decode("utf-8", errors="replace"))[-2000:]
            raise ProviderError(f"piper failed (exit {done.returncode}): {stderr}")
        return out.read_bytes()
