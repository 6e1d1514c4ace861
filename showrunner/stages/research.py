"""Research: the facts (and code samples) the episode can draw on, from the language provider."""

from __future__ import annotations

import logging

from showrunner.artifacts import Brief
from showrunner.files import read_model, write_json, write_text
from showrunner.prompts import render
from showrunner.provenance import write_provenance
from showrunner.providers.language.tasks import RESEARCH
from showrunner.stage_job import StageJob
from showrunner.stages.language import LANGUAGE_READS, language_provider, prompt_context, provider_fields

# The settings it reads: its rule's params (showrunner/reads.py)
READS = LANGUAGE_READS

log = logging.getLogger(__name__)


def run(job: StageJob) -> None:
    brief = read_model(job.input["brief"], Brief)
    prompt = render(job.input["prompt"], **prompt_context(job, brief=brief))
    provider, calls = language_provider(job)
    research = provider.write(RESEARCH, prompt, brief=brief)
    write_text(job.output["prompt"], prompt)
    write_json(job.output["research"], research)
    log.info("research: %d facts, %d code samples", len(research.facts), len(research.code_samples))
    write_provenance(job, job.output["provenance"], **provider_fields(job, provider), prompts={"research": prompt},
                     calls=calls.records)
