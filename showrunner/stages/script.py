"""The script: a writer/critic loop over the outline.

The writer drafts; the critic scores the draft 0-100 with reasons; the writer revises to answer
them, until a draft reaches writing.critic.threshold or max_iterations drafts were written.
Every draft and its critique go into script.review.json; the accepted draft (the passing one,
or else the best-scoring) becomes script.json.
"""

from __future__ import annotations

import logging

from showrunner.artifacts import Brief, Draft, Outline, Research, ScriptReview
from showrunner.files import read_model, write_json, write_text
from showrunner.prompts import render
from showrunner.provenance import write_provenance
from showrunner.providers.language.tasks import SCRIPT_CRITIC, SCRIPT_WRITER
from showrunner.stage_job import StageJob
from showrunner.stages.language import LANGUAGE_READS, language_provider, prompt_context, provider_fields
from showrunner.writing import narration_check
from showrunner.writing.length import agreed_brief

# The settings it reads: its rule's params (showrunner/reads.py)
READS = LANGUAGE_READS

log = logging.getLogger(__name__)


def accepted_index(drafts: list[Draft], threshold: int) -> int:
    """The last passing draft, or else the best-scoring one (the later on a tie)."""
    passing = [i for i, d in enumerate(drafts) if d.critique.score >= threshold]
    if passing:
        return passing[-1]
    return max(range(len(drafts)), key=lambda i: (drafts[i].critique.score, i))


def run(job: StageJob) -> None:
    brief = read_model(job.input["brief"], Brief)
    research = read_model(job.input["research"], Research)
    outline = read_model(job.input["outline"], Outline)
    brief = agreed_brief(brief, outline, job.episode.writing.words_per_minute)  # the length agreed at the outline
    critic = job.episode.writing.critic
    provider, calls = language_provider(job)

    drafts: list[Draft] = []
    prompts: dict[str, str] = {}
    previous = critique = None
    for iteration in range(1, critic.max_iterations + 1):
        context = prompt_context(job, brief=brief, research=research, outline=outline, previous=previous,
                                 critique=critique, iteration=iteration)
        writer_prompt = render(job.input["writer_prompt"], **context)
        script = provider.write(SCRIPT_WRITER, writer_prompt, brief=brief, outline=outline, research=research,
                                previous=previous, critique=critique)
        # whoever wrote it, the narration passes the same read-aloud rules (show notes hold the links)
        script = narration_check.repair(script, research)
        if previous is not None and script == previous:
            log.info("draft %d: the revision changed nothing; keeping draft %d", iteration, iteration - 1)
            break
        prompts[f"writer_{iteration}"] = writer_prompt
        critic_prompt = render(job.input["critic_prompt"],
                               **prompt_context(job, brief=brief, research=research, outline=outline, script=script,
                                                iteration=iteration))
        prompts[f"critic_{iteration}"] = critic_prompt
        critique = provider.write(SCRIPT_CRITIC, critic_prompt, brief=brief, outline=outline, script=script)
        left = narration_check.problems(script, research)
        if left:
            log.info("draft %d: %d read-aloud problem(s) left after repair", iteration, len(left))
        critique = narration_check.with_problems(critique, left, critic.threshold)
        drafts.append(Draft(iteration=iteration, script=script, critique=critique))
        log.info("draft %d: %d words, score %d%s", iteration, script.words, critique.score,
                 "".join(f"\n    - {r}" for r in critique.reasons))
        if critique.score >= critic.threshold:
            break
        previous = script

    chosen = accepted_index(drafts, critic.threshold)
    accepted = drafts[chosen]
    review = ScriptReview(threshold=critic.threshold, max_iterations=critic.max_iterations,
                          accepted_iteration=accepted.iteration,
                          passed=accepted.critique.score >= critic.threshold, drafts=drafts)
    if not review.passed:
        log.warning("no draft reached the critic's threshold %d; accepted draft %d (score %d)", critic.threshold,
                    accepted.iteration, accepted.critique.score)
    write_text(job.output["prompt"], prompts[f"writer_{accepted.iteration}"])
    write_json(job.output["review"], review)
    write_json(job.output["script"], accepted.script)
    write_provenance(job, job.output["provenance"], **provider_fields(job, provider), prompts=prompts,
                     calls=calls.records,
                     extra={"accepted_iteration": accepted.iteration, "score": accepted.critique.score,
                            "passed": review.passed, "words": accepted.script.words})
