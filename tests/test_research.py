"""The brief and research stages with the offline provider."""

from __future__ import annotations

import hashlib
import inspect
import json
from pathlib import Path

import pytest

from showrunner.artifacts import Brief, Research
from showrunner.errors import ConfigError
from showrunner.files import read_model, sha256_text
from showrunner.providers.language import extractive
from showrunner.writing.critique import build_critique
from showrunner.writing.feedback import Feedback
from showrunner.writing.outline import build_outline
from showrunner.writing.research import build_research
from showrunner.writing.script_writer import ScriptWriter
from showrunner.writing.sentences import Candidate, score_candidates, split_sentences
from showrunner.writing.storyboard import build_storyboard
from tests.conftest import writing_config


def test_brief_reads_sources_hosts_and_other_episodes(writing_project):
    project = writing_project()
    memory = project.root / "results" / "show" / "episodes"
    memory.mkdir(parents=True)
    (memory / "ep0.json").write_text(json.dumps({"slug": "ep0", "title": "Hashing", "concepts": ["content hashes",
                                                                                                "SHA-256"]}))
    (memory / "ep1.json").write_text(json.dumps({"slug": "ep1", "title": "Itself", "concepts": ["own concept"]}))
    (memory / "broken.json").write_text("{not json")
    project.run("brief")
    brief = read_model(project.path("brief.json"), Brief)
    assert brief.slug == "ep1" and brief.show_name == "Plain Circuits"
    assert [h.id for h in brief.hosts] == ["ada", "ben"]
    assert brief.target_minutes == 2 and brief.target_words == 300
    assert [s.path for s in brief.sources] == ["sources/ep1/build-caches.md"]
    assert brief.sources[0].blocks[0].kind == "heading"
    assert [(c.episode, c.concept) for c in brief.covered_elsewhere] == [("ep0", "content hashes"), ("ep0", "SHA-256")]
    provenance = json.loads(project.path("brief.provenance.json").read_text())
    assert provenance["stage"] == "brief"
    assert str(memory / "ep0.json") in provenance["show_memory"]


def test_research_facts_are_located_scored_sentences(writing_project):
    project = writing_project()
    project.run_until("research")
    research = read_model(project.path("research.json"), Research)
    facts = {f.text: f for f in research.facts}
    make = facts["Make, written in 1976, compares modification times."]
    assert make.section == "How a build cache decides what to rebuild > Timestamps: the oldest rule"
    assert make.source == "sources/ep1/build-caches.md"
    assert make.location == "line 10"
    assert make.sourced
    # list items and the sentences around them are facts too
    assert "Clocks on different machines disagree, so a file made on a build server can look older than its " \
           "input." in facts
    # the table is shown on screen (a code sample of language "table"), never read out as facts
    tables = [c for c in research.code_samples if c.language == "table"]
    assert len(tables) == 1 and tables[0].code.splitlines()[0].startswith("Part of the key")
    assert not any("|" in f.text or "cc -O2" in f.text for f in research.facts)
    assert not any("|" in f.text for f in research.facts)
    # code becomes a code sample, not facts
    assert len(research.code_samples) == 2  # the code and the table
    sample = research.code_samples[0]
    assert sample.language == "python" and sample.code.startswith("def needs_rebuild")
    assert sample.section.endswith("Content hashes: asking what changed") and sample.location == "line 32"
    assert not any("def needs_rebuild" in f.text for f in research.facts)
    # ids in document order, scores normalised to the best fact
    assert [f.id for f in research.facts] == [f"f{i}" for i in range(1, len(research.facts) + 1)]
    assert max(f.score for f in research.facts) == 1.0
    assert all(0 <= f.score <= 1 for f in research.facts)
    # a section's topic sentence outranks the throwaway sentence that leans on a list
    assert make.score > facts["The last one is the dangerous case."].score


def test_research_is_a_recorded_cached_model_call(writing_project):
    project = writing_project()
    project.run("brief")
    project.run("research")
    first = json.loads(project.path("research.provenance.json").read_text())
    assert first["provider"] == "extractive" and first["model"] == "extractive"
    assert [(c["provider"], c["cached"]) for c in first["calls"]] == [("extractive", False)]
    prompt = project.path("research.prompt.md").read_text()
    assert first["prompt_sha256"] == {"research": sha256_text(prompt)}
    assert "Make, written in 1976, compares modification times." in prompt  # the sources are in the prompt
    before = project.path("research.json").read_bytes()
    project.run("research")
    second = json.loads(project.path("research.provenance.json").read_text())
    assert [c["cached"] for c in second["calls"]] == [True]
    assert second["calls"][0]["request_sha256"] == first["calls"][0]["request_sha256"]
    assert project.path("research.json").read_bytes() == before


def test_the_cache_version_covers_every_module_the_offline_provider_writes_with():
    # a change to the provider or to any module doing its work must refuse the cached answers
    writing = Path(extractive.__file__).resolve().parents[2] / "writing"
    files = [Path(extractive.__file__), *sorted(writing.glob("*.py")), writing.parent / "cleaning.py"]
    assert extractive.VERSION == hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()
    for work in (build_research, Feedback, build_outline, ScriptWriter, build_critique, build_storyboard):
        assert Path(inspect.getsourcefile(work)).resolve().parent == writing


def test_topic_only_episode_needs_a_real_model(writing_project):
    project = writing_project(writing_config(topic="Why the sky is blue"))
    project.run("brief")
    brief = read_model(project.path("brief.json"), Brief)
    assert brief.sources == [] and brief.topic == "Why the sky is blue"
    with pytest.raises(ConfigError) as caught:
        project.run("research")
    message = str(caught.value)
    assert "the extractive provider needs sources" in message
    assert "name: openai" in message and "http://localhost:11434/v1" in message
    assert not project.path("research.json").exists()


def test_sentence_splitting_keeps_abbreviations_and_decimals():
    text = 'Use a tool, e.g. Make. Version 12.2 is out! "Why?" she asked. See Fig. 3 for more.'
    assert split_sentences(text) == ["Use a tool, e.g. Make.", "Version 12.2 is out!", '"Why?" she asked.',
                                     "See Fig. 3 for more."]


def test_salience_prefers_sentences_on_the_documents_subject():
    texts = [
        "Caches store outputs so that builds can reuse outputs.",
        "A cache key names the outputs a build may reuse.",
        "Reusing outputs from a cache makes builds fast.",
        "The weather was nice that day.",
    ]
    candidates = [Candidate(text=t, section="S", heading="Caches", source="s.md", location="line 1",
                            sentence_in_block=i, block_in_section=1) for i, t in enumerate(texts)]
    score_candidates(candidates, "Build caches")
    scores = [c.score for c in candidates]
    assert max(scores) == 1.0
    assert scores[3] < min(scores[:3]) / 2
