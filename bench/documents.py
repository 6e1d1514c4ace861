"""Do real documents read right? (`make bench-documents`)

Builds every document of the corpus in tests/corpus/ (a README with badges, HTML blocks, emoji,
a table of contents, tables, long code and a terminal diagram; a web page with navigation, a
cookie banner, a footer and two h1s; a PDF printed with running headers, footers and page
numbers) as an episode, in a temporary copy of the workflow, with real Snakemake, espeak-ng and
ffmpeg at a small size, and prints per document:

- what the sources dropped, by reason (brief.json);
- segments with a read-aloud defect, by the rules in showrunner/writing/read_aloud.py (markup,
  symbol, url, glued, slash-as-of, split-word, raw-command, dangling-end, dangling-start, badge,
  furniture, fragment, repeated), and every defect found;
- main points covered (tests/corpus/__init__.py lists each document's), and the ones missed;
- the scene critic's score (scene_critic.json) and its reasons;
- the episode's duration against the agreed length (outline.json), and acceptance.

Target: zero read-aloud defects and every main point covered. `--writing-only` stops at the
scene critic (seconds, not minutes).

    .venv/bin/python bench/documents.py [--writing-only] [--keep] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from showrunner.artifacts import Brief, Outline, SceneCriticReport, Script  # noqa: E402
from showrunner.files import read_json, read_model  # noqa: E402
from tests.corpus import CORPUS, install, main_points_covered, segment_defects  # noqa: E402
from tests.project import Project  # noqa: E402


def bench_config() -> dict:
    episodes = {doc.slug: {"sources": [f"sources/corpus/{doc.name}"], "target_minutes": doc.target_minutes}
                for doc in CORPUS}
    return {
        "show": {"name": "Plain Circuits", "description": "Short explainers on how things work.",
                 "hosts": [{"id": "ada", "name": "Ada", "persona": "curious host who asks the questions",
                            "voice": "en-us+f3"},
                           {"id": "ben", "name": "Ben", "persona": "engineer who explains", "voice": "en-gb+m3"}]},
        "approval": "auto",
        "video": {"height": 144, "fps": 10, "preset": "ultrafast"},
        "audio": {"sample_rate": 24000, "music": {"intro_seconds": 1, "outro_seconds": 1}},
        "episodes": episodes,
    }


def targets(writing_only: bool) -> list[str]:
    names = ["scene_critic.json"] if writing_only else \
        ["scene_critic.json", "final.mp4", "podcast.mp3", "acceptance.json", "accepted.flag"]
    return [f"results/{doc.slug}/{name}" for doc in CORPUS for name in names]


def duration(path: Path) -> float | None:
    if not path.is_file():
        return None
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True)
    try:
        return float(out.stdout.strip())
    except ValueError:
        return None


def measure(project: Project, doc) -> dict:
    results = project.path("results", doc.slug)
    brief = read_model(results / "brief.json", Brief)
    outline = read_model(results / "outline.json", Outline)
    script = read_model(results / "script.json", Script)
    review = read_model(results / "scene_critic.json", SceneCriticReport)
    dropped = [d for source in brief.sources for d in source.dropped]
    defects = segment_defects(script, dropped)
    covered = main_points_covered(script, doc.main_points)
    agreed = outline.length.agreed_minutes if outline.length else brief.target_minutes
    acceptance = read_json(results / "acceptance.json") if (results / "acceptance.json").is_file() else None
    return {
        "document": doc.name,
        "sections": [s.title for s in outline.sections],
        "dropped": dict(Counter(d.reason.split(" (")[0] for d in dropped)),
        "segments": len(script.segments),
        "defective_segments": len(defects),
        "defects": defects,
        "main_points": len(covered),
        "main_points_covered": sum(1 for _, ok in covered if ok),
        "missed": [p for p, ok in covered if not ok],
        "critic_score": review.score,
        "critic_passed": review.passed,
        "critic_reasons": review.reasons,
        "target_minutes": brief.target_minutes,
        "agreed_minutes": agreed,
        "length_note": outline.length.note if outline.length else "",
        "duration_s": duration(results / "final.mp4"),
        "acceptance": None if acceptance is None else acceptance["passed"],
        "acceptance_failed": [] if acceptance is None else [c["name"] for c in acceptance["checks"]
                                                            if not c["passed"] and c["hard"]],
    }


def show(row: dict) -> None:
    print(f"\n== {row['document']}")
    print(f"   sections: {' | '.join(row['sections'])}")
    print(f"   dropped: {', '.join(f'{k} x{v}' for k, v in sorted(row['dropped'].items())) or 'nothing'}")
    print(f"   read-aloud defects: {row['defective_segments']} of {row['segments']} segments")
    for seg, found in row["defects"].items():
        for d in found:
            print(f"      {seg}: {d}")
    print(f"   main points covered: {row['main_points_covered']} of {row['main_points']}"
          + (f"  (missed: {'; '.join(row['missed'])})" if row["missed"] else ""))
    print(f"   scene critic: {row['critic_score']} ({'passed' if row['critic_passed'] else 'FAILED'})")
    for reason in row["critic_reasons"][:5]:
        print(f"      {reason}")
    agreed = f"agreed {row['agreed_minutes']:g} min of {row['target_minutes']:g} asked"
    if row["duration_s"] is not None:
        ratio = row["duration_s"] / (row["agreed_minutes"] * 60)
        print(f"   duration: {row['duration_s']:.1f} s, {ratio:.2f}x the {agreed}")
    else:
        print(f"   length: {agreed}")
    if row["length_note"]:
        print(f"      {row['length_note']}")
    if row["acceptance"] is not None:
        print(f"   acceptance: {'PASSED' if row['acceptance'] else 'FAILED ' + ', '.join(row['acceptance_failed'])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writing-only", action="store_true", help="stop at the scene critic")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project and print where")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args()
    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="showrunner-documents-")
    root = Path(tempfile.mkdtemp(prefix="showrunner-documents-") if tmp is None else tmp.name)
    project = Project(root, bench_config(), sources={})
    install(root)
    run = project.snakemake("--keep-going", *targets(args.writing_only), check=False)
    rows = []
    for doc in CORPUS:
        try:
            rows.append(measure(project, doc))
        except (OSError, ValueError) as err:
            print(f"\n== {doc.name}: not built ({err})\n{run.stderr[-3000:]}")
            return 1
    for row in rows:
        show(row)
    defects = sum(r["defective_segments"] for r in rows)
    missed = sum(r["main_points"] - r["main_points_covered"] for r in rows)
    accepted = [r["acceptance"] for r in rows if r["acceptance"] is not None]
    print(f"\nTOTAL: {defects} segments with a read-aloud defect (target 0), {missed} main points missed "
          f"(target 0)" + (f", acceptance passed {sum(accepted)} of {len(accepted)}" if accepted else ""))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    if args.keep:
        print(f"kept: {root}")
    return 0 if defects == 0 and missed == 0 and all(accepted) else 1


if __name__ == "__main__":
    sys.exit(main())
