"""A throwaway copy of the workflow in a temporary directory, for real Snakemake runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOW_PARTS = ("Snakefile", "rules", "scripts", "prompts", "report", "profiles", "envs")

SMALL_SOURCE = """# Why tea cools

A cup of tea loses heat in three ways. Evaporation carries away most of it at first, because
every molecule of water that leaves the surface takes a lot of energy with it.

## Evaporation

Evaporation is strongest while the tea is hot. A lid cuts it down, which is why a covered cup stays
warm for longer. Blowing on the tea speeds it up by moving the moist air away.

- A lid slows evaporation.
- Wind speeds evaporation up.

## Conduction and radiation

The cup itself conducts heat to the table and to your hand. A thick ceramic mug holds heat well,
while a thin metal cup passes it on quickly. Radiation carries the rest away as infrared light.

## Milk first or last

Adding milk early lowers the temperature at once, so the tea then loses heat more slowly. Adding it
late means the tea stays hotter for a while but cools faster. Over ten minutes the difference is
about two degrees.
"""


def small_config(**episode) -> dict:
    """A show with two hosts and one short, small-resolution episode `tea`."""
    spec = {"title": "Why tea cools", "sources": ["sources/tea.md"], "target_minutes": 0.5}
    spec.update(episode)
    return {
        "show": {
            "name": "Test Show",
            "hosts": [
                {"id": "ada", "name": "Ada", "persona": "asks questions", "voice": "en-us+f3"},
                {"id": "ben", "name": "Ben", "persona": "explains", "voice": "en-gb+m3"},
            ],
        },
        "approval": "required",
        "video": {"height": 144, "fps": 10, "preset": "ultrafast"},
        "audio": {"sample_rate": 24000, "music": {"intro_seconds": 1, "outro_seconds": 1}},
        "writing": {"critic": {"threshold": 60, "max_iterations": 2}},
        # espeak-ng, the fast test voice: the recogniser mishears about a quarter of it
        "acceptance": {"listen": {"max_word_error_rate": 0.6, "caption_tolerance_ms": 3000, "terms": "soft"}},
        "episodes": {"tea": spec},
    }


class Project:
    def __init__(self, root: Path, config: dict, sources: dict[str, str] | None = None):
        self.root = root
        for part in WORKFLOW_PARTS:
            src = REPO / part
            if src.is_dir():
                shutil.copytree(src, root / part)
            else:
                shutil.copy2(src, root / part)
        for name, text in (sources if sources is not None else {"sources/tea.md": SMALL_SOURCE}).items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        self.write_config(config)

    def write_config(self, config: dict) -> None:
        (self.root / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)

    def snakemake(self, *args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "snakemake", "--cores", "2", "--nocolor", *args]
        result = subprocess.run(cmd, cwd=self.root, capture_output=True, text=True,
                                env={**os.environ, **(env or {})}, timeout=900)
        if check and result.returncode != 0:
            raise AssertionError(f"snakemake {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stdout[-4000:]}\n{result.stderr[-6000:]}")
        return result

    def showrunner(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-c", "from showrunner.cli import run; run()", *args]
        result = subprocess.run(cmd, cwd=self.root, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"showrunner {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def jobs_planned(self, *targets: str) -> list[str]:
        """The rules a dry run would execute, one entry per job."""
        result = self.snakemake("-n", "--quiet", "rules", "--", *targets)
        out = result.stdout + result.stderr
        return parse_job_counts(out)

    def snapshot(self) -> dict[str, tuple[int, bytes]]:
        """mtime and bytes of every file under results/, to prove a failed run changed nothing."""
        results = self.root / "results"
        if not results.exists():
            return {}
        return {str(p.relative_to(results)): (p.stat().st_mtime_ns, p.read_bytes())
                for p in sorted(results.rglob("*")) if p.is_file()}


def parse_job_counts(text: str) -> list[str]:
    """Read Snakemake's 'Job stats' table into a list of rule names (repeated per job)."""
    jobs: list[str] = []
    in_table = False
    for line in text.splitlines():
        parts = line.split()
        if parts[:2] == ["job", "count"]:
            in_table = True
            continue
        if in_table:
            if len(parts) == 2 and parts[1].isdigit() and not set(parts[0]) <= {"-"}:
                if parts[0] != "total":
                    jobs += [parts[0]] * int(parts[1])
            elif parts and not set(parts[0]) <= {"-"}:
                break
    return jobs
