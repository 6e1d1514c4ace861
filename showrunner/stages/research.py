"""Research: the facts (and code samples) the episode can draw on, from the language provider."""

from __future__ import annotations

import logging

from showrunner.artifacts import Brief, Research
from showrunner.errors import ArtifactError
from showrunner.files import read_model, write_json, write_text
from showrunner.prompts import render
from showrunner.provenance import write_provenance
from showrunner.stage_job import StageJob
from showrunner.stages.language import LANGUAGE_READS, language_provider, prompt_context, provider_fields

# The settings it reads: its rule's params (showrunner/reads.py)
READS = LANGUAGE_READS

log = logging.getLogger(__name__)


def check_research(research: Research, where: str) -> Research:
    ids = [f.id for f in research.facts]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ArtifactError(f"{where}: facts: duplicate fact ids {', '.join(duplicates)}")
    return research


def run(job: StageJob) -> None:
    brief = read_model(job.input["brief"], Brief)
    prompt = render(job.input["prompt"], **prompt_context(job, brief=brief))
    provider, calls = language_provider(job)
    research = provider.research(brief, prompt)
    research = check_research(research.model_copy(update={"slug": job.slug}), str(job.output["research"]))
    write_text(job.output["prompt"], prompt)
    write_json(job.output["research"], research)
    log.info("research: %d facts, %d code samples", len(research.facts), len(research.code_samples))
    write_provenance(job, job.output["provenance"], **provider_fields(job, provider), prompts={"research": prompt},
                     calls=calls.records)
