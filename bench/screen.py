"""Does the screen tell the story? (`python bench/screen.py`)

Builds episodes in a temporary copy of the workflow with real Snakemake, espeak-ng and ffmpeg
(motion: still, the video only) and prints per episode:

- seconds per visual change: the video's scene time over the pictures shown (every beat still;
  in brackets, counting only changes of what is shown, not a host's name changing alone);
- document figures shown of those present (figure blocks in brief.json, figure beats on screen
  for at least one frame);
- the smallest text, as a fraction of the frame's height (measured from what is drawn: each
  text's font size in pixels), and the lowest text contrast (WCAG ratio of each text colour on
  what it is drawn on), both from media/NN/beats/beats.json;
- the share of frames more than two thirds empty, measured on final.mp4 sampled every second
  (showrunner/screen/measure.py: flat cells of an 18-cells-high grid).

Episodes: ep1 (sources/ep1/build-caches.md) in 16:9 dark, 9:16 paper and 1:1 light; the real
documents of tests/corpus; the real README with a figure in bench/screen_corpus.
Targets: at most 8 s per visual change on average, every figure shown, no text under 2.5%, and
no 9:16 frame mostly empty.

    .venv/bin/python bench/screen.py [--height 540] [--keep] [--sheets DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from showrunner.artifacts import Brief, Scene  # noqa: E402
from showrunner.files import read_model  # noqa: E402
from showrunner.screen import measure  # noqa: E402
from tests.corpus import CORPUS, install  # noqa: E402
from tests.project import Project  # noqa: E402

FIGURE_DOCS = {"voting-app": "sources/screen/example-voting-app/README.md"}


def episodes() -> dict[str, dict]:
    out: dict[str, dict] = {
        "ep1": {"sources": ["sources/ep1/build-caches.md"], "target_minutes": 2},
        "ep1-tall": {"sources": ["sources/ep1/build-caches.md"], "target_minutes": 2,
                     "overrides": {"video": {"aspect": "9:16"}, "show": {"style": {"theme": "paper"}}}},
        "ep1-square": {"sources": ["sources/ep1/build-caches.md"], "target_minutes": 2,
                       "overrides": {"video": {"aspect": "1:1"}, "show": {"style": {"theme": "light"}}}},
    }
    for doc in CORPUS:
        out[doc.slug] = {"sources": [f"sources/corpus/{doc.name}"], "target_minutes": doc.target_minutes}
    for slug, path in FIGURE_DOCS.items():
        out[slug] = {"sources": [path], "target_minutes": 1.5,
                     "overrides": {"video": {"aspect": "9:16"}, "show": {"style": {"theme": "light"}}}}
    for spec in out.values():
        spec["outputs"] = ["video"]
    return out


def bench_config(height: int) -> dict:
    return {
        "show": {"name": "Plain Circuits", "description": "Short explainers on how things work.",
                 "hosts": [{"id": "ada", "name": "Ada", "persona": "curious host who asks the questions",
                            "voice": "en-us+f3"},
                           {"id": "ben", "name": "Ben", "persona": "engineer who explains", "voice": "en-gb+m3"}]},
        "approval": "auto",
        "video": {"height": height, "fps": 15, "motion": "still", "preset": "veryfast"},
        "audio": {"sample_rate": 24000, "music": {"intro_seconds": 1, "outro_seconds": 1}},
        "episodes": episodes(),
    }


def _same_picture(a: Scene, k: int) -> bool:
    """Beat k shows what beat k-1 shows (only the speaking host's name differs)."""
    if k == 0:
        return False
    skip = {"segment_id", "word"}
    return a.beats[k].model_dump(exclude=skip) == a.beats[k - 1].model_dump(exclude=skip)


def measure_episode(project: Project, slug: str) -> dict:
    results = project.path("results", slug)
    brief = read_model(results / "brief.json", Brief)
    figures = {b.path for doc in brief.sources for b in doc.blocks if b.kind == "figure" and b.path}
    shown_figures: set[str] = set()
    pictures = changes = 0
    seconds = 0.0
    smallest, lowest = 1.0, 21.0
    for scene_file in sorted((results / "scenes").glob("*.json")):
        scene = read_model(scene_file, Scene)
        name = scene_file.stem
        provenance = json.loads((results / "media" / name / "clip.provenance.json").read_text())
        listed = json.loads((results / "media" / name / "beats" / "beats.json").read_text())["beats"]
        for row in provenance["parameters"]["beats"]:
            k = row["beat"] - 1
            pictures += 1
            changes += 0 if _same_picture(scene, k) else 1
            seconds += row["seconds"]
            if scene.beats and scene.beats[k].kind == "figure" and row["seconds"] > 0:
                shown_figures.add(scene.beats[k].path or "")
        smallest = min([smallest, *(b["smallest_text"] for b in listed)])
        lowest = min([lowest, *(b["lowest_contrast"] for b in listed)])
    frames = measure.video_frames(results / "final.mp4")
    return {"episode": slug, "seconds": round(seconds, 1), "pictures": pictures, "changes": changes,
            "per_picture": round(seconds / max(pictures, 1), 2), "per_change": round(seconds / max(changes, 1), 2),
            "figures": len(figures), "figures_shown": len(figures & shown_figures),
            "smallest_text": round(smallest, 4), "lowest_contrast": round(lowest, 2),
            "frames": len(frames), "mostly_empty": round(measure.mostly_empty_share(frames), 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--height", type=int, default=540, help="frame height (the measures are fractions)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project and print where")
    parser.add_argument("--sheets", type=Path, help="copy each episode's contact sheet (report/storyboard.png) here")
    parser.add_argument("--again", type=Path, help="build again in a project kept by --keep (the workflow updated)")
    args = parser.parse_args()
    tmp = None if args.keep or args.again else tempfile.TemporaryDirectory(prefix="showrunner-screen-")
    root = args.again or Path(tempfile.mkdtemp(prefix="showrunner-screen-") if tmp is None else tmp.name)
    if args.again:
        shutil.rmtree(root / "results", ignore_errors=True)
        shutil.rmtree(root / "sources", ignore_errors=True)
        for part in ("Snakefile", "rules", "scripts", "prompts", "report", "profiles", "envs"):
            shutil.rmtree(root / part, ignore_errors=True)
            (root / part).unlink(missing_ok=True)
    project = Project(root, bench_config(args.height), sources={})
    install(root)
    (root / "sources" / "ep1").mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "sources" / "ep1" / "build-caches.md", root / "sources" / "ep1" / "build-caches.md")
    shutil.copytree(REPO / "bench" / "screen_corpus", root / "sources" / "screen")
    slugs = list(episodes())
    targets = [f"results/{slug}/{name}" for slug in slugs for name in ("final.mp4", "report/storyboard.png")]
    started = time.monotonic()
    run = project.snakemake("--keep-going", *targets, check=False)
    built = time.monotonic() - started
    rows = []
    for slug in slugs:
        try:
            rows.append(measure_episode(project, slug))
        except (OSError, ValueError, KeyError) as err:
            print(f"== {slug}: not built ({err})\n{run.stderr[-3000:]}")
    print(f"built {len(rows)} episodes in {built:.0f} s at height {args.height}\n")
    print(f"{'episode':24} {'s/picture':>9} {'s/change':>8} {'figures':>8} {'min text':>9} {'min contrast':>12} "
          f"{'mostly empty':>12}")
    for r in rows:
        print(f"{r['episode']:24} {r['per_picture']:9.2f} {r['per_change']:8.2f} "
              f"{r['figures_shown']:>3} of {r['figures']:<2} {r['smallest_text']:9.2%} {r['lowest_contrast']:12.2f} "
              f"{r['mostly_empty']:12.1%}")
    if rows:
        mean_change = sum(r["per_change"] for r in rows) / len(rows)
        figures = sum(r["figures"] for r in rows)
        shown = sum(r["figures_shown"] for r in rows)
        print(f"\nMEAN seconds per visual change {mean_change:.2f} (target <= 8), figures shown {shown} of {figures}, "
              f"smallest text {min(r['smallest_text'] for r in rows):.2%} (target >= 2.5%), lowest contrast "
              f"{min(r['lowest_contrast'] for r in rows):.2f} (target >= 4.5)")
    if args.sheets:
        args.sheets.mkdir(parents=True, exist_ok=True)
        for slug in slugs:
            sheet = project.path("results", slug, "report", "storyboard.png")
            if sheet.exists():
                shutil.copy2(sheet, args.sheets / f"{slug}.png")
    if args.keep:
        print(f"kept: {root}")
    ok = rows and len(rows) == len(slugs) and all(r["smallest_text"] >= 0.025 and r["lowest_contrast"] >= 4.5
                                                  and r["figures_shown"] == r["figures"] for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
