"""What a host says, on real documents, in seconds: the offline writer run in-process (research,
outline, script with its critic loop and the script stage's repair) on every document of a corpus
index, and the read-aloud problems left (showrunner/writing/narration_check.py: every rule of
read_aloud.py, the author's first person copied from a source, code described twice, plus
furniture), by class, with the main points said; seen and unseen documents apart.

    .venv/bin/python bench/narration.py tests/corpus/real/corpus.yaml [--show FILE] [--no-notes]

The index is the readers' corpus.yaml: documents with file, unseen, main_points and optionally
target_minutes (2 by default). `--no-notes` counts "in the show notes" as a defect (as before
episodes had show notes). bench/documents.py builds whole episodes with Snakemake instead.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from showrunner.artifacts import Brief, BriefHost  # noqa: E402
from showrunner.sources import read_sources  # noqa: E402
from showrunner.writing import narration_check, read_aloud  # noqa: E402
from showrunner.writing.critique import build_critique  # noqa: E402
from showrunner.writing.outline import build_outline  # noqa: E402
from showrunner.writing.research import build_research  # noqa: E402
from showrunner.writing.script_writer import ScriptWriter  # noqa: E402
from tests.corpus import main_points_covered  # noqa: E402

WPM, MAX_WORDS, THRESHOLD, DRAFTS = 150, 28, 80, 3


def write(path: Path, minutes: float):
    sources = read_sources([path], path.parent)
    hosts = [BriefHost(id="ada", name="Ada", persona="curious host who asks the questions"),
             BriefHost(id="ben", name="Ben", persona="engineer who explains")]
    brief = Brief(slug="bench", title=sources[0].title, show_name="Plain Circuits",
                  show_description="Short explainers on how things work.", hosts=hosts, target_minutes=minutes,
                  target_words=round(minutes * WPM), sources=sources)
    research = build_research(brief)
    outline = build_outline(brief, research, [])
    writer = ScriptWriter(brief, outline, research, WPM, MAX_WORDS)
    script = narration_check.repair(writer.write(), research)
    for _ in range(DRAFTS - 1):  # the script stage's loop, with the measured critic
        critique = build_critique(brief, outline, script, WPM, MAX_WORDS)
        if critique.score >= THRESHOLD:
            break
        revised = narration_check.repair(writer.write(script, critique), research)
        if revised == script:
            break
        script = revised
    return brief, research, outline, script


def measure(path: Path, minutes: float, points: list[str], notes: bool) -> dict:
    brief, research, outline, script = write(path, minutes)
    rules: dict[str, set[str]] = {}
    for problem in narration_check.problems(script, research, notes=notes):
        rules.setdefault(problem.segment, set()).add(problem.rule)
    dropped = [d for s in brief.sources for d in s.dropped]
    kept = brief.title + " " + " ".join(b.text for s in brief.sources for b in s.blocks)
    for segment in script.segments:
        if read_aloud.furniture_defects(segment.text, dropped, kept):
            rules.setdefault(segment.id, set()).add("furniture")
    headings = [s.title for s in outline.sections] + [h.name for h in brief.hosts]
    missed = [p for p, ok in main_points_covered(script, points, headings) if not ok]
    return {"segments": len(script.segments), "defective": len(rules),
            "classes": Counter(r for found in rules.values() for r in found), "points": len(points),
            "missed": missed, "script": script, "rules": rules, "sections": [s.title for s in outline.sections]}


def main() -> int:
    import yaml

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("index", type=Path, help="corpus.yaml")
    parser.add_argument("--show", help="print this document's script with its problems")
    parser.add_argument("--no-notes", action="store_true", help="episodes have no show notes to point to")
    args = parser.parse_args()
    documents = yaml.safe_load(args.index.read_text(encoding="utf-8"))["documents"]
    totals = {False: [0, 0, 0, 0, Counter()], True: [0, 0, 0, 0, Counter()]}
    for doc in documents:
        row = measure(args.index.parent / doc["file"], float(doc.get("target_minutes", 2.0)),
                      list(doc.get("main_points", [])), notes=not args.no_notes)
        unseen = bool(doc.get("unseen"))
        print(f"{doc['file']}{' (unseen)' if unseen else ''}: {row['defective']} of {row['segments']} segments "
              f"defective {dict(sorted(row['classes'].items()))}; main points {row['points'] - len(row['missed'])} "
              f"of {row['points']}" + (f" (missed: {'; '.join(row['missed'])})" if row["missed"] else ""))
        if args.show == doc["file"]:
            print("   sections: " + " | ".join(row["sections"]))
            for segment in row["script"].segments:
                marks = ", ".join(sorted(row["rules"].get(segment.id, ())))
                print(f"   [{segment.id} {segment.section_id}] {segment.text}" + (f"   <- {marks}" if marks else ""))
        total = totals[unseen]
        total[0] += row["segments"]
        total[1] += row["defective"]
        total[2] += row["points"]
        total[3] += len(row["missed"])
        total[4].update(row["classes"])
    for unseen, (segments, defective, points, missed, classes) in totals.items():
        print(f"{'UNSEEN' if unseen else 'SEEN'}: {defective} of {segments} segments defective "
              f"({100 * defective / max(1, segments):.1f}%), main points {points - missed} of {points}; "
              f"by class {dict(sorted(classes.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
