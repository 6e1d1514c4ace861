"""Every config mistake found at startup, before Snakemake plans a job or deletes an output.

`check_config` looks past what the schema (showrunner.config) can see: providers that exist and
have what they need (`Provider.check_settings`), voices the speech provider has
(`SpeechModel.check_voice`), fonts that load, a music bed and other named files that exist, and
the sources (`check_sources`). Each episode is checked with its overrides merged in. Every
problem is one line naming the file (and line) that holds the value and the key path:

    config.yaml:14: show.hosts.0.voice: espeak-ng has no voice 'en-xx' (...)
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from PIL import ImageFont

from showrunner.config import Config, Episode, dotted, resolve_path
from showrunner.config_files import Origins
from showrunner.errors import ConfigError, ShowrunnerError
from showrunner.providers import REGISTRY, speech_settings
from showrunner.sources import SUPPORTED_SUFFIXES

FONT_FIELDS = ("font", "font_bold", "font_mono")


class _Problems:
    def __init__(self, origins: Origins):
        self.origins = origins
        self.lines: list[str] = []

    def add(self, path: tuple, message: str) -> None:
        line = f"{self.origins.where(path)}: {dotted(path)}: {message}"
        if line not in self.lines:
            self.lines.append(line)


def _path(origins: Origins, slug: str, *path: Any) -> tuple:
    """Where an episode's merged value comes from: its overrides, or the show-wide section."""
    override = ("episodes", slug, "overrides", *path)
    for end in range(len(override), 4, -1):
        if origins.has(override[:end]):
            return override
    return path


def provider_class(kind: str, name: str) -> Any:
    """The provider class config names (a Provider; SpeechModel for speech), or None if unknown."""
    target = REGISTRY[kind].get(name)
    if target is None:
        return None
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)


def check_config(config: Config, root: Path, origins: Origins | None = None) -> None:
    """Raise ConfigError listing every problem of every episode's settings."""
    origins = origins or Origins()
    problems = _Problems(origins)
    for slug in config.episodes:
        episode = config.episode(slug)
        _check_providers(episode, root, origins, problems)
        _check_files(episode, root, origins, problems)
    check_sources(config, root, origins, problems)
    if problems.lines:
        raise ConfigError("\n".join(problems.lines))


def _check_providers(episode: Episode, root: Path, origins: Origins, problems: _Problems) -> None:
    slug = episode.slug
    for kind, known in REGISTRY.items():
        settings = getattr(episode.providers, kind)
        cls = provider_class(kind, settings.name)
        if cls is None:
            problems.add(_path(origins, slug, "providers", kind, "name"),
                         f"unknown {kind} provider '{settings.name}' (known: {', '.join(sorted(known))})")
            continue
        try:
            found = cls.check_settings(settings, root)
        except ShowrunnerError as err:
            found = [("name", str(err))]
        for field, message in found:
            problems.add(_path(origins, slug, "providers", kind, *field.split(".")), message)
        if kind == "speech":
            for i, host in enumerate(episode.show.hosts):
                voice = host.speech  # <provider>/<voice>, or a bare voice of providers.speech
                voice_settings = speech_settings(voice, episode)
                voice_cls = provider_class(kind, voice_settings.name)
                try:
                    problem = voice_cls.check_voice(voice_settings, voice.name, root) if voice_cls else None
                except ShowrunnerError as err:
                    problem = str(err)
                if problem:
                    problems.add(_path(origins, slug, "show", "hosts", i, "voice"),
                                 f"host '{host.id}': {problem} (voice '{host.voice}', spoken by "
                                 f"'{voice_settings.name}')")


def _check_files(episode: Episode, root: Path, origins: Origins, problems: _Problems) -> None:
    slug = episode.slug
    style = episode.show.style
    for field in FONT_FIELDS:
        name = getattr(style, field)
        path = resolve_path(name, root)
        where = _path(origins, slug, "show", "style", field)
        if not path.is_file():
            problems.add(where, f"font file {name} not found (install fonts-dejavu-core, or name a .ttf that exists)")
            continue
        try:
            ImageFont.truetype(str(path), 12)
        except OSError as err:
            problems.add(where, f"font file {name} cannot be loaded: {err}")
    bed = episode.audio.music.bed
    if bed != "generated":
        path = resolve_path(bed, root)
        where = _path(origins, slug, "audio", "music", "bed")
        if not path.is_file():
            problems.add(where, f"music bed {bed} not found (give an audio file, or 'generated')")
        elif path.stat().st_size == 0:
            problems.add(where, f"music bed {bed} is empty")


def check_sources(config: Config, root: Path, origins: Origins | None = None,
                  problems: _Problems | None = None) -> None:
    """Fail before any job runs when a configured source is missing, empty or unsupported."""
    own = problems is None
    problems = problems or _Problems(origins or Origins())
    origins = problems.origins
    for slug, spec in config.episodes.items():
        for i, source in enumerate(spec.sources):
            where = ("episodes", slug, "sources", i)
            path = root / source
            if Path(source).is_absolute() or ".." in Path(source).parts:
                problems.add(where, f"{source}: give a path inside the project, without '..'")
            elif not path.exists():
                problems.add(where, f"{source}: file not found")
            elif not path.is_file():
                problems.add(where, f"{source}: not a file")
            elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
                problems.add(where, f"{source}: unsupported kind '{path.suffix}' "
                                    f"(supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")
            elif path.stat().st_size == 0:
                problems.add(where, f"{source}: file is empty")
        if not spec.sources and config.episode(slug).providers.language.name == "extractive":
            problems.add(("episodes", slug, "topic"),
                         "a topic-only episode needs a language model: the offline 'extractive' provider writes "
                         "only from sources. Add 'sources', or set providers.language (for this episode: "
                         "overrides.providers.language) to name: openai with a base_url and model (any "
                         "OpenAI-compatible endpoint, e.g. Ollama at http://localhost:11434/v1)")
    if own and problems.lines:
        raise ConfigError("\n".join(problems.lines))
