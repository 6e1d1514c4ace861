"""The `showrunner` command: approve or reject an outline, and see where episodes stand."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import yaml

from showrunner.approval import approve as approve_outline
from showrunner.approval import reject as reject_outline
from showrunner.config import Config, load_config
from showrunner.errors import ShowrunnerError
from showrunner.status import status_table


def _load(config_file: str) -> Config:
    path = Path(config_file)
    if not path.exists():
        raise ShowrunnerError(f"{path}: config file not found (run showrunner from the project directory)")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise ShowrunnerError(f"{path}: not valid YAML: {err}") from None
    return load_config(raw, file=str(path))


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
    table = status_table(config, Path.cwd(), list(slugs) or None)
    if as_json:
        click.echo(json.dumps(table, indent=2))
        return
    for slug, rows in table.items():
        click.echo(slug)
        for row in rows:
            detail = f"  ({row['detail']})" if row["detail"] else ""
            click.echo(f"  {row['stage']:<14} {row['state']}{detail}")
            if row["warning"]:
                click.echo(f"  {'':<14} WARNING: {row['warning']}")


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
