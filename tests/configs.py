"""The one config factory for tests: `config(preset, ...)` gives a raw config dict for load_config
(or config.yaml); each preset is also a function of its own, as the tests have long called it.

    writing  the Plain Circuits show, two of three hosts, episode `ep1` from sources/ep1/build-caches.md:
             the writing stages run as StageJobs (tests/conftest.py: WritingProject)
    media    two espeak-ng hosts, a 320x180 video at 12 fps, episode `ep1` with hand-written scenes:
             the media stages run as StageJobs (tests/media_episode.py: MediaEpisode)
    small    two hosts, a 144p video, episode `tea` from sources/tea.md: real Snakemake runs
             (tests/project.py: Project)
    online   every provider of episode `ep` pointed at a fake server (tests/fake_openai.py,
             tests/fake_anthropic.py); `provider_settings` gives one provider's fast settings

Sections given as keyword arguments are merged over the preset (config._deep_merge).
"""

from __future__ import annotations

from typing import Any

from showrunner.config import _deep_merge

EP1_TITLE = "How a build cache decides what to rebuild"
MEDIA_TITLE = "How a build cache decides"
MEDIA_SHOW = "Plain Circuits"
KEY = "sk-test-SECRET-123"  # the fake OpenAI server's key, and the variable the online configs name for it
KEY_ENV = "SHOWRUNNER_TEST_API_KEY"


def config(preset: str, *args: Any, **kwargs: Any) -> dict:
    """The preset's config dict: config("writing", hosts=3), config("small", outputs=["podcast"]),
    config("media", video={...}), config("online", url, cache_dir, language={...})."""
    return PRESETS[preset](*args, **kwargs)


def writing_config(*, hosts: int = 2, target_minutes: float = 2, sources: list[str] | None = None,
                   topic: str | None = None, **sections) -> dict:
    """A config dict for load_config: the Plain Circuits show, one episode `ep1`."""
    all_hosts = [
        {"id": "ada", "name": "Ada", "persona": "curious host who asks the questions a listener would ask",
         "voice": "en-us+f3"},
        {"id": "ben", "name": "Ben", "persona": "engineer who explains with concrete examples", "voice": "en-gb+m3"},
        {"id": "cy", "name": "Cy", "persona": "historian of computing", "voice": "en-us+m1"},
    ]
    episode: dict = {"title": EP1_TITLE, "target_minutes": target_minutes}
    if sources is None and topic is None:
        sources = ["sources/ep1/build-caches.md"]
    if sources:
        episode["sources"] = sources
    if topic:
        episode["topic"] = topic
    raw = {
        "show": {"name": "Plain Circuits",
                 "description": "Short explainers on how the software we use every day really works.",
                 "audience": "developers and curious people who like to know how things work",
                 "tone": "warm, precise, never breathless",
                 "hosts": all_hosts[:hosts]},
        "approval": "auto",
        "cache": {"dir": ".showrunner-cache"},
        "episodes": {"ep1": episode},
    }
    return _deep_merge(raw, sections)


def small_config(**episode) -> dict:
    """A show with two hosts and one short, small-resolution episode `tea`."""
    spec = {"title": "Why tea cools", "sources": ["sources/tea.md"], "target_minutes": 0.5}
    spec.update(episode)
    return {
        "show": {
            "name": "Test Show",
            "hosts": [
                {"id": "ada", "name": "Ada", "persona": "asks questions", "voice": "en-us+f3"},
                {"id": "ben", "name": "Ben", "persona": "explains", "voice": "en-gb+m3"},
            ],
        },
        "approval": "required",
        "video": {"height": 144, "fps": 10, "preset": "ultrafast"},
        "audio": {"sample_rate": 24000, "music": {"intro_seconds": 1, "outro_seconds": 1}},
        "writing": {"critic": {"threshold": 60, "max_iterations": 2}},
        # espeak-ng, the fast test voice: the recogniser mishears about a quarter of it
        "acceptance": {"listen": {"max_word_error_rate": 0.6, "caption_tolerance_ms": 3000, "terms": "soft"}},
        "episodes": {"tea": spec},
    }


def media_config(**sections) -> dict:
    """A config dict for load_config: two hosts with distinct espeak voices, a tiny fast video."""
    raw = {
        "show": {"name": MEDIA_SHOW, "hosts": [{"id": "ada", "name": "Ada", "voice": "en-us+f3"},
                                         {"id": "ben", "name": "Ben", "voice": "en-gb+m3"}]},
        "approval": "auto",
        "cache": {"dir": ".showrunner-cache"},
        "video": {"height": 180, "fps": 12, "threads": 2},
        "audio": {"sample_rate": 24000, "music": {"intro_seconds": 1.5, "outro_seconds": 1.5}},
        # espeak-ng, the fast test voice: the recogniser mishears about a quarter of it, and times it loosely
        "acceptance": {"duration_tolerance": 0.5,
                       "listen": {"max_word_error_rate": 0.6, "caption_tolerance_ms": 3000, "terms": "soft"}},
        "episodes": {"ep1": {"title": MEDIA_TITLE, "topic": "build caches", "target_minutes": 0.4}},
    }
    return _deep_merge(raw, sections)


def provider_settings(url: str, **overrides: Any) -> dict[str, Any]:
    """Fast settings for tests: 0.5 s timeouts, 10 ms backoff."""
    return {"name": "openai", "base_url": url, "api_key_env": KEY_ENV, "timeout_s": 0.5, "backoff_s": 0.01,
            "max_attempts": 3, "breaker_failures": 5, "breaker_cooldown_s": 60, **overrides}


def raw_config(url: str, cache_dir: str, *, language: dict | None = None, speech: dict | None = None,
               image: dict | None = None, budget_usd: float | None = None, prices: dict | None = None,
               topic: str = "How caches work") -> dict[str, Any]:
    episode: dict[str, Any] = {"topic": topic, "target_minutes": 1, "approval": "auto"}
    if budget_usd is not None:
        episode["budget_usd"] = budget_usd
    return {
        "show": {"name": "Test Show", "hosts": [{"id": "ada", "name": "Ada", "voice": "alloy"},
                                                {"id": "ben", "name": "Ben", "voice": "echo"}]},
        "providers": {
            "language": provider_settings(url, **{"model": "gpt-test", "temperature": 0.2, "seed": 7,
                                                  "max_tokens": 1000, **(language or {})}),
            "speech": provider_settings(url, **{"model": "tts-test", **(speech or {})}),
            "image": provider_settings(url, **{"model": "gpt-image-1", **(image or {})}),
        },
        "prices": prices if prices is not None else {
            "openai:gpt-test": {"input_per_1m_tokens": 1000.0, "output_per_1m_tokens": 2000.0},
            "openai:tts-test": {"per_1m_characters": 15000.0},
            "openai:gpt-image-1": {"per_image": 0.04},
        },
        "cache": {"dir": cache_dir},
        "episodes": {"ep": episode},
    }


PRESETS = {"writing": writing_config, "small": small_config, "media": media_config, "online": raw_config}
