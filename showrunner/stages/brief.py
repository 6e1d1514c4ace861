"""The brief: the sources read into structured blocks, the show blueprint, the hosts, the target
length, and what other episodes of the show already covered (results/show/episodes/*.json).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from showrunner.artifacts import Brief, BriefHost, CoveredConcept
from showrunner.files import is_temporary, write_json
from showrunner.provenance import write_provenance
from showrunner.sources import read_sources
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("spec.title", "spec.topic", "show.name", "show.description", "show.audience", "show.tone",
         "show.language", "show.hosts", "target_minutes", "writing.words_per_minute")

log = logging.getLogger(__name__)


def covered_elsewhere(memory_dir: Path, own_slug: str) -> tuple[list[CoveredConcept], list[str]]:
    """Concepts other episodes covered, from their show-memory files; (concepts, files read).

    Each file is {"slug": str, "title": str, "concepts": [str, ...]}. A file that cannot be read
    is skipped with a warning: memory of other episodes must not stop this one.
    """
    concepts: list[CoveredConcept] = []
    used: list[str] = []
    if not memory_dir.is_dir():
        return concepts, used
    for path in sorted(memory_dir.glob("*.json")):
        if is_temporary(path):  # a file being written (or left by a killed job), never memory
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            slug = str(data.get("slug") or path.stem)
            items = data.get("concepts") or []
            if not isinstance(items, list):
                raise ValueError("'concepts' is not a list")
        except (OSError, ValueError, AttributeError) as err:
            log.warning("%s: skipped, not a show-memory file (%s)", path, err)
            continue
        if slug == own_slug or path.stem == own_slug:
            continue
        seen = set()
        for concept in items:
            text = " ".join(str(concept).split())
            if text and text.lower() not in seen:
                seen.add(text.lower())
                concepts.append(CoveredConcept(episode=slug, concept=text))
        used.append(str(path))
    return concepts, used


def run(job: StageJob) -> None:
    ep = job.episode
    paths = job.input.get("sources", [])
    paths = paths if isinstance(paths, list) else [paths]
    sources = read_sources([Path(p) for p in paths], job.root)
    covered, memory_files = covered_elsewhere(job.root / "results" / "show" / "episodes", ep.slug)
    show = ep.show
    brief = Brief(
        slug=ep.slug,
        title=ep.spec.title or ep.spec.topic or (sources[0].title if sources else ep.slug),
        topic=ep.spec.topic,
        show_name=show.name,
        show_description=show.description,
        audience=show.audience,
        tone=show.tone,
        language=show.language,
        hosts=[BriefHost(id=h.id, name=h.name, persona=h.persona) for h in show.hosts],
        target_minutes=ep.target_minutes,
        target_words=ep.target_words,
        sources=sources,
        covered_elsewhere=covered,
    )
    write_json(job.output["brief"], brief)
    log.info("brief: %d source(s), %d block(s), %d concept(s) covered elsewhere", len(sources),
             sum(len(s.blocks) for s in sources), len(covered))
    write_provenance(job, job.output["provenance"],
                     parameters={"target_minutes": ep.target_minutes, "target_words": ep.target_words},
                     extra={"show_memory": memory_files})
