"""The `showrunner` command: approve or reject an outline, and see where episodes stand."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from showrunner.approval import approve as approve_outline
from showrunner.approval import reject as reject_outline
from showrunner.config import Config, load_config
from showrunner.config_files import read_merged
from showrunner.errors import ShowrunnerError
from showrunner.run_history import format_seconds, time_left
from showrunner.status import status_table


def _load(config_file: str) -> Config:
    """config.yaml, with --config FILE merged over it as Snakemake's --configfile would be."""
    path = Path(config_file)
    if not path.exists():
        raise ShowrunnerError(f"{path}: config file not found (run showrunner from the project directory)")
    files = [config_file]
    if path.resolve() != Path("config.yaml").resolve() and Path("config.yaml").exists():
        files.insert(0, "config.yaml")
    raw, origins = read_merged(files)
    return load_config(raw, origins)


def _episode_dir(config: Config, slug: str) -> Path:
    config.episode(slug)  # unknown slug -> ConfigError naming the episodes there are
    return Path("results") / slug


config_option = click.option("--config", "config_file", default="config.yaml", show_default=True,
                             help="the workflow's config file")


@click.group()
@click.version_option(package_name="showrunner", prog_name="showrunner", message="%(prog)s %(version)s")
def main() -> None:
    """showrunner: review, approve and follow episodes built by the Snakemake workflow."""


@main.command()
@click.argument("slug")
@config_option
def approve(slug: str, config_file: str) -> None:
    """Approve the outline of SLUG (after any edits to outline.md) so the build can go on."""
    config = _load(config_file)
    results = _episode_dir(config, slug)
    outline = approve_outline(results, slug)
    click.echo(f"Approved {results / 'outline.md'} ({len(outline.sections)} sections).")
    click.echo(f"Continue with: snakemake results/{slug}/final.mp4 results/{slug}/podcast.mp3")


@main.command()
@click.argument("slug")
@click.option("--feedback", required=True, help="what the next outline should do differently")
@config_option
def reject(slug: str, feedback: str, config_file: str) -> None:
    """Reject the outline of SLUG; the next run rewrites it with FEEDBACK."""
    config = _load(config_file)
    results = _episode_dir(config, slug)
    items = reject_outline(results, feedback)
    click.echo(f"Feedback stored in {results / 'feedback.json'} ({len(items)} item(s)).")
    click.echo(f"Rewrite the outline with: snakemake results/{slug}/outline.md")


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@config_option
def status(slugs: tuple[str, ...], as_json: bool, config_file: str) -> None:
    """Each episode x stage: done, stale, missing, or awaiting approval (with its age)."""
    config = _load(config_file)
    for slug in slugs:
        config.episode(slug)
    table = status_table(config, Path.cwd(), list(slugs) or None,
                         configfiles=None if config_file == "config.yaml" else [config_file])
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
def studio(host: str, port: int, token: str | None, cores: int | None, config_file: str) -> None:
    """Serve the review studio: a local web app and JSON API over this project."""
    from showrunner.studio import serve
    from showrunner.studio.security import StartupRefused

    _load(config_file)  # a broken config is reported here, not on the first page
    if Path(config_file).resolve() != (Path.cwd() / "config.yaml").resolve():
        raise ShowrunnerError("studio: run it from the project directory, with its config.yaml")
    click.echo(f"showrunner studio on http://{host}:{port}/ (API docs at /docs); Ctrl-C to stop")
    try:
        serve(Path.cwd(), host=host, port=port, token=token, cores=cores)
    except StartupRefused as err:
        raise ShowrunnerError(str(err)) from None


def run() -> None:
    try:
        main(standalone_mode=False)
    except ShowrunnerError as err:
        click.echo(f"showrunner: {err}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        sys.exit(1)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
