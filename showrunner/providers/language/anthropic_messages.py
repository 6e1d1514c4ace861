"""Anthropic's Messages API (POST /v1/messages), over httpx.

    providers:
      language:
        name: anthropic
        model: claude-sonnet-4-5               # any Messages API model
        api_key_env: ANTHROPIC_API_KEY
        max_tokens: 4096                       # the API requires one; 4096 when unset
        temperature: 0.2
        options:
          reply_as: tool                       # the reply schema as a forced tool (default), or text: JSON in the text
          anthropic_version: "2023-06-01"

With `reply_as: tool` the task's reply schema is the `input_schema` of one tool the model must
call (`tool_choice`), and the tool call's input is the reply; with `text` the schema travels
only in the system prompt and the reply is the text. A re-ask adds the rejected reply as the
assistant's turn and the error as the user's. Retries, the cache, the budget and re-asks are
ModelCalls'; an HTTP error is raised as httpx.HTTPStatusError, so 429, 5xx and Anthropic's 529
"overloaded" are retried (honouring retry-after) and the rest fail at once.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx

from showrunner.errors import ConfigError
from showrunner.providers.base import LanguageModel
from showrunner.providers.calls import Ask, CallResult, Usage
from showrunner.providers.openai_client import choice_needed, model_needed, require_choice, require_model
from showrunner.secrets import api_key

log = logging.getLogger(__name__)

BASE_URL = "https://api.anthropic.com"
API_VERSION = "2023-06-01"
REPLY_AS = ("tool", "text")
MAX_TOKENS = 4096
MODELS = "claude-sonnet-4-5"


class AnthropicLanguage(LanguageModel):
    version = "anthropic-messages-1"

    @classmethod
    def check_settings(cls, settings, root):
        problems = model_needed(settings, MODELS) + choice_needed(settings, "reply_as", REPLY_AS)
        if not settings.api_key_env:
            problems.append(("api_key_env", "name the environment variable that holds your key, "
                                            "e.g. ANTHROPIC_API_KEY"))
        return problems

    def __init__(self, settings, calls, episode):
        super().__init__(settings, calls, episode)
        require_model(settings, "language", MODELS)
        self.reply_as = require_choice(settings, "language", "reply_as", REPLY_AS)

    @property
    def url(self) -> str:
        return (self.settings.base_url or BASE_URL).rstrip("/") + "/v1/messages"

    def parameters(self) -> dict[str, Any]:
        return {**super().parameters(), "base_url": self.url}

    def answer(self, ask: Ask) -> CallResult:
        key = api_key(self.settings.api_key_env, "language")
        if key is None:
            raise ConfigError("config.yaml: providers.language.api_key_env: name the environment variable that "
                              "holds your Anthropic key (e.g. ANTHROPIC_API_KEY)")
        body: dict[str, Any] = {"model": self.model, "max_tokens": self.settings.max_tokens or MAX_TOKENS,
                                "system": ask.system, "messages": list(ask.messages)}
        if self.reply_as == "tool":
            body["tools"] = [{"name": ask.schema_name, "description": f"Reply with the {ask.task}.",
                              "input_schema": ask.schema}]
            body["tool_choice"] = {"type": "tool", "name": ask.schema_name}
        if self.settings.temperature is not None:
            body["temperature"] = self.settings.temperature
        headers = {"x-api-key": key, "content-type": "application/json",
                   "anthropic-version": str(self.settings.options.get("anthropic_version", API_VERSION))}
        response = httpx.post(self.url, json=body, headers=headers, timeout=self.settings.timeout_s)
        response.raise_for_status()
        message = response.json()
        if message.get("stop_reason") == "max_tokens":
            log.warning("the reply was cut off at the token limit (providers.language.max_tokens)")
        usage = message.get("usage") or {}
        return CallResult(body=_reply(message).encode("utf-8"),
                          usage=Usage(input_tokens=int(usage.get("input_tokens") or 0),
                                      output_tokens=int(usage.get("output_tokens") or 0)))


def _reply(message: dict[str, Any]) -> str:
    """The tool call's input as JSON text when the model called the tool, else its text."""
    blocks = message.get("content") or []
    for block in blocks:
        if block.get("type") == "tool_use":
            return json.dumps(block.get("input"), ensure_ascii=False)
    return "".join(block.get("text", "") for block in blocks if block.get("type") == "text")
