"""The `showrunner` command: approve or reject an outline, and see where episodes stand."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from showrunner.approval import approve as approve_outline
from showrunner.approval import reject as reject_outline
from showrunner.config import Config, load_config
from showrunner.config_files import MAIN_CONFIG, read_merged, snakemake_order
from showrunner.errors import ShowrunnerError
from showrunner.rule_kinds import OUTPUT_FILES
from showrunner.run_history import format_seconds, time_left
from showrunner.status import status_table


def _load(configfiles: tuple[str, ...] | list[str]) -> Config:
    """config.yaml with each --configfile merged over it, in order, as Snakemake merges them."""
    files = snakemake_order(configfiles)
    for name in files:
        if not Path(name).exists():
            where = " (run showrunner from the project directory)" if name == MAIN_CONFIG else ""
            raise ShowrunnerError(f"{name}: config file not found{where}")
    raw, origins = read_merged(files)
    return load_config(raw, origins)


def _episode_dir(config: Config, slug: str) -> Path:
    config.episode(slug)  # unknown slug -> ConfigError naming the episodes there are
    return Path("results") / slug


CONFIGFILE = ("--configfile", "--configfiles")
config_option = click.option(*CONFIGFILE, "configfiles", multiple=True, metavar="FILE...",
                             help="config files merged over config.yaml, in order, as Snakemake's --configfile "
                                  "(`--configfile a.yaml b.yaml`, then `--` before any episode)")


def _spread_configfiles(argv: list[str]) -> list[str]:
    """`--configfile a.yaml b.yaml` (Snakemake's form: every value up to the next option or `--`) as click's
    `--configfile a.yaml --configfile b.yaml`."""
    out: list[str] = []
    flag, taken = None, 0
    for arg in argv:
        if flag and not arg.startswith("-"):
            out += [flag, arg]
            taken += 1
            continue
        if flag and not taken:
            out.append(flag)  # no value: click says so
        flag, taken = (arg, 0) if arg in CONFIGFILE else (None, 0)
        if flag is None:
            out.append(arg)
    if flag and not taken:
        out.append(flag)
    return out


@click.group()
@click.version_option(package_name="showrunner", prog_name="showrunner", message="%(prog)s %(version)s")
def main() -> None:
    """showrunner: review, approve and follow episodes built by the Snakemake workflow."""


@main.command()
@click.argument("slug")
@config_option
def approve(slug: str, configfiles: tuple[str, ...]) -> None:
    """Approve the outline of SLUG (after any edits to outline.md) so the build can go on."""
    config = _load(configfiles)
    results = _episode_dir(config, slug)
    outline = approve_outline(results, slug)
    click.echo(f"Approved {results / 'outline.md'} ({len(outline.sections)} sections).")
    made = " ".join(f"results/{slug}/{OUTPUT_FILES[o]}" for o in OUTPUT_FILES if o in config.episodes[slug].outputs)
    click.echo(f"Continue with: snakemake {made}")


@main.command()
@click.argument("slug")
@click.option("--feedback", required=True, help="what the next outline should do differently")
@config_option
def reject(slug: str, feedback: str, configfiles: tuple[str, ...]) -> None:
    """Reject the outline of SLUG; the next run rewrites it with FEEDBACK."""
    config = _load(configfiles)
    results = _episode_dir(config, slug)
    items = reject_outline(results, feedback)
    click.echo(f"Feedback stored in {results / 'feedback.json'} ({len(items)} item(s)).")
    click.echo(f"Rewrite the outline with: snakemake results/{slug}/outline.md")


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@config_option
def status(slugs: tuple[str, ...], as_json: bool, configfiles: tuple[str, ...]) -> None:
    """Each episode x stage: done, stale, missing, or awaiting approval (with its age)."""
    config = _load(configfiles)
    for slug in slugs:
        config.episode(slug)
    table = status_table(config, Path.cwd(), list(slugs) or None, configfiles=list(configfiles))
    if as_json:
        click.echo(json.dumps(table, indent=2))
        return
    left = time_left(Path.cwd(), table)
    for slug, rows in table.items():
        click.echo(slug)
        for row in rows:
            detail = f"  ({row['detail']})" if row["detail"] else ""
            click.echo(f"  {row['stage']:<14} {row['state']}{detail}")
            if row["warning"]:
                click.echo(f"  {'':<14} WARNING: {row['warning']}")
        seconds = left[slug]
        click.echo(f"  {'time left':<14} " + ("unknown (no earlier runs of some stages)" if seconds is None else
                                               f"about {format_seconds(seconds)} (from earlier runs)"))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to serve; anything but loopback needs a token")
@click.option("--port", default=8787, show_default=True, type=int)
@click.option("--token", default=None, help="required off loopback (or set SHOWRUNNER_STUDIO_TOKEN)")
@click.option("--cores", default=None, type=int, help="cores for the builds it starts (default: all)")
@config_option
def studio(host: str, port: int, token: str | None, cores: int | None, configfiles: tuple[str, ...]) -> None:
    """Serve the review studio: a local web app and JSON API over this project."""
    from showrunner.studio import serve
    from showrunner.studio.security import StartupRefused

    if not Path(MAIN_CONFIG).is_file():
        raise ShowrunnerError(f"studio: run it from the project directory, with its {MAIN_CONFIG}")
    _load(configfiles)  # a broken config is reported here, not on the first page
    click.echo(f"showrunner studio on http://{host}:{port}/ (API docs at /docs); Ctrl-C to stop")
    try:
        serve(Path.cwd(), host=host, port=port, token=token, cores=cores, configfiles=list(configfiles))
    except StartupRefused as err:
        raise ShowrunnerError(str(err)) from None


def run() -> None:
    try:
        main(args=_spread_configfiles(sys.argv[1:]), standalone_mode=False)
    except ShowrunnerError as err:
        click.echo(f"showrunner: {err}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        sys.exit(1)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
