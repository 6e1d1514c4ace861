"""The studio's web app: pages, the JSON API under /api (OpenAPI at /docs), and the event stream.

FastAPI gives the API its validation and OpenAPI description; the pages are jinja2 templates
and a small script (static/studio.js) that use the same API and listen to /api/events.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import re
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from showrunner import run_history
from showrunner.errors import ArtifactError, ShowrunnerError
from showrunner.secrets import redact
from showrunner.studio import security
from showrunner.studio.builds import Builds
from showrunner.studio.project import BadUpload, Conflict, NotFound, StudioProject

PACKAGE = files("showrunner.studio")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
POLL_S = 0.3


class OutlineEdit(BaseModel):
    markdown: str = Field(description="the whole outline.md as edited")


class Approval(BaseModel):
    markdown: str | None = Field(default=None, description="an edited outline.md to save first (optional)")


class Rejection(BaseModel):
    feedback: str = Field(description="what the rewritten outline should do differently")


class SceneEdit(BaseModel):
    segments: dict[str, str] = Field(description="segment id -> its new narration")


class BeatEdit(BaseModel):
    """One beat of the scene as edited (showrunner/studio/beats.py): the stored beat it keeps, or a new key point."""

    beat: int | None = Field(description="the index (from 0) of the scene's beat this one keeps, with what it shows "
                                         "from the source; null for a new key point")
    segment_id: str | None = Field(default=None, description="the segment it appears with")
    word: int | None = Field(default=None, description="the word of that segment it appears at (0 = its start)")
    heading: str | None = None
    points: list[str] | None = Field(default=None, description="key points on screen, the last said now")
    text: str | None = Field(default=None, description="a big number, a figure's caption, a title card's show")
    label: str | None = Field(default=None, description="what a number counts, a quote's attribution")
    highlight: list[int] | None = Field(default=None, description="code: the listing's lines highlighted")


class BeatsEdit(BaseModel):
    beats: list[BeatEdit] = Field(description="the scene's beats, in order: reorder, leave one out to delete it")


class PronunciationsEdit(BaseModel):
    entries: dict[str, str | dict] = Field(
        description="the episode's own entries, replacing the ones there: term -> respelling, or "
                    "{say: respelling, phonemes: {piper|espeak|hibari: phonemes}}; {} removes them all")


class BuildRequest(BaseModel):
    episode: str | None = Field(default=None, description="a slug, or null for every episode")


class SourceFile(BaseModel):
    name: str
    content: str = Field(description="the file's text, or base64 when `base64` is true")
    base64: bool = False


class NewEpisode(BaseModel):
    title: str
    target_minutes: float | None = Field(default=None, gt=0, le=180)
    topic: str | None = None
    slug: str | None = None
    source: SourceFile | None = None


def _line_of(message: str) -> int | None:
    match = re.search(r": line (\d+):", message)
    return int(match[1]) if match else None


def create_app(root: Path, *, token: str | None = None, hosts: set[str] | None = None,
               max_upload_bytes: int = MAX_UPLOAD_BYTES, cores: int | None = None,
               configfiles: list[str] | None = None) -> FastAPI:
    """The studio over `root`; `configfiles`: more config files merged over config.yaml, as Snakemake's --configfile."""
    project = StudioProject(root, configfiles)
    builds = Builds(project, cores=cores)
    # FastAPIOffline: FastAPI whose /docs page serves Swagger UI from the package, not from a CDN
    app: FastAPI = FastAPIOffline(title="showrunner studio", version="1", docs_url="/docs", redoc_url=None,
                                  description="Review, edit, approve and build the episodes of a showrunner project.")
    app.state.project, app.state.builds = project, builds
    templates = Jinja2Templates(directory=str(PACKAGE / "templates"))
    app.mount("/static", StaticFiles(directory=str(PACKAGE / "static")), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next):
        refused = security.check(request, token=token, hosts=hosts)
        response = refused or await call_next(request)
        for name, value in security.HEADERS.items():
            if request.url.path.startswith("/docs") and name == "Content-Security-Policy":
                continue  # the OpenAPI page loads its own scripts
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(ShowrunnerError)
    async def user_error(request: Request, err: ShowrunnerError):
        status = {NotFound: 404, Conflict: 409, BadUpload: 400}.get(type(err), 422)
        message = redact(str(err))
        return JSONResponse({"error": message, "line": _line_of(message)}, status_code=status)

    # --- pages ----------------------------------------------------------------------------

    def page(request: Request, name: str, **context) -> HTMLResponse:
        csrf = request.cookies.get(security.CSRF_COOKIE) or security.new_csrf_token()
        response = templates.TemplateResponse(request, name, {"csrf": csrf, **context})
        response.set_cookie(security.CSRF_COOKIE, csrf, samesite="strict")
        return response

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def board_page(request: Request):
        return page(request, "board.html", show=project.config().show.name)

    @app.get("/episodes/{slug}", response_class=HTMLResponse, include_in_schema=False)
    async def episode_page(request: Request, slug: str):
        if slug not in project.config().episodes:
            return HTMLResponse(f"No episode '{slug}' in config.yaml.", status_code=404)
        return page(request, "episode.html", slug=slug, show=project.config().show.name)

    @app.get("/files/{slug}/{path:path}", include_in_schema=False)
    async def media_file(slug: str, path: str):
        found, media_type = project.file(slug, path)
        return FileResponse(found, media_type=media_type, headers={"Cache-Control": "no-cache"})

    # --- the API --------------------------------------------------------------------------

    @app.get("/api/episodes", tags=["episodes"], summary="Every episode and its stages, and the build")
    async def list_episodes():
        return {"episodes": await run_in_threadpool(project.board), "build": builds.status()}

    @app.get("/api/episodes/{slug}", tags=["episodes"], summary="One episode: stages, outline, script, scenes")
    async def get_episode(slug: str):
        return {**await run_in_threadpool(project.episode, slug), "build": builds.status()}

    @app.post("/api/episodes", tags=["episodes"], status_code=201,
              summary="Add an episode (JSON, or a multipart form with a `source` file)")
    async def add_episode(request: Request):
        length = int(request.headers.get("content-length") or 0)
        if length > max_upload_bytes + 64 * 1024:
            return JSONResponse({"error": f"upload: larger than {max_upload_bytes // 1024} KiB"}, status_code=413)
        content_type = request.headers.get("content-type", "")
        upload = None
        if content_type.startswith("multipart/form-data"):
            form = await request.form(max_files=1, max_fields=10)
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
            spec = NewEpisode.model_validate({k: v for k, v in fields.items() if v != ""})
            source = form.get("source")
            if isinstance(source, UploadFile) and source.filename:
                data = await source.read(max_upload_bytes + 1)
                upload = (source.filename, data)
        else:
            spec = NewEpisode.model_validate(await request.json())
            if spec.source is not None:
                try:
                    data = base64.b64decode(spec.source.content, validate=True) if spec.source.base64 \
                        else spec.source.content.encode("utf-8")
                except (binascii.Error, ValueError):
                    raise BadUpload(f"upload: {spec.source.name}: content is not valid base64") from None
                upload = (spec.source.name, data)
        if upload is not None and len(upload[1]) > max_upload_bytes:
            return JSONResponse({"error": f"upload: {Path(upload[0]).name}: larger than "
                                          f"{max_upload_bytes // 1024} KiB"}, status_code=413)
        return await run_in_threadpool(lambda: project.add_episode(
            title=spec.title, target_minutes=spec.target_minutes, topic=spec.topic, slug=spec.slug, upload=upload))

    @app.put("/api/episodes/{slug}/outline", tags=["review"], summary="Save an edited outline.md (validated)")
    async def put_outline(slug: str, body: OutlineEdit):
        return await run_in_threadpool(project.save_outline, slug, body.markdown)

    @app.post("/api/episodes/{slug}/approve", tags=["review"], summary="Approve the outline (as showrunner approve)")
    async def approve(slug: str, body: Approval | None = None):
        if body is not None and body.markdown is not None:
            await run_in_threadpool(project.save_outline, slug, body.markdown)
        return await run_in_threadpool(project.approve, slug)

    @app.post("/api/episodes/{slug}/reject", tags=["review"], summary="Reject the outline with feedback")
    async def reject(slug: str, body: Rejection):
        return await run_in_threadpool(project.reject, slug, body.feedback)

    @app.get("/api/episodes/{slug}/scenes", tags=["review"],
             summary="The storyboard's scenes: narration, and each scene's visual beats with their stills")
    async def get_scenes(slug: str):
        return {"scenes": await run_in_threadpool(project.scenes, slug)}

    @app.put("/api/episodes/{slug}/scenes/{index}", tags=["review"], summary="Edit one scene's narration")
    async def put_scene(slug: str, index: int, body: SceneEdit):
        return await run_in_threadpool(project.save_scene, slug, index, body.segments)

    @app.put("/api/episodes/{slug}/scenes/{index}/beats", tags=["review"],
             summary="Edit, reorder, delete or add one scene's visual beats (validated as the storyboard is)",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "required": ["beats"], "properties": {"beats": {
                     "type": "array", "items": BeatEdit.model_json_schema(),
                     "description": BeatsEdit.model_fields["beats"].description}}}}}}})
    async def put_beats(slug: str, index: int, request: Request):
        # the body is checked by the pipeline's Scene model (errors name the scene file), not by FastAPI's
        try:
            body = await request.json()
        except ValueError:
            raise ArtifactError("beats: the request body is not JSON") from None
        edits = body.get("beats") if isinstance(body, dict) else None
        return await run_in_threadpool(project.save_beats, slug, index, edits)

    @app.get("/api/episodes/{slug}/pronunciations", tags=["review"],
             summary="The episode's pronunciation lexicon and the outline's unsure words")
    async def get_pronunciations(slug: str):
        return await run_in_threadpool(project.pronunciations, slug)

    @app.put("/api/episodes/{slug}/pronunciations", tags=["review"],
             summary="Replace the episode's pronunciations in config.yaml (validated, comments kept)")
    async def put_pronunciations(slug: str, body: PronunciationsEdit):
        await run_in_threadpool(project.save_pronunciations, slug, body.entries)
        return await run_in_threadpool(project.pronunciations, slug)

    @app.post("/api/builds", tags=["builds"], status_code=202,
              summary="Start a Snakemake run for one episode or all (one at a time; 409 while one runs)")
    async def start_build(body: BuildRequest):
        return await run_in_threadpool(builds.start, body.episode)

    @app.get("/api/builds", tags=["builds"], summary="The running build, if any, and the last one")
    async def build_status():
        return builds.status()

    @app.get("/api/runs", tags=["builds"], summary="Recent Snakemake runs from the run history")
    async def list_runs(limit: int = 20):
        def read():
            if not run_history.history_path(project.root).exists():
                return []
            with run_history.connect(project.root) as conn:
                runs = run_history.runs(conn, min(max(limit, 1), 200))
            return [{**run, "args": [redact(a) for a in run["args"]]} for run in runs]
        return {"runs": await run_in_threadpool(read)}

    @app.get("/api/events", tags=["events"],
             summary="Server-Sent Events: job started/finished/failed, progress, gate reached, run finished")
    async def events(request: Request, after: int | None = None):
        """Each event's `data` is JSON with kind, run_id, slug, rule, scene, time, the event's own
        fields, and `run_eta_s`: time left in the run, estimated from earlier runs. Starts after
        `Last-Event-ID` or `after`, or with what happens from now on."""
        start = after if after is not None else request.headers.get("last-event-id")

        def read(last: int | None) -> tuple[int, list[dict]]:
            with run_history.connect(project.root) as conn:
                if last is None:
                    return run_history.last_event_id(conn), []
                return last, run_history.events_after(conn, last)

        async def stream():
            last = int(start) if start is not None and str(start).isdigit() else None
            run_eta = None
            while not await request.is_disconnected():
                last, batch = await run_in_threadpool(read, last)
                for event in batch:
                    last = event["id"]
                    if event["kind"] in ("run_planned", "job_finished", "run_progress") \
                            and event.get("eta_s") is not None:
                        run_eta = event["eta_s"]
                    if event["kind"] in ("run_started", "run_finished"):
                        run_eta = None if event["kind"] == "run_started" else 0
                    event["run_eta_s"] = run_eta
                    yield {"event": event["kind"], "id": str(event["id"]), "data": json.dumps(event)}
                await asyncio.sleep(POLL_S)

        return EventSourceResponse(stream(), ping=10)

    return app
