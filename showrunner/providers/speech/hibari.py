"""hibari-tts: a small offline neural voice (Apache-2.0, imported in-process), the default host voice.

    show:
      hosts:
        - {id: ada, name: Ada, voice: hibari/heart, pace: 1.0}

Only `heart` ships inside the hibari-tts package (female, American English, 24 kHz); hibari's
other voices download on first use, so config.yaml refuses them (showrunner.voices). The model
file is checked against its pinned sha256 before its first use. `pace` is hibari's `speed`
(1.0 is the voice's own pace, about 157 words a minute); a fixed seed makes the audio
byte-identical run after run. Optional settings under providers.speech when its name is hibari:
options: {speed: 1.0, threads: 1} (speed multiplies every host's pace).
"""

from __future__ import annotations

import functools
import importlib.metadata
import io
import logging
import wave
from pathlib import Path

import numpy as np

from showrunner import voices
from showrunner.files import atomic_path, sha256_bytes
from showrunner.locks import file_lock
from showrunner.providers.base import SpeechModel, SpeechRequest
from showrunner.providers.calls import CallResult, Usage
from showrunner.providers.speech import word_times

VERSION = sha256_bytes(Path(__file__).read_bytes() + Path(word_times.__file__).read_bytes())
SEED = 0
DURATIONS = "/Cast_32_output_0"  # hibari's durations: its Round()ed, clipped frames per phoneme id, as integers
DURATIONS_MODEL = "1"  # bump when the durations graph changes: it is cached under a name holding it

log = logging.getLogger(__name__)


class HibariSpeech(SpeechModel):
    @property
    def model(self) -> str:
        return self.settings.model or "hibari-tts"

    def speak(self, request: SpeechRequest) -> bytes:
        bundled = voices.HIBARI_VOICES[request.voice]  # config.yaml refused any other voice
        speed = round(float(self.settings.options.get("speed", 1.0)) * request.pace, 4)
        seed = SEED if self.settings.seed is None else self.settings.seed
        body = {"text": request.text, "voice": request.voice, "speed": speed, "seed": seed,
                "model_sha256": bundled.files[0][1], "hibari": importlib.metadata.version("hibari-tts")}

        def perform() -> CallResult:
            path = voices.verified_path(bundled, self.calls.cache_dir)
            tts = _load(str(path), request.voice, int(self.settings.options.get("threads", 1)))
            samples = tts(request.text, speed=speed, seed=seed)
            wav = _wav(samples, tts.sample_rate)
            try:
                durations = _durations_model(str(path), bundled.files[0][1], self.calls.cache_dir)
                words = _words(tts, str(durations), request.text, speed, len(samples))
            except (ValueError, KeyError, RuntimeError) as err:  # not hibari's graph as pinned
                log.warning("hibari: its words cannot be timed (%s); captions estimate them", err)
                words = None
            return CallResult(body=wav if words is None else word_times.embed(wav, words),
                              usage=Usage(characters=len(request.text)))

        result = self.calls.call(kind="speech", provider=self.settings.name, model=self.model, version=VERSION,
                                 request=body, perform=perform, estimate=Usage(characters=len(request.text)),
                                 settings=self.settings)
        return result.body


@functools.lru_cache(maxsize=2)
def _load(path: str, voice: str, threads: int):
    from hibari import Hibari  # Apache-2.0: fine in-process

    return Hibari(voice=voice, model=path, threads=threads)


def _words(tts, durations_model: str, text: str, speed: float, length: int) -> list[word_times.VoiceWord] | None:
    """Where hibari says each of its words: the phonemes of each sentence (as hibari speaks them) timed by
    its own durations (`durations_model`, from _durations_model). A duration unit is two frames of hibari's
    vocoder (2 x 300 samples at 24 kHz), checked against the audio's length; a segment whose times do not add
    up stays untimed."""
    import numpy as np
    from hibari import dsp

    unit = 2 * dsp.HOP
    durations = _durations(durations_model)
    symbols: list[str] = []
    samples: list[int] = []
    for phonemes in tts.phonemize(text):
        ids = tts.ids(phonemes)
        if len(ids) < 3:  # hibari says nothing for it
            continue
        frames = durations.run(None, {"ids": np.asarray([ids], np.int64), "speed": np.asarray([speed], np.float32)})[0]
        said = [" ", *(ch for ch in phonemes if ch in tts.vocab), " "]  # the pads at either end: silence
        if len(said) != len(ids):
            return None
        symbols += said
        samples += [int(f) * unit for f in np.asarray(frames).reshape(-1)]
    if sum(samples) != length:
        log.warning("hibari: the durations give %d samples, the audio has %d: the words of %r are not timed",
                    sum(samples), length, text[:60])
        return None
    return word_times.from_symbols(symbols, samples)


def _durations_model(path: str, model_sha: str, cache_dir: Path) -> Path:
    """hibari's graph up to its durations (its duration predictor alone: a fifth of the model), made once and
    kept in the cache folder by the model's sha256, as piper's is: cutting it out imports onnx (about 0.6 CPU s),
    which every scene's voice job paid again."""
    folder = cache_dir / "hibari"
    out = folder / f"{model_sha}-durations{DURATIONS_MODEL}.onnx"
    if out.is_file():
        return out
    with file_lock(folder / f".{out.name}.lock"):  # parallel jobs make it once
        if not out.is_file():
            import onnx  # Apache-2.0
            from onnx import utils

            model = utils.Extractor(onnx.load(path)).extract_model(["ids", "speed"], [DURATIONS])
            with atomic_path(out) as tmp:
                onnx.save(model, str(tmp))
    return out


@functools.lru_cache(maxsize=2)
def _durations(durations_model: str):
    """A session of the durations graph (_durations_model)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(durations_model, options, providers=["CPUExecutionProvider"])


def _wav(samples: np.ndarray, sample_rate: int) -> bytes:
    pcm = (np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * 32767.0).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    return buffer.getvalue()
