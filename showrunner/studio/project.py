"""The studio's view of a project: the same files and config the CLI and Snakemake use.

Everything here reads or writes the workflow's own files (config.yaml, results/<slug>/...,
sources/), through the same functions the CLI uses (showrunner.approval, outline_markdown,
status_table), so the studio holds no state of its own.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import yaml
from ruamel.yaml import YAML

from showrunner import run_history
from showrunner.approval import FEEDBACK, approval_state, approve, reject
from showrunner.artifacts import Outline, Scene, ScriptReview, Storyboard
from showrunner.checks import check_config
from showrunner.config import Config, check_slug, load_config
from showrunner.config_files import read_merged, snakemake_order
from showrunner.errors import ArtifactError, ConfigError, ShowrunnerError
from showrunner.files import read_json, read_model, write_bytes, write_json, write_text
from showrunner.outline_markdown import parse_outline_markdown
from showrunner.pronunciation import builtin, episode_lexicon
from showrunner.sources import SUPPORTED_SUFFIXES
from showrunner.status import status_table
from showrunner.studio import beats

CONFIG_FILE = "config.yaml"
SOURCES_DIR = "sources"
UPLOAD_SUFFIXES = {".md", ".txt", ".html", ".pdf"} & SUPPORTED_SUFFIXES
# files under results/<slug>/ the studio serves, by suffix, with their media type
SERVED = {".png": "image/png", ".wav": "audio/wav", ".mp4": "video/mp4", ".mp3": "audio/mpeg",
          ".vtt": "text/vtt", ".srt": "text/plain"}


class NotFound(ShowrunnerError):
    """An unknown episode, scene or file."""


class Conflict(ShowrunnerError):
    """The request clashes with what exists (an episode slug taken, a build running)."""


class BadUpload(ShowrunnerError):
    """An upload of the wrong kind or size."""


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48].strip("-")
    return slug or "episode"


class StudioProject:
    def __init__(self, root: Path, configfiles: list[str] | None = None):
        self.root = Path(root).resolve()
        self.configfiles = list(configfiles or [])  # merged over config.yaml in this order, as Snakemake does

    # --- config ---------------------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    def config(self) -> Config:
        if not self.config_path.is_file():
            raise ConfigError(f"{self.config_path}: config file not found")
        for extra in self.configfiles:
            if not (self.root / extra).is_file():
                raise ConfigError(f"{extra}: config file not found")
        raw, origins = read_merged(snakemake_order(self.configfiles, self.root))  # YAML errors name file and line
        return load_config(raw, origins)

    def results(self, slug: str) -> Path:
        """results/<slug>, for a slug the config names (so it cannot point anywhere else)."""
        if slug not in self.config().episodes:
            raise NotFound(f"no episode '{slug}' in {CONFIG_FILE}")
        return self.root / "results" / slug

    # --- reading --------------------------------------------------------------------------

    def board(self) -> list[dict]:
        config = self.config()
        table = status_table(config, self.root, None, self.configfiles)
        left = run_history.time_left(self.root, table)
        return [self._summary(config, slug, rows, left.get(slug)) for slug, rows in table.items()]

    def _summary(self, config: Config, slug: str, rows: list[dict], seconds_left: float | None) -> dict:
        """status_table's rows, with what the run history adds: stages running now, the last failure."""
        episode = config.episode(slug)
        failure, running = None, []
        if run_history.history_path(self.root).exists():
            with run_history.connect(self.root) as conn:
                failed = run_history.last_failure(conn, slug)
                running = run_history.running_jobs(conn, slug)
            gate = next((r["stage"] for r in rows if r.get("gate")), None)
            if failed and failed["rule"] != gate:  # a gate that stops the run awaits a person: no failure
                message = run_history.job_error(self.root, failed["logs"]) or f"{failed['rule']} failed"
                failure = {"rule": failed["rule"], "scene": failed["scene"], "message": message}
        now = {job["rule"]: job for job in running}
        stages = []
        for row in rows:
            if row["stage"] in now:
                scene = now[row["stage"]]["scene"]
                row = {**row, "state": "running", "detail": f"scene {scene}" if scene else ""}
            elif failure and row["stage"] == failure["rule"] and row["state"] in ("missing", "stale"):
                row = {**row, "state": "failed", "detail": failure["message"]}
            stages.append(row)
        gate = next((r for r in stages if r.get("gate")), None)
        return {"slug": slug, "title": episode.title, "target_minutes": episode.target_minutes,
                "approval": episode.approval, "stages": stages, "gate": gate, "failure": failure,
                "time_left_s": seconds_left, "running": bool(running),
                "done": all(r["state"] in ("done", "approved", "auto") for r in rows)}

    def episode(self, slug: str) -> dict:
        results = self.results(slug)
        config = self.config()
        table = status_table(config, self.root, [slug], self.configfiles)
        left = run_history.time_left(self.root, table)
        out = self._summary(config, slug, table[slug], left.get(slug))
        outline_md = results / "outline.md"
        out["outline_markdown"] = outline_md.read_text(encoding="utf-8") if outline_md.exists() else None
        state = approval_state(results)
        out["approval_state"] = {"approved": state.approved, "reason": state.reason,
                                 "waiting_days": state.waiting_days}
        feedback = results / FEEDBACK
        out["feedback"] = read_json(feedback)["feedback"] if feedback.exists() else []
        out["script"] = self._script(results)
        out["scenes"] = self._scenes(slug, results)
        out["media"] = {name: f"/files/{slug}/{name}" for name in ("final.mp4", "captions.vtt", "podcast.mp3")
                        if (results / name).exists()}
        out["acceptance"] = read_json(results / "acceptance.json") if (results / "acceptance.json").exists() else None
        out["cost"] = self._cost(results)
        out["pronunciations"] = self.pronunciations(slug)
        return out

    def pronunciations(self, slug: str) -> dict:
        """The episode's lexicon as the voices will use it: its own entries (editable here), the show's,
        how many are built in, and the outline's unsure words with the entry that now covers each."""
        config = self.config()
        episode = config.episode(slug)
        lexicon = episode_lexicon(episode)
        outline_path = self.results(slug) / "outline.json"
        unsure = read_model(outline_path, Outline).unsure_words if outline_path.exists() else []
        dump = {term: how.model_dump(mode="json", exclude_defaults=True)
                for term, how in config.episodes[slug].pronunciations.items()}
        return {"episode": dump,
                "show": {term: how.model_dump(mode="json", exclude_defaults=True)
                         for term, how in config.pronunciations.items()},
                "builtin": len(builtin()),
                "unsure": [{"word": w, "say": how.say if (how := lexicon.get(w)) else None} for w in unsure]}

    def save_pronunciations(self, slug: str, entries: dict) -> dict:
        """Replace episodes.<slug>.pronunciations in config.yaml (comments and order kept), checked exactly
        as the workflow checks config.yaml at startup; nothing is written when it is refused."""
        rt = YAML()
        rt.preserve_quotes = True
        document = rt.load(self.config_path.read_text(encoding="utf-8"))
        episodes = document.get("episodes") or {}
        if slug not in episodes:
            raise NotFound(f"{CONFIG_FILE}: episodes: no episode '{slug}'")
        spec = episodes[slug]
        if entries:
            spec["pronunciations"] = {term: value for term, value in entries.items()}
        elif "pronunciations" in spec:
            del spec["pronunciations"]
        buffer = io.StringIO()
        rt.dump(document, buffer)
        text = buffer.getvalue()
        config = load_config(yaml.safe_load(text) or {}, CONFIG_FILE)
        check_config(config, self.root)
        if text != self.config_path.read_text(encoding="utf-8"):
            write_text(self.config_path, text)
        return {"slug": slug, "entries": len(entries)}

    def _script(self, results: Path) -> dict | None:
        review_path = results / "script.review.json"
        if not review_path.exists():
            return None
        review = read_model(review_path, ScriptReview)
        accepted = next((d for d in review.drafts if d.iteration == review.accepted_iteration), review.drafts[-1])
        return {"threshold": review.threshold, "passed": review.passed, "accepted_iteration": review.accepted_iteration,
                "drafts": [{"iteration": d.iteration, "score": d.critique.score, "reasons": d.critique.reasons}
                           for d in review.drafts],
                "segments": [s.model_dump() for s in accepted.script.segments]}

    def scenes(self, slug: str) -> list[dict]:
        """The storyboard's scenes: narration, picture, voice, and each scene's beats with their stills."""
        return self._scenes(slug, self.results(slug))

    def _scenes(self, slug: str, results: Path) -> list[dict]:
        storyboard_path = results / "storyboard.json"
        if not storyboard_path.exists():
            return []
        storyboard = read_model(storyboard_path, Storyboard)
        scenes = []
        for ref in storyboard.scenes:
            scene = read_model(results / ref.file, Scene)
            name = f"{ref.index:02d}"
            media = results / "media" / name
            url = f"/files/{slug}/media/{name}"
            stills, stale = self._stills(results / ref.file, media / "beats", f"{url}/beats")
            scenes.append({"index": ref.index, "name": name, "title": scene.title, "file": f"results/{slug}/{ref.file}",
                           "segments": [{"id": s.id, "speaker": s.speaker, "text": s.text} for s in scene.segments],
                           "image": self._versioned(media / "image.png", f"{url}/image.png"),
                           "voice": self._versioned(media / "voice.wav", f"{url}/voice.wav"),
                           "beats": beats.view(scene, stills), "stills_stale": stale})
        return scenes

    @staticmethod
    def _versioned(path: Path, url: str) -> str | None:
        """The file's URL with its modification time, so that a page shows a redone file and no other."""
        return f"{url}?v={path.stat().st_mtime_ns}" if path.exists() else None

    @staticmethod
    def _stills(scene_file: Path, folder: Path, url: str) -> tuple[list[str | None], bool]:
        """The URL of each beat's still as scene_image drew it (media/NN/beats/KK.png, listed in its
        beats.json), and whether the scene file has changed since (the stills are then the old beats')."""
        manifest = folder / "beats.json"
        if not manifest.is_file():
            return [], False
        drawn = read_json(manifest).get("beats", [])
        version = manifest.stat().st_mtime_ns
        stills = [f"{url}/{b['file']}?v={version}" if (folder / b["file"]).is_file() else None for b in drawn]
        return stills, scene_file.stat().st_mtime_ns > version

    def _cost(self, results: Path) -> dict | None:
        path = results / "cost.json"
        if not path.exists():
            return None
        data = read_json(path)
        return {key: data[key] for key in ("total_usd", "by_stage", "by_provider", "budget_usd") if key in data}

    def file(self, slug: str, relative: str) -> tuple[Path, str]:
        """A media file under results/<slug>/, never anything outside it."""
        results = self.results(slug).resolve()
        path = (results / relative).resolve()
        if not path.is_relative_to(results) or path.suffix not in SERVED or not path.is_file():
            raise NotFound(f"no file {relative} for episode '{slug}'")
        return path, SERVED[path.suffix]

    # --- writing (the same functions as the CLI) -------------------------------------------

    def save_outline(self, slug: str, markdown: str) -> dict:
        """Validate an edited outline.md exactly as `showrunner approve` will, then write it."""
        results = self.results(slug)
        path = results / "outline.md"
        if not path.exists():
            raise NotFound(f"results/{slug}/outline.md: no outline yet; build the episode first")
        outline = parse_outline_markdown(markdown, slug, f"results/{slug}/outline.md")
        if path.read_text(encoding="utf-8") != markdown:
            write_text(path, markdown)
        return {"sections": len(outline.sections)}

    def approve(self, slug: str) -> dict:
        outline = approve(self.results(slug), slug)
        return {"approved": True, "sections": len(outline.sections)}

    def reject(self, slug: str, feedback: str) -> dict:
        return {"feedback": reject(self.results(slug), feedback)}

    def save_scene(self, slug: str, index: int, texts: dict[str, str]) -> dict:
        """Replace the narration of some of a scene's segments (by segment id)."""
        results = self.results(slug)
        path = results / "scenes" / f"{index:02d}.json"
        if not path.exists():
            raise NotFound(f"episode '{slug}' has no scene {index}")
        scene = read_model(path, Scene)
        known = {s.id for s in scene.segments}
        unknown = set(texts) - known
        if unknown:
            raise ArtifactError(f"results/{slug}/scenes/{index:02d}.json: segments: no segment {sorted(unknown)} "
                                f"(have {sorted(known)})")
        segments = []
        for s in scene.segments:
            text = texts.get(s.id, s.text).strip()
            if not text:
                raise ArtifactError(f"results/{slug}/scenes/{index:02d}.json: segments.{s.id}.text: must not be empty")
            segments.append(s.model_copy(update={"text": text}))
        updated = Scene.model_validate({**scene.model_dump(), "segments": [s.model_dump() for s in segments]})
        if updated != scene:
            write_json(path, updated)
        return {"scene": index, "changed": updated != scene}

    def save_beats(self, slug: str, index: int, edits: object) -> dict:
        """Replace a scene's beats with a reviewer's edits (showrunner.studio.beats.apply), validated by the
        pipeline's Scene model; written atomically, and only when something changed."""
        results = self.results(slug)
        where = f"results/{slug}/scenes/{index:02d}.json"
        path = results / "scenes" / f"{index:02d}.json"
        if not path.exists():
            raise NotFound(f"episode '{slug}' has no scene {index}")
        scene = read_model(path, Scene)
        updated = beats.apply(scene, edits, where)
        changed = updated != scene
        if changed:
            write_json(path, updated)
        return {"scene": index, "changed": changed, "beats": len(updated.beats)}

    def add_episode(self, *, title: str, target_minutes: float | None, topic: str | None = None,
                    slug: str | None = None, upload: tuple[str, bytes] | None = None) -> dict:
        """Add an episode to config.yaml (comments and order kept), with its uploaded source."""
        title = (title or "").strip()
        if not title:
            raise ConfigError("episode: title: must not be empty")
        slug = slug or slugify(title)
        try:
            check_slug(slug)
        except ValueError as err:
            raise ConfigError(f"episode: slug: {err}") from None
        rt = YAML()
        rt.preserve_quotes = True
        document = rt.load(self.config_path.read_text(encoding="utf-8"))
        if slug in (document.get("episodes") or {}):
            raise Conflict(f"{CONFIG_FILE}: episodes.{slug}: an episode with this slug exists already")
        spec: dict = {"title": title}
        saved: Path | None = None
        if upload is not None:
            saved = self._save_upload(slug, *upload)
            spec["sources"] = [saved.relative_to(self.root).as_posix()]
        if topic and topic.strip():
            spec["topic"] = topic.strip()
        if target_minutes is not None:
            spec["target_minutes"] = target_minutes
        document["episodes"][slug] = spec
        buffer = io.StringIO()
        rt.dump(document, buffer)
        text = buffer.getvalue()
        try:
            config = load_config(yaml.safe_load(text) or {}, CONFIG_FILE)
            check_config(config, self.root)  # exactly what the workflow checks at startup
        except ShowrunnerError:
            if saved is not None:
                saved.unlink(missing_ok=True)
            raise
        write_text(self.config_path, text)
        return {"slug": slug, "title": title, "sources": spec.get("sources", []), "topic": spec.get("topic")}

    def _save_upload(self, slug: str, filename: str, data: bytes) -> Path:
        name = Path(filename or "").name
        suffix = Path(name).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise BadUpload(f"upload: {name or '(no name)'}: unsupported kind '{suffix}' "
                            f"(supported: {', '.join(sorted(UPLOAD_SUFFIXES))})")
        if not data.strip():
            raise BadUpload(f"upload: {name}: file is empty")
        if suffix == ".pdf":
            if not data.startswith(b"%PDF-"):
                raise BadUpload(f"upload: {name}: not a PDF file")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise BadUpload(f"upload: {name}: not UTF-8 text") from None
            if "\x00" in text:
                raise BadUpload(f"upload: {name}: not a text file")
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(name).stem).strip("-")[:60] or "source"
        folder = (self.root / SOURCES_DIR / slug).resolve()
        path = folder / f"{stem}{suffix}"
        if not path.is_relative_to((self.root / SOURCES_DIR).resolve()):
            raise BadUpload(f"upload: {name}: not allowed")
        if path.exists():
            raise Conflict(f"{path.relative_to(self.root)}: a source with this name exists already")
        write_bytes(path, data)
        return path
