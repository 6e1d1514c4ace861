"""The language tasks, as data: a task is its name, its prompt template, the reply a model writes
(a pydantic schema), what the model is told besides the prompt, and how a reply becomes the artifact.

    task           prompt template              reply             artifact
    research       prompts/research.j2          ResearchReply     Research
    outline        prompts/outline.j2           OutlineReply      Outline
    script_writer  prompts/script_writer.j2     ScriptReply       Script
    script_critic  prompts/script_critic.j2     CritiqueReply     Critique
    storyboard     prompts/storyboard.j2        StoryboardReply   list[Scene]
    scene_critic   prompts/scene_critic.j2      SceneCriticReply  SceneCritique

Every provider answers the same `Ask` (`LanguageModel.answer`), and every reply, whoever wrote
it, becomes the artifact through the task's `artifact` (showrunner.providers.language.replies):
one validation per artifact. A reply that fails it is asked again (ModelCalls.ask).

A new task is an entry here, a reply model and its conversion in `replies`, a prompt template, and
the offline writer's answer in showrunner.writing.answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from showrunner.providers.language import replies as r

PREVIEW_WORDS = 14

Inputs = dict[str, Any]


@dataclass(frozen=True)
class Task:
    name: str
    reply: type[r.Reply]
    artifact: Callable[[Any, Inputs], Any]  # (the parsed reply, the inputs) -> the artifact; raises ReplyError
    about: Callable[[Inputs], str]  # the task in a phrase: "outline an episode"
    notes: Callable[[Inputs, str], list[str]] = lambda inputs, prompt: []  # what the model is told besides
    ids: Callable[[Inputs], dict[str, list[Any]]] = lambda inputs: {}  # id fields and the values they may take
    inputs: tuple[str, ...] = field(default=())  # the artifacts (and settings) the task is given

    @property
    def prompt(self) -> str:
        """The prompt template the stage renders for this task."""
        return f"prompts/{self.name}.j2"

    @property
    def schema_name(self) -> str:
        """ResearchReply -> research_reply: the name a server sees for the schema."""
        name = self.reply.__name__
        return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))

    def schema(self, inputs: Inputs) -> dict:
        return r.reply_schema(self.reply, self.ids(inputs))

    def accept(self, body: bytes | str, inputs: Inputs) -> Any:
        """The artifact of a reply: parsed, checked against the schema and the task's rules, converted."""
        return self.artifact(r.parse_reply(body, self.reply), inputs)


# --- what each task tells the model besides the prompt --------------------------------------


def _research_notes(inputs: Inputs, prompt: str) -> list[str]:
    brief = inputs["brief"]
    notes = ["Each fact: one self-contained statement, with the section it belongs to."]
    if brief.sources:
        notes.append("Take facts from the sources in the prompt only. Set 'source' to the path of the source "
                     "a fact comes from (one of: " + ", ".join(d.path for d in brief.sources) + ") and "
                     "'location' to where in it.")
    else:
        notes.append("There are no source documents: give facts you are confident of, about the topic "
                     f"'{brief.topic or brief.title}', with 'source' null.")
    return notes


def _outline_notes(inputs: Inputs, prompt: str) -> list[str]:
    research, feedback = inputs["research"], inputs["feedback"]
    notes = ["'fact_ids' name the research facts a section uses (f1, f2, ...)."]
    if not _all_named(prompt, [f.id for f in research.facts]):  # a template that leaves the ids out
        notes += ["The facts, by id:", *(f"  {f.id}: {_preview(f.text)}" for f in research.facts)]
    if feedback:
        notes.append("A reviewer asked for changes; the outline must answer them: " + " | ".join(feedback))
    return notes


def _writer_about(inputs: Inputs) -> str:
    if inputs.get("previous") is not None:
        return "revise the script of an episode so that it answers the critique"
    return "write the script of an episode"


def _writer_notes(inputs: Inputs, prompt: str) -> list[str]:
    brief, outline, critique = inputs["brief"], inputs["outline"], inputs.get("critique")
    notes = ["'speaker' is a host id: " + ", ".join(f"{h.id} ({h.name})" for h in brief.hosts) + ".",
             "'section_id' is the outline section the segment belongs to: "
             + ", ".join(f"{s.id} ({s.title})" for s in outline.sections) + ".",
             "Each segment is one host's turn: plain speakable sentences, no markdown, no URLs, no stage "
             "directions."]
    if inputs.get("previous") is not None and critique is not None and critique.reasons:
        notes.append("The critique to answer: " + " | ".join(critique.reasons))
    return notes


def _storyboard_notes(inputs: Inputs, prompt: str) -> list[str]:
    script = inputs["script"]
    notes = ["Divide the script into scenes, one slide each. 'segment_ids' name the segments a scene "
             "narrates: together the scenes narrate every segment exactly once, in order."]
    if not _all_named(prompt, [s.id for s in script.segments]):
        notes += ["The segments:", *(f"  {s.id} [{s.section_id}, {s.speaker}]: {_preview(s.text)}"
                                     for s in script.segments)]
    return notes


def _scene_critic_notes(inputs: Inputs, prompt: str) -> list[str]:
    return [f"'scenes' has one entry per scene, 'index' 1 to {len(inputs['scenes'])}; 'score' is 0-100 for how "
            "well the scene works (picture and narration agree, length, how it reads aloud); 'reasons' say what "
            "to fix. The top-level 'score' and 'reasons' judge the scenes together."]


RESEARCH = Task(
    name="research", reply=r.ResearchReply, inputs=("brief",),
    about=lambda inputs: "gather the facts for an episode", notes=_research_notes,
    artifact=lambda reply, inputs: r.to_research(inputs["brief"], reply))

OUTLINE = Task(
    name="outline", reply=r.OutlineReply, inputs=("brief", "research", "feedback"),
    about=lambda inputs: "outline an episode", notes=_outline_notes,
    ids=lambda inputs: {"fact_ids": [f.id for f in inputs["research"].facts]},
    artifact=lambda reply, inputs: r.to_outline(inputs["brief"], inputs["research"], inputs["feedback"], reply))

SCRIPT_WRITER = Task(
    name="script_writer", reply=r.ScriptReply, inputs=("brief", "outline", "research", "previous", "critique"),
    about=_writer_about, notes=_writer_notes,
    ids=lambda inputs: {"speaker": [h.id for h in inputs["brief"].hosts],
                        "section_id": [s.id for s in inputs["outline"].sections]},
    artifact=lambda reply, inputs: r.to_script(inputs["brief"], inputs["outline"], reply))

SCRIPT_CRITIC = Task(
    name="script_critic", reply=r.CritiqueReply, inputs=("brief", "outline", "script"),
    about=lambda inputs: "critique the script of an episode",
    notes=lambda inputs, prompt: ["'score' is 0-100: how ready the script is to record; 'reasons' say what to "
                                  "improve."],
    artifact=lambda reply, inputs: r.to_critique(reply))

STORYBOARD = Task(
    name="storyboard", reply=r.StoryboardReply,
    inputs=("brief", "outline", "research", "script", "words_per_minute", "style"),
    about=lambda inputs: "storyboard an episode", notes=_storyboard_notes,
    ids=lambda inputs: {"segment_ids": [s.id for s in inputs["script"].segments]},
    artifact=lambda reply, inputs: r.to_scenes(inputs["script"], reply, inputs["words_per_minute"]))

SCENE_CRITIC = Task(
    name="scene_critic", reply=r.SceneCriticReply, inputs=("brief", "outline", "scenes", "measured"),
    about=lambda inputs: "review the scenes of an episode's storyboard", notes=_scene_critic_notes,
    ids=lambda inputs: {"index": list(range(1, len(inputs["scenes"]) + 1))},
    artifact=lambda reply, inputs: r.to_scene_critique(reply, len(inputs["scenes"])))

TASKS: dict[str, Task] = {t.name: t for t in (RESEARCH, OUTLINE, SCRIPT_WRITER, SCRIPT_CRITIC, STORYBOARD,
                                              SCENE_CRITIC)}


def _all_named(prompt: str, ids: list[str]) -> bool:
    """Whether the rendered prompt already names every id (then the system message need not list them)."""
    return all(re.search(rf"\b{re.escape(i)}\b", prompt) for i in ids)


def _preview(text: str) -> str:
    words = text.split()
    return " ".join(words[:PREVIEW_WORDS]) + (" ..." if len(words) > PREVIEW_WORDS else "")
