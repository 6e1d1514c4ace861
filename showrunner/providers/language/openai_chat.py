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
reply may refer to. A reply that is not JSON, or fails the schema or the rules in `replies`,
is asked again with the bad reply and the error appended to the conversation, up to
`max_reasks` times; then the stage fails with ProviderError, the reply and the error in its log.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from showrunner.artifacts import Brief, Critique, Outline, Research, Scene, SceneCritique, Script
from showrunner.errors import ConfigError, ProviderError
from showrunner.providers.base import LanguageModel
from showrunner.providers.calls import CallResult, RejectedReply, Usage
from showrunner.providers.language.replies import (
    CritiqueReply,
    OutlineReply,
    ResearchReply,
    SceneCritiqueReply,
    ScriptReply,
    StoryboardReply,
    parse_reply,
    reply_schema,
    to_critique,
    to_outline,
    to_research,
    to_scene_critique,
    to_scenes,
    to_script,
)
from showrunner.providers.openai_client import endpoint, model_needed, openai_client, require_model
from showrunner.secrets import redact

log = logging.getLogger(__name__)

VERSION = "openai-chat-1"  # the answer depends only on the request; bump to refuse every cached reply
RESPONSE_FORMATS = ("json_schema", "json_object", "none")
OUTPUT_TOKENS_GUESS = 2048  # for the budget estimate when max_tokens is not set
PREVIEW_WORDS = 14

T = TypeVar("T")

REASK = ("Your reply could not be used:\n{error}\n\nReply again with the corrected JSON object only, "
         "following the schema.")


class OpenAILanguage(LanguageModel):
    @classmethod
    def check_settings(cls, settings, root):
        problems = model_needed(settings, "gpt-4o-mini (OpenAI) or llama3.1 (Ollama)")
        if settings.options.get("response_format", "json_schema") not in RESPONSE_FORMATS:
            problems.append(("options.response_format", f"must be one of {', '.join(RESPONSE_FORMATS)}"))
        return problems

    def __init__(self, settings, calls, episode):
        super().__init__(settings, calls, episode)
        require_model(settings, "language", "gpt-4o-mini (OpenAI) or llama3.1 (Ollama)")
        self.response_format = settings.options.get("response_format", "json_schema")
        if self.response_format not in RESPONSE_FORMATS:
            raise ConfigError(f"config.yaml: providers.language.options.response_format: "
                              f"'{self.response_format}' is not one of {', '.join(RESPONSE_FORMATS)}")
        self.token_limit_param = settings.options.get("token_limit_param", "max_tokens")
        self._client = None

    # --- the tasks ------------------------------------------------------------------------
    def research(self, brief: Brief, prompt: str) -> Research:
        notes = ["Each fact: one self-contained statement, with the section it belongs to."]
        if brief.sources:
            notes.append("Take facts from the sources in the prompt only. Set 'source' to the path of the source "
                         "a fact comes from (one of: " + ", ".join(d.path for d in brief.sources) + ") and "
                         "'location' to where in it.")
        else:
            notes.append("There are no source documents: give facts you are confident of, about the topic "
                         f"'{brief.topic or brief.title}', with 'source' null.")
        return self._ask("gather the facts for an episode", ResearchReply, prompt, notes,
                         lambda reply: to_research(brief, reply))

    def outline(self, brief: Brief, research: Research, feedback: list[str], prompt: str) -> Outline:
        notes = ["'fact_ids' name the research facts a section uses (f1, f2, ...)."]
        if not _all_named(prompt, [f.id for f in research.facts]):  # a template that leaves the ids out
            notes += ["The facts, by id:", *(f"  {f.id}: {_preview(f.text)}" for f in research.facts)]
        if feedback:
            notes.append("A reviewer asked for changes; the outline must answer them: " + " | ".join(feedback))
        return self._ask("outline an episode", OutlineReply, prompt, notes,
                         lambda reply: to_outline(brief, research, feedback, reply),
                         ids={"fact_ids": [f.id for f in research.facts]})

    def write_script(self, brief: Brief, outline: Outline, research: Research, prompt: str,
                     previous: Script | None = None, critique: Critique | None = None) -> Script:
        notes = ["'speaker' is a host id: " + ", ".join(f"{h.id} ({h.name})" for h in brief.hosts) + ".",
                 "'section_id' is the outline section the segment belongs to: "
                 + ", ".join(f"{s.id} ({s.title})" for s in outline.sections) + ".",
                 "Each segment is one host's turn: plain speakable sentences, no markdown, no URLs, no stage "
                 "directions."]
        task = "write the script of an episode"
        if previous is not None:
            task = "revise the script of an episode so that it answers the critique"
            if critique is not None and critique.reasons:
                notes.append("The critique to answer: " + " | ".join(critique.reasons))
        return self._ask(task, ScriptReply, prompt, notes, lambda reply: to_script(brief, outline, reply),
                         ids={"speaker": [h.id for h in brief.hosts], "section_id": [s.id for s in outline.sections]})

    def critique(self, brief: Brief, outline: Outline, script: Script, prompt: str) -> Critique:
        notes = ["'score' is 0-100: how ready the script is to record; 'reasons' say what to improve."]
        return self._ask("critique the script of an episode", CritiqueReply, prompt, notes, to_critique)

    def storyboard(self, brief: Brief, outline: Outline, research: Research, script: Script,
                   prompt: str) -> list[Scene]:
        notes = ["Divide the script into scenes, one slide each. 'segment_ids' name the segments a scene "
                 "narrates: together the scenes narrate every segment exactly once, in order."]
        if not _all_named(prompt, [s.id for s in script.segments]):
            notes += ["The segments:", *(f"  {s.id} [{s.section_id}, {s.speaker}]: {_preview(s.text)}"
                                         for s in script.segments)]
        wpm = self.episode.writing.words_per_minute
        return self._ask("storyboard an episode", StoryboardReply, prompt, notes,
                         lambda reply: to_scenes(script, reply, wpm),
                         ids={"segment_ids": [s.id for s in script.segments]})

    def review_scenes(self, brief: Brief, outline: Outline, scenes: list[Scene], prompt: str,
                      measured: SceneCritique) -> SceneCritique:
        notes = [f"'scenes' has one entry per scene, 'index' 1 to {len(scenes)}; 'score' is 0-100 for how well "
                 "the scene works (picture and narration agree, length, how it reads aloud); 'reasons' say what "
                 "to fix. The top-level 'score' and 'reasons' judge the scenes together."]
        return self._ask("review the scenes of an episode's storyboard", SceneCritiqueReply, prompt, notes,
                         lambda reply: to_scene_critique(reply, len(scenes)),
                         ids={"index": list(range(1, len(scenes) + 1))})

    # --- asking, and asking again ---------------------------------------------------------
    def _ask(self, task: str, reply_model: type[BaseModel], prompt: str, notes: list[str],
             convert: Callable[[Any], T], ids: dict[str, list[Any]] | None = None) -> T:
        schema_name = _schema_name(reply_model)
        schema = reply_schema(reply_model, ids)
        messages = [{"role": "system", "content": self._system(task, schema, notes)},
                    {"role": "user", "content": prompt}]

        def accept(body: bytes) -> T:
            return convert(parse_reply(body, reply_model))

        rounds = self.settings.max_reasks + 1
        for attempt in range(1, rounds + 1):
            request = self._request(messages, reply_model, schema)
            try:
                result = self.calls.call(kind="language", provider=self.settings.name, model=self.model,
                                         version=VERSION, request=request,
                                         perform=functools.partial(self._chat, request),
                                         estimate=self._estimate(request), accept=accept, settings=self.settings)
            except RejectedReply as rejected:
                reply = rejected.body.decode("utf-8", errors="replace")
                log.warning("%s reply %d of %d rejected: %s\n--- reply ---\n%s\n--- end of reply ---",
                            schema_name, attempt, rounds, rejected.error, redact(reply))
                if attempt == rounds:
                    raise ProviderError(
                        f"language model {self.settings.name}:{self.model} gave no usable {schema_name} after "
                        f"{rounds} attempt(s) (providers.language.max_reasks = {self.settings.max_reasks}); "
                        f"last error:\n{rejected.error}\n(the replies are in this stage's log)"
                    ) from None
                messages = [*messages, {"role": "assistant", "content": reply},
                            {"role": "user", "content": REASK.format(error=rejected.error)}]
                continue
            return accept(result.body)
        raise AssertionError("unreachable")

    def _system(self, task: str, schema: dict, notes: list[str]) -> str:
        schema_text = json.dumps(schema, sort_keys=True, separators=(",", ":"))
        return "\n".join([
            f"You help make '{self.episode.show.name}', an explainer show. Your task: {task}.",
            "Follow the instructions in the user message.",
            *notes,
            "Answer with one JSON object only (no prose, no markdown fences) that matches this JSON schema:",
            schema_text,
        ])

    def _request(self, messages: list[dict[str, str]], reply_model: type[BaseModel], schema: dict) -> dict[str, Any]:
        """Everything the answer depends on, and exactly what is sent (the key is never part of it)."""
        body: dict[str, Any] = {"model": self.model, "messages": messages}
        if self.response_format == "json_schema":
            body["response_format"] = {"type": "json_schema", "json_schema": {
                "name": _schema_name(reply_model), "schema": schema, "strict": False}}
        elif self.response_format == "json_object":
            body["response_format"] = {"type": "json_object"}
        if self.settings.temperature is not None:
            body["temperature"] = self.settings.temperature
        if self.settings.seed is not None:
            body["seed"] = self.settings.seed
        if self.settings.max_tokens is not None:
            body[self.token_limit_param] = self.settings.max_tokens
        request = {"base_url": endpoint(self.settings), "body": body}
        extra = self.settings.options.get("extra_body")
        if extra:
            request["extra_body"] = extra
        return request

    def _estimate(self, request: dict[str, Any]) -> Usage:
        """For the budget, before the call: ~4 characters a token in, max_tokens out."""
        chars = sum(len(m["content"]) for m in request["body"]["messages"])
        return Usage(input_tokens=chars // 4 + 1, output_tokens=self.settings.max_tokens or OUTPUT_TOKENS_GUESS)

    def _chat(self, request: dict[str, Any]) -> CallResult:
        if self._client is None:
            self._client = openai_client(self.settings, "language")
        extra = {"extra_body": request["extra_body"]} if "extra_body" in request else {}
        response = self._client.chat.completions.create(**request["body"], **extra)
        if not response.choices:
            return CallResult(body=b"", usage=_usage(response))
        choice = response.choices[0]
        if choice.finish_reason == "length":
            log.warning("the reply was cut off at the token limit (providers.language.max_tokens)")
        content = choice.message.content or ""
        return CallResult(body=content.encode("utf-8"), usage=_usage(response))


def _usage(response: Any) -> Usage:
    usage = getattr(response, "usage", None)
    if usage is None:
        return Usage()
    return Usage(input_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
                 output_tokens=int(getattr(usage, "completion_tokens", 0) or 0))


def _schema_name(reply_model: type[BaseModel]) -> str:
    """ResearchReply -> research_reply: the name servers see in response_format."""
    name = reply_model.__name__
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def _all_named(prompt: str, ids: list[str]) -> bool:
    """Whether the rendered prompt already names every id (then the system message need not list them)."""
    return all(re.search(rf"\b{re.escape(i)}\b", prompt) for i in ids)


def _preview(text: str) -> str:
    words = text.split()
    return " ".join(words[:PREVIEW_WORDS]) + (" ..." if len(words) > PREVIEW_WORDS else "")
