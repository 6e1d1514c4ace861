"""What the Snakefile does before Snakemake plans any job: read, validate and check the config,
the targets asked for, and the storyboard files the DAG is planned from.

A problem stops the run here with a message and exit status 1, no traceback, before Snakemake
deletes any output it would remake.
"""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path
from typing import Any, NoReturn

from showrunner.artifacts import Scene, Storyboard
from showrunner.checks import check_config
from showrunner.config import Config, load_config
from showrunner.config_files import MAIN_CONFIG, Origins, read_sources, snakemake_order
from showrunner.errors import ArtifactError, ConfigError, ShowrunnerError
from showrunner.files import read_model, sweep_temporaries
from showrunner.locks import clear_stale_snakemake_lock, remove_incomplete_outputs
from showrunner.rule_kinds import OUTPUT_FILES

# The checkpoint that writes storyboard.json and the scene files. Its name is spelled here because
# these checks run while the Snakefile is parsed, before any rule exists to ask, and it is what a
# person types after -R; tests/test_rule_kinds.py checks it is the workflow's one checkpoint.
STORYBOARD_RULE = "storyboard"

_TARGET = re.compile(r"^(?:\./)?results/(?:show/episodes/(?P<memory>[^/]+)\.json$|(?P<slug>[^/]+)/)")


def refuse(err: ShowrunnerError, what: str = "invalid configuration") -> NoReturn:
    sys.stderr.write(f"\nshowrunner: {what}\n{err}\n\n")
    sys.exit(1)


def read_origins(workflow: Any) -> Origins:
    """Which file holds each value: config.yaml, each --configfile, --config (in Snakemake's order).

    Called before the Snakefile's `configfile:`, so a YAML syntax error names its file and line.
    """
    files = snakemake_order(workflow.overwrite_configfiles)
    try:
        return read_sources(files, dict(workflow.config_settings.config or {}))
    except ConfigError as err:
        refuse(err)


def asks_dry_run(argv: list[str]) -> bool:
    """Whether Snakemake's command line asks for a dry run (-n, in a cluster of short flags too, or
    --dry-run and what argparse takes for it). Read from the command line because the Snakefile is
    parsed before Snakemake knows its executor (workflow.dryrun is False then, even under -n)."""
    for arg in argv:
        if arg == "--":
            break
        if re.fullmatch(r"-[A-Za-z]+", arg) and "n" in arg:
            return True
        if arg.startswith("--dry"):
            return True
    return False


def clear_stale_lock(workflow: Any, root: Path) -> None:
    """Snakemake's lock left by a run killed with SIGKILL (or a power loss), that no live Snakemake in
    this folder holds, is cleared with a message, so the next plain run resumes without `--unlock`;
    and the outputs that run left marked unfinished are removed, so it makes them again
    (locks.remove_incomplete_outputs)."""
    if workflow.subprocess_exec or workflow.remote_exec:
        return  # a job's own process (--mode subprocess/remote): its main run holds the lock
    cleared = clear_stale_snakemake_lock(root)
    if cleared:
        names = ", ".join(str(p.relative_to(root)) for p in cleared)
        sys.stderr.write(f"showrunner: cleared Snakemake's lock ({names}): left by a run that was killed; "
                         "no Snakemake is running in this folder\n")
    if asks_dry_run(sys.argv[1:]):
        return  # a dry run changes nothing
    removed = remove_incomplete_outputs(root)
    if removed:
        sys.stderr.write(f"showrunner: removed {len(removed)} output(s) a killed run left unfinished "
                         f"({', '.join(removed[:3])}{', ...' if len(removed) > 3 else ''}); they will be made again\n")


def one_scheduler_timer() -> None:
    """Snakemake's scheduler looks again one timespan of its job rate limiter (`--max-jobs-per-timespan`,
    always on: 100/1s) after every scheduling round, by a new threading.Timer each round. A round runs at every
    job's start and end and at every timer, so the timers multiply: a cold ep1 build woke the scheduler about
    3800 times, and every run that ran a job waited about a second at its end for its last (non-daemon) timer.
    Here a scheduler keeps at most one such timer pending, a daemon: it still looks again within the timespan,
    which is all the limiter needs (Snakemake 9; a version without the method is left as it is)."""
    from snakemake.scheduling import job_scheduler  # type: ignore[import-untyped]

    scheduler = job_scheduler.JobScheduler
    if not hasattr(scheduler, "_schedule_reevalutation") or getattr(scheduler, "_showrunner_one_timer", False):
        return

    def schedule_reevaluation(self, delay) -> None:
        pending = getattr(self, "_showrunner_timer", None)
        if pending is not None and pending.is_alive():
            return
        timer = threading.Timer(delay, self._open_jobs.release)
        timer.daemon = True  # never holds the finished run open
        timer.start()
        self._showrunner_timer = timer

    scheduler._schedule_reevalutation = schedule_reevaluation
    scheduler._showrunner_one_timer = True


def load(raw: dict, origins: Origins, root: Path, argv: list[str] | None = None) -> Config:
    """The validated config, after every startup check; refuses the run on any problem."""
    try:
        config = load_config(raw, origins)
        check_config(config, root, origins)
    except ConfigError as err:
        refuse(err)
    sweep_temporaries(root / "results")  # half-written files of jobs that died
    argv = sys.argv[1:] if argv is None else argv
    try:
        slugs = targeted_episodes(config, argv)
        if not remakes_storyboard(argv):
            check_storyboards(config, root, slugs)
    except ShowrunnerError as err:
        refuse(err, "cannot plan the run")
    return config


def targeted_episodes(config: Config, argv: list[str]) -> list[str]:
    """The episodes the command line's targets name (all of them when it names none); an unknown one is an error."""
    named = []
    for arg in argv:
        found = _TARGET.match(arg)
        if not found:
            continue
        slug = found["memory"] or found["slug"]
        if slug == "show" and not found["memory"]:
            continue
        if slug not in config.episodes:
            raise ConfigError(f"{arg}: there is no episode '{slug}' in the config (episodes: "
                              f"{', '.join(config.episodes)}); add it under 'episodes' in {MAIN_CONFIG}")
        named.append(slug)
    return list(dict.fromkeys(named)) or list(config.episodes)


def remakes_storyboard(argv: list[str]) -> bool:
    """Whether the command line forces the storyboard to be made again (-F, or -R/--forcerun storyboard)."""
    forcing = False
    for arg in argv:
        if arg in ("-F", "--forceall"):
            return True
        if arg in ("-R", "--forcerun") or arg.startswith("--forcerun="):
            forcing = True
            arg = arg.partition("=")[2]
        elif arg.startswith("-"):
            forcing = False
        if forcing and arg == STORYBOARD_RULE:
            return True
    return False


def check_storyboards(config: Config, root: Path, slugs: list[str]) -> None:
    """A storyboard.json that exists must be readable and every scene file it lists present and valid:
    Snakemake plans the per-scene jobs from them."""
    problems = []
    for slug in slugs:
        results = root / "results" / slug
        path = results / "storyboard.json"
        if not path.exists():
            continue
        try:
            storyboard = read_model(path, Storyboard)
            for ref in storyboard.scenes:
                scene = results / ref.file
                if not scene.is_file():
                    raise ArtifactError(f"results/{slug}/{ref.file}: missing, though results/{slug}/storyboard.json "
                                        "lists it")
                read_model(scene, Scene)
        except ArtifactError as err:
            problems.append(f"{err}\nThe storyboard stage makes these files. Restore or fix the file, or make the "
                            f"storyboard and its scenes again:\n    snakemake --forcerun {STORYBOARD_RULE} "
                            f"results/{slug}/{OUTPUT_FILES[config.episodes[slug].outputs[0]]}")
    if problems:
        raise ArtifactError("\n".join(problems))
