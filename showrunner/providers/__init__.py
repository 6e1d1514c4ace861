"""Provider registry: config names a provider by `name`; adding one is a file and a line here."""

from __future__ import annotations

import importlib

from showrunner.config import Episode, ProviderSettings
from showrunner.errors import ConfigError
from showrunner.voices import Voice

REGISTRY: dict[str, dict[str, str]] = {
    "language": {
        "extractive": "showrunner.providers.language.extractive:ExtractiveLanguage",
        "openai": "showrunner.providers.language.openai_chat:OpenAILanguage",
        "anthropic": "showrunner.providers.language.anthropic_messages:AnthropicLanguage",
    },
    "speech": {
        "espeak": "showrunner.providers.speech.espeak:EspeakSpeech",
        "hibari": "showrunner.providers.speech.hibari:HibariSpeech",
        "openai": "showrunner.providers.speech.openai_tts:OpenAISpeech",
        "edge": "showrunner.providers.speech.edge:EdgeSpeech",
        "piper": "showrunner.providers.speech.piper:PiperSpeech",
    },
    "image": {
        "slides": "showrunner.providers.image.beats_only:NoPicture",
        "openai": "showrunner.providers.image.openai_images:OpenAIImages",
        "diffusers": "showrunner.providers.image.diffusers_local:DiffusersImages",
    },
}


def provider_for(kind: str, episode: Episode, calls, settings: ProviderSettings | None = None):
    """Instantiate the provider of `kind` that this episode's config names (or `settings` name)."""
    settings = settings or getattr(episode.providers, kind)
    known = REGISTRY[kind]
    if settings.name not in known:
        raise ConfigError(
            f"config.yaml: providers.{kind}.name: unknown provider '{settings.name}' "
            f"(known: {', '.join(sorted(known))})"
        )
    module_name, class_name = known[settings.name].split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(settings, calls, episode)


def speech_settings(voice: Voice, episode: Episode) -> ProviderSettings:
    """A host voice's provider settings: providers.speech when it names that provider (or the voice
    names none), else that provider's defaults (the offline voices need no settings)."""
    configured = episode.providers.speech
    if voice.provider is None or voice.provider == configured.name:
        return configured
    return ProviderSettings(name=voice.provider)
