"""The show blueprint, providers, stage settings and episodes, validated with pydantic.

`load_config(raw)` turns the dict Snakemake read from config.yaml (with `--config` overrides
applied) into a `Config`; every problem is reported with its key path. `config.episode(slug)`
gives the settings one episode runs with: the top-level sections with that episode's
`overrides` merged in.
"""

from __future__ import annotations

import copy
import importlib.util
import re
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from showrunner.errors import ConfigError
from showrunner.pronunciation import Pronunciation, check_term, entry
from showrunner.screen import themes
from showrunner.voices import Voice, parse_voice

SLUG_PATTERN = r"[a-z0-9][a-z0-9_-]{0,63}"
RESERVED_SLUGS = {"show"}  # results/show/ holds what belongs to the whole show


class Strict(BaseModel):
    """Unknown keys are errors: a typo in config.yaml must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# term -> a respelling, or {say: respelling, phonemes: {provider: phonemes}} (showrunner.pronunciation)
Pronunciations = dict[str, Annotated[Pronunciation, BeforeValidator(entry)]]


def _terms(value: dict[str, Pronunciation]) -> dict[str, Pronunciation]:
    for term in value:
        check_term(term)
    return value


class Host(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    persona: str = ""
    voice: str = Field(min_length=1, description="<provider>/<voice>, e.g. hibari/heart, piper/joe, espeak/en-us+f3; "
                                                 "a bare voice is spoken by providers.speech.name")
    pace: float = Field(default=1.0, ge=0.5, le=2.0, description="speaking rate against the voice's own (0.9: slower)")

    @field_validator("voice")
    @classmethod
    def _known_voice(cls, value: str) -> str:
        parse_voice(value)  # unknown providers and voices that would need a download are refused here
        return value.strip()

    @property
    def speech(self) -> Voice:
        return parse_voice(self.voice)


class Style(Strict):
    theme: Literal["dark", "light", "paper"] = "dark"  # showrunner/screen/themes.py
    background: str = "#0f1420"  # the theme's, unless given
    foreground: str = "#f4f1ea"
    accent: str = "#f2a93b"
    font: str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    font_bold: str = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
    font_mono: str = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

    @field_validator("background", "foreground", "accent")
    @classmethod
    def _colour(cls, value: str) -> str:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise ValueError("must be a colour like #1a2b3c")
        return value

    @model_validator(mode="before")
    @classmethod
    def _theme_colours(cls, data: Any) -> Any:
        if isinstance(data, dict):
            theme = data.get("theme", "dark")
            if theme in themes.THEMES:
                # the theme's colours where none are given; a colour that is another theme's own comes
                # from an episode's override of the theme (the show's style merged under it): replaced
                colours = themes.theme_colours(theme)
                others = {t: themes.theme_colours(t) for t in themes.THEMES if t != theme}
                data = {**data, **{k: colours[k] for k in ("background", "foreground", "accent")
                                   if k not in data or any(data[k] == o[k] for o in others.values())}}
        return data

    @model_validator(mode="after")
    def _readable(self) -> Style:
        bad = themes.unreadable(themes.palette(self.theme, self.background, self.foreground, self.accent))
        if bad:
            raise ValueError(f"text would be hard to read (WCAG contrast below {themes.MIN_CONTRAST}:1): "
                             + "; ".join(bad[:3]))
        return self


class Show(Strict):
    name: str = Field(min_length=1)
    description: str = ""
    audience: str = "curious listeners"
    tone: str = "warm and clear"
    language: str = "en"
    hosts: list[Host] = Field(min_length=1)
    style: Style = Style()

    @model_validator(mode="after")
    def _unique_hosts(self) -> Show:
        ids = [h.id for h in self.hosts]
        if len(ids) != len(set(ids)):
            raise ValueError(f"host ids must be unique, got {ids}")
        return self

    def host(self, host_id: str) -> Host:
        for h in self.hosts:
            if h.id == host_id:
                return h
        raise KeyError(host_id)


class ProviderSettings(Strict):
    """One model provider. `name` picks the implementation; the rest are its settings.

    `api_key_env` names the environment variable holding the key: keys never live in files.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, protected_namespaces=())

    name: str
    model: str | None = None
    base_url: str | None = None
    api_key_env: str | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    seed: int | None = None
    max_tokens: int | None = Field(default=None, gt=0)
    timeout_s: float = Field(default=60.0, gt=0)
    max_attempts: int = Field(default=3, ge=1, le=10)
    backoff_s: float = Field(default=1.0, ge=0, description="wait before the first retry; doubles each retry")
    max_wait_s: float = Field(default=60.0, gt=0, description="longest wait between attempts, Retry-After included")
    max_reasks: int = Field(default=2, ge=0, le=10)
    breaker_failures: int = Field(default=5, ge=1)
    breaker_cooldown_s: float = Field(default=300.0, ge=0)
    breaker_window_s: float = Field(default=120.0, gt=0, description="failures older than this are forgotten")
    model_path: str | None = Field(default=None, description="local weights (piper voice, diffusers model)")
    options: dict[str, Any] = Field(default_factory=dict, description="provider-specific extras")

    @field_validator("api_key_env")
    @classmethod
    def _a_name_not_a_key(cls, value: str | None) -> str | None:
        """The name of a variable; a key pasted here is refused without being repeated anywhere."""
        if value is not None and looks_like_a_key(value):
            raise ValueError("this looks like an API key itself, not the name of an environment variable; "
                             "remove it from the config (and revoke it if the file was shared), put the key in "
                             "an environment variable (export OPENAI_API_KEY=...) and give that variable's name")
        if value is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            raise ValueError("must be the name of an environment variable (letters, digits, '_'), "
                             "e.g. OPENAI_API_KEY")
        return value


KEY_PREFIXES = ("sk-", "sk_", "pk-", "rk-", "xox", "ghp_", "gho_", "github_pat_", "hf_", "gsk_", "AKIA", "AIza",
                "glpat-", "Bearer ")


def looks_like_a_key(value: str) -> bool:
    """A secret rather than a variable name: a known key prefix, or long, mixed-case and with digits."""
    if value.startswith(KEY_PREFIXES) or any(c in value for c in " -.:/+="):
        return True
    return len(value) >= 24 and any(c.isdigit() for c in value) and any(c.islower() for c in value) \
        and any(c.isupper() for c in value)


# How a provider is called rather than what it is asked: changing these reruns nothing.
CALL_POLICY_FIELDS = ("timeout_s", "max_attempts", "backoff_s", "max_wait_s", "max_reasks",
                      "breaker_failures", "breaker_cooldown_s", "breaker_window_s")


class Providers(Strict):
    language: ProviderSettings = ProviderSettings(name="extractive")
    speech: ProviderSettings = ProviderSettings(name="espeak")
    image: ProviderSettings = ProviderSettings(name="slides")


class Price(Strict):
    """Prices in USD. Keyed in `prices` by "<provider>:<model>"."""

    input_per_1m_tokens: float = Field(default=0.0, ge=0)
    output_per_1m_tokens: float = Field(default=0.0, ge=0)
    per_1m_characters: float = Field(default=0.0, ge=0)
    per_image: float = Field(default=0.0, ge=0)


class Cache(Strict):
    dir: str = ".showrunner-cache"


class Critic(Strict):
    threshold: int = Field(default=80, ge=0, le=100)
    max_iterations: int = Field(default=3, ge=1, le=10)


class Writing(Strict):
    words_per_minute: int = Field(default=150, ge=60, le=300)
    target_minutes: float = Field(default=3.0, gt=0, le=180)
    max_sentence_words: int = Field(default=28, ge=8)
    critic: Critic = Critic()
    max_scene_seconds: float = Field(default=40.0, gt=5)
    length: Literal["material", "target"] = Field(
        default="material", description="when the sources cannot fill target_minutes: aim at what they support "
                                        "(material) or at target_minutes regardless (target)")


ASPECTS = {"16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1)}


class Video(Strict):
    aspect: Literal["16:9", "9:16", "1:1"] = "16:9"
    height: int = Field(default=1080, ge=64, le=4320, description="the short side for 9:16")
    fps: int = Field(default=30, ge=1, le=120)
    motion: Literal["still", "zoom"] = "still"
    preset: Literal["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
                    "veryslow"] = "veryfast"
    crf: int = Field(default=23, ge=0, le=51)
    threads: int = Field(default=2, ge=1, le=64, description="fixed so encodes are reproducible")
    subtitles: Literal["soft", "burned", "none"] = "soft"

    @property
    def size(self) -> tuple[int, int]:
        """(width, height), both even, from the aspect and the short side."""
        w_ratio, h_ratio = ASPECTS[self.aspect]
        short = self.height - self.height % 2
        if w_ratio >= h_ratio:
            width = short * w_ratio // h_ratio
            return width - width % 2, short
        height = short * h_ratio // w_ratio
        return short, height - height % 2


class Music(Strict):
    bed: str = Field(default="generated", description="'generated' or a path to the user's own audio file")
    bed_gain_db: float = Field(default=-20.0, ge=-60, le=0)
    duck_db: float = Field(default=12.0, ge=0, description="how far the bed drops under speech")
    intro_seconds: float = Field(default=4.0, ge=0)
    outro_seconds: float = Field(default=4.0, ge=0)
    seed: int = 7


class Audio(Strict):
    sample_rate: int = Field(default=48000, ge=8000, le=192000)
    pause_between_segments_s: float = Field(default=0.35, ge=0, le=3)
    pause_between_speakers_s: float = Field(default=0.5, ge=0, le=3)
    scene_tail_s: float = Field(default=0.4, ge=0, le=5)
    podcast_lufs: float = Field(default=-16.0, le=-5, ge=-40)
    video_lufs: float = Field(default=-16.0, le=-5, ge=-40, description="final.mp4's soundtrack loudness")
    podcast_true_peak_db: float = Field(default=-1.0, le=0)
    podcast_bitrate: str = Field(default="128k", pattern=r"^\d{2,3}k$", description="an MP3 bitrate, e.g. 128k")
    voice_lufs: float = Field(default=-23.0, le=-10, ge=-40,
                              description="every spoken segment is levelled to this loudness before the mix")
    music: Music = Music()


class Listen(Strict):
    """The recogniser that listens to the narration (the `transcript` stage) and its thresholds."""

    model: Literal["tiny.en", "base"] = Field(
        default="tiny.en", description="a Whisper model shipped in pinned packages (showrunner.voices.WHISPER_MODELS): "
                                       "tiny.en (75 MB) or base (145 MB, about twice the CPU)")
    beam_size: int = Field(default=5, ge=1, le=10)
    max_word_error_rate: float = Field(default=0.10, ge=0, le=1)
    caption_tolerance_ms: float = Field(default=150.0, ge=0)
    terms: Literal["hard", "soft"] = Field(
        default="hard", description="hard: acceptance fails unless every lexicon term the narration says is heard "
                                    "as itself; soft: a warning (a voice the recogniser mishears, e.g. espeak-ng)")

    @field_validator("model")
    @classmethod
    def _installed(cls, value: str) -> str:
        from showrunner.voices import WHISPER_MODELS

        missing = [p.distribution for p in WHISPER_MODELS[value].packages
                   if importlib.util.find_spec(p.package) is None]
        if missing:
            raise ValueError(f"Whisper {value} ships in {' and '.join(missing)}, not installed: "
                             f"pip install {' '.join(missing)} (or 'showrunner[whisper-base]')")
        return value


class Acceptance(Strict):
    duration_tolerance: float = Field(default=0.15, ge=0, le=1)
    av_sync_ms: float = Field(default=100.0, ge=0)
    max_silence_s: float = Field(default=2.0, gt=0)
    silence_threshold_db: float = Field(default=-50.0, ge=-120, lt=0)
    loudness_tolerance_lu: float = Field(default=1.0, ge=0)
    caption_max_chars: int = Field(default=42, ge=10, le=200)
    caption_max_lines: int = Field(default=2, ge=1, le=5)
    caption_max_seconds: float = Field(default=7.0, gt=0.5, le=30)
    listen: Listen = Listen()


class Notify(Strict):
    """Optional JSON POSTs when an episode reaches the gate, finishes or fails (showrunner.notify)."""

    url: str | None = Field(default=None, pattern=r"^https?://")
    token_env: str | None = Field(default=None, description="environment variable holding a bearer token")
    timeout_s: float = Field(default=5.0, gt=0)
    max_attempts: int = Field(default=3, ge=1, le=10)
    backoff_s: float = Field(default=0.5, ge=0)
    flush_s: float = Field(default=10.0, ge=0, description="how long a finished run waits for unsent ones")


Output = Literal["video", "podcast"]
OUTPUTS: tuple[Output, ...] = ("video", "podcast")


class EpisodeSpec(Strict):
    title: str | None = None
    sources: list[str] = Field(default_factory=list)
    topic: str | None = None
    target_minutes: float | None = Field(default=None, gt=0, le=180)
    approval: Literal["required", "auto"] | None = None
    budget_usd: float | None = Field(default=None, ge=0)
    outputs: list[Output] = Field(
        default_factory=lambda: list(OUTPUTS), min_length=1,
        description="what the episode makes: the video (final.mp4), the podcast (podcast.mp3), or both")
    overrides: dict[str, Any] = Field(default_factory=dict)
    pronunciations: Pronunciations = Field(default_factory=dict,
                                           description="this episode's terms and how to say them (over the show's)")

    _check_terms = field_validator("pronunciations")(_terms)

    @model_validator(mode="after")
    def _needs_material(self) -> EpisodeSpec:
        if not self.sources and not (self.topic and self.topic.strip()):
            raise ValueError("an episode needs 'sources' or a 'topic'")
        return self

    @field_validator("outputs")
    @classmethod
    def _outputs_once(cls, outputs: list[str]) -> list[str]:
        if len(outputs) != len(set(outputs)):
            raise ValueError(f"name each output once, got {outputs}")
        return outputs

    def wants(self, output: Output) -> bool:
        return output in self.outputs


OVERRIDABLE = ("show", "providers", "writing", "video", "audio", "acceptance")


class Config(Strict):
    show: Show
    approval: Literal["required", "auto"] = "required"
    providers: Providers = Providers()
    prices: dict[str, Price] = Field(default_factory=dict)
    cache: Cache = Cache()
    writing: Writing = Writing()
    video: Video = Video()
    audio: Audio = Audio()
    acceptance: Acceptance = Acceptance()
    notify: Notify = Notify()
    pronunciations: Pronunciations = Field(default_factory=dict,
                                           description="terms and how to say them, for every episode's voices")
    episodes: dict[str, EpisodeSpec] = Field(min_length=1)
    # each episode's merged settings, made once: planning 100 episodes asks for them thousands of times
    _episodes: dict[str, Episode] = PrivateAttr(default_factory=dict)

    _check_terms = field_validator("pronunciations")(_terms)

    @field_validator("episodes")
    @classmethod
    def _safe_slugs(cls, episodes: dict[str, EpisodeSpec]) -> dict[str, EpisodeSpec]:
        for slug in episodes:
            check_slug(slug)
        return episodes

    @model_validator(mode="after")
    def _overrides_are_known(self) -> Config:
        for slug, spec in self.episodes.items():
            unknown = set(spec.overrides) - set(OVERRIDABLE)
            if unknown:
                raise ValueError(
                    f"episodes.{slug}.overrides: unknown section(s) {sorted(unknown)}; "
                    f"allowed: {list(OVERRIDABLE)}"
                )
            self.episode(slug)  # validates the merged settings now, not in a job later
        return self

    def episode(self, slug: str) -> Episode:
        if slug in self._episodes:
            return self._episodes[slug]
        if slug not in self.episodes:
            raise ConfigError(f"config: no episode '{slug}' in 'episodes' (have: {', '.join(self.episodes)})")
        self._episodes[slug] = self._merged(slug)
        return self._episodes[slug]

    def _merged(self, slug: str) -> Episode:
        spec = self.episodes[slug]
        base = self.model_dump(include=set(OVERRIDABLE))
        merged = _deep_merge(base, spec.overrides)
        sections = {}
        for name in OVERRIDABLE:
            try:
                sections[name] = type(getattr(self, name)).model_validate(merged[name])
            except ValidationError as err:
                raise ConfigError(format_validation_error(err, _ORIGINS.get(),
                                                          prefix=("episodes", slug, "overrides", name))) from None
        return Episode(
            slug=slug,
            spec=spec,
            approval=spec.approval or self.approval,
            target_minutes=spec.target_minutes or sections["writing"].target_minutes,
            cache=self.cache,
            prices=self.prices,
            pronunciations={**self.pronunciations, **spec.pronunciations},
            **sections,
        )


class Episode(Strict):
    """Everything one episode's stages read: the show-wide sections with its overrides applied."""

    slug: str
    spec: EpisodeSpec
    approval: Literal["required", "auto"]
    target_minutes: float
    show: Show
    providers: Providers
    writing: Writing
    video: Video
    audio: Audio
    acceptance: Acceptance
    cache: Cache
    prices: dict[str, Price]
    pronunciations: dict[str, Pronunciation] = Field(default_factory=dict,
                                                     description="the show's entries, then the episode's")

    @property
    def title(self) -> str:
        return self.spec.title or self.spec.topic or self.slug

    @property
    def target_words(self) -> int:
        return round(self.target_minutes * self.writing.words_per_minute)


def check_slug(slug: str) -> str:
    if not isinstance(slug, str) or not re.fullmatch(SLUG_PATTERN, slug):
        raise ValueError(
            f"episode slug {slug!r} is not allowed: use lowercase letters, digits, '-' and '_' "
            "(no path separators, no '..', at most 64 characters)"
        )
    if slug in RESERVED_SLUGS:
        raise ValueError(f"episode slug {slug!r} is reserved (results/{slug}/ holds show-wide files)")
    return slug


def _deep_merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def dotted(path: tuple) -> str:
    """("show", "hosts", 0, "voice") -> "show.hosts[0].voice"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def format_validation_error(err: ValidationError, origins: Any = None, prefix: tuple = ()) -> str:
    """One line per problem: `<file>[:line]: <key.path>: <message>`, naming the file that holds the value.

    `origins` is a config_files.Origins (or a file name); the input value is never repeated.
    """
    lines = []
    for problem in err.errors():
        loc = (*prefix, *problem["loc"])
        path = dotted(loc)
        where = origins.where(loc) if hasattr(origins, "where") else (origins or "config.yaml")
        message = str(problem["msg"]).removeprefix("Value error, ")  # pydantic's prefix for our own checks
        lines.append(f"{where}: {path or '(top level)'}: {message}")
    return "\n".join(lines)


# The origins of the config being loaded, for messages about episodes' merged overrides.
_ORIGINS: ContextVar[Any] = ContextVar("config_origins", default="config.yaml")


def load_config(raw: dict, origins: Any = "config.yaml") -> Config:
    """Validate the raw config dict; raise ConfigError naming the file (and line) of every bad key path.

    `origins`: a config_files.Origins saying which file holds each value, or the one file's name.
    """
    token = _ORIGINS.set(origins)
    try:
        return Config.model_validate(raw)
    except ValidationError as err:
        raise ConfigError(format_validation_error(err, origins)) from None
    finally:
        _ORIGINS.reset(token)


def resolve_path(path: str, root: Path) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else root / p
