"""Any OpenAI-compatible chat model: OpenAI, or a local server (Ollama, vLLM, LM Studio).

    providers:
      language:
        name: openai
        model: gpt-4o-mini                    # or llama3.1 on Ollama, ...
        base_url: http://localhost:11434/v1   # omit for api.openai.com
        api_key_env: OPENAI_API_KEY           # omit for a local server
        temperature: 0.2
        seed: 7
        max_tokens: 4096
        options:
          response_format: json_schema        # or json_object, or none, for servers without schemas
          token_limit_param: max_tokens       # max_completion_tokens for OpenAI's reasoning models

Each task sends the stage's rendered prompt as the user message, with a short system message
that gives the JSON schema of the reply (made from the task's reply model) and the ids the
reply may refer to; with response_format json_schema the server is given the schema as well.
A reply that is not JSON, or fails the schema or the task's rules, is asked again
(ModelCalls.ask) with the bad reply and the error appended to the conversation.
"""

from __future__ import annotations

import logging
from typing import Any

from showrunner.providers.base import LanguageModel
from showrunner.providers.calls import Ask, CallResult, Usage
from showrunner.providers.openai_client import (
    choice_needed,
    endpoint,
    model_needed,
    openai_client,
    require_choice,
    require_model,
)

log = logging.getLogger(__name__)

RESPONSE_FORMATS = ("json_schema", "json_object", "none")
MODELS = "gpt-4o-mini (OpenAI) or llama3.1 (Ollama)"


class OpenAILanguage(LanguageModel):
    version = "openai-chat-2"  # the answer depends only on the request; bump to refuse every cached reply

    @classmethod
    def check_settings(cls, settings, root):
        return model_needed(settings, MODELS) + choice_needed(settings, "response_format", RESPONSE_FORMATS)

    def __init__(self, settings, calls, episode):
        super().__init__(settings, calls, episode)
        require_model(settings, "language", MODELS)
        self.response_format = require_choice(settings, "language", "response_format", RESPONSE_FORMATS)
        self.token_limit_param = settings.options.get("token_limit_param", "max_tokens")
        self._client = None

    def parameters(self) -> dict[str, Any]:
        return {**super().parameters(), "base_url": endpoint(self.settings)}

    def answer(self, ask: Ask) -> CallResult:
        body: dict[str, Any] = {"model": self.model,
                                "messages": [{"role": "system", "content": ask.system}, *ask.messages]}
        if self.response_format == "json_schema":
            body["response_format"] = {"type": "json_schema", "json_schema": {
                "name": ask.schema_name, "schema": ask.schema, "strict": False}}
        elif self.response_format == "json_object":
            body["response_format"] = {"type": "json_object"}
        if self.settings.temperature is not None:
            body["temperature"] = self.settings.temperature
        if self.settings.seed is not None:
            body["seed"] = self.settings.seed
        if self.settings.max_tokens is not None:
            body[self.token_limit_param] = self.settings.max_tokens
        extra = self.settings.options.get("extra_body")
        if self._client is None:
            self._client = openai_client(self.settings, "language")
        response = self._client.chat.completions.create(**body, **({"extra_body": extra} if extra else {}))
        if not response.choices:
            return CallResult(body=b"", usage=_usage(response))
        choice = response.choices[0]
        if choice.finish_reason == "length":
            log.warning("the reply was cut off at the token limit (providers.language.max_tokens)")
        return CallResult(body=(choice.message.content or "").encode("utf-8"), usage=_usage(response))


def _usage(response: Any) -> Usage:
    usage = getattr(response, "usage", None)
    if usage is None:
        return Usage()
    return Usage(input_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
                 output_tokens=int(getattr(usage, "completion_tokens", 0) or 0))
