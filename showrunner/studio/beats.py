"""A scene's visual beats in the studio: what each shows, and a reviewer's edits to them.

The storyboard plans the beats (showrunner/screen/plan.py) into results/<slug>/scenes/NN.json;
scene_image draws one still per beat into media/NN/beats/KK.png. Here a reviewer sees them in
order and edits them: the words of a beat (a key point, a caption, a big number and its label, a
quote's attribution, the lines of code highlighted), the segment and word it appears at, their
order, deleting one, adding a key point. What a beat shows from the source (its kind, a figure's
file, a listing, a table's rows, a quote's words) stays as planned: an edit names the beat it
keeps by its index, and only the fields below may change. The result is validated by the
pipeline's own model (showrunner.artifacts.Scene) before anything is written.
"""

from __future__ import annotations

from typing import Any

from showrunner.artifacts import Beat, Scene
from showrunner.errors import ArtifactError
from showrunner.files import validate_model

KIND_LABELS = {"title": "title card", "chapter": "chapter card", "points": "key point", "code": "code",
               "figure": "figure", "table": "table", "chart": "chart", "diagram": "diagram", "number": "big number",
               "quote": "quote", "illustration": "illustration"}

# where a beat appears: any beat may move
ANCHOR = ("segment_id", "word")
# what a reviewer may reword, by kind; the rest is what the beat shows from the source
EDITABLE: dict[str, tuple[str, ...]] = {
    "title": ("heading", "text", "label", "points"),
    "chapter": ("heading", "text", "points"),
    "points": ("heading", "points"),
    "code": ("heading", "points", "highlight"),
    "figure": ("heading", "text"),
    "table": ("heading",),
    "chart": ("heading", "label"),
    "diagram": ("heading",),
    "number": ("heading", "text", "label"),
    "quote": ("heading", "label"),
    "illustration": ("heading", "text"),
}
NEW_KIND = "points"  # a beat added in the studio is a key point
# what view() adds to a stored beat: ignored when a client sends a listed beat back
VIEW_FIELDS = ("index", "kind_label", "shows", "source", "at", "editable", "still")


def describe(beat: Beat) -> str:
    """What the beat shows, in a few words, for the list of beats."""
    if beat.kind == "figure":
        where = f", page {beat.page}" if beat.page else ""
        return f"figure {beat.path or ''}{where}".strip()
    if beat.kind == "code":
        lines = beat.text.expandtabs(4).rstrip("\n").split("\n")
        listing = f"{beat.label + ' ' if beat.label else ''}listing, {len(lines)} lines"
        return f"{listing}, lines {_ranges(beat.highlight)} highlighted" if beat.highlight else listing
    if beat.kind in ("table", "chart"):
        body = max(len(beat.rows) - 1, 0)
        columns = len(beat.rows[0]) if beat.rows else 0
        return f"{'chart of a ' if beat.kind == 'chart' else ''}table, {body} rows x {columns} columns"
    if beat.kind == "diagram":
        return f"{beat.label or 'graphviz'} diagram"
    if beat.kind == "number":
        return f"{beat.text}: {beat.label}" if beat.label else beat.text
    if beat.kind == "quote":
        return f"quote from {beat.label}" if beat.label else "quote"
    if beat.kind == "points":
        return beat.points[-1] if beat.points else beat.heading
    return beat.heading


def _ranges(numbers: list[int]) -> str:
    out: list[str] = []
    for n in sorted(set(numbers)):
        if out and out[-1].split("-")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def view(scene: Scene, stills: list[str | None]) -> list[dict[str, Any]]:
    """The scene's beats for the studio: each as stored, with what it shows, the words it appears at,
    which fields may be edited, and its still (a URL) when one was drawn."""
    texts = {s.id: s.text.split() for s in scene.segments}
    out = []
    for k, beat in enumerate(scene.beats):
        words = texts.get(beat.segment_id, [])
        out.append({"index": k, **beat.model_dump(mode="json"), "kind_label": KIND_LABELS[beat.kind],
                    "shows": describe(beat), "source": beat.element or beat.path or "",
                    "at": " ".join(words[beat.word:beat.word + 8]), "editable": [*ANCHOR, *EDITABLE[beat.kind]],
                    "still": stills[k] if k < len(stills) else None})
    return out


def apply(scene: Scene, edits: Any, where: str) -> Scene:
    """The scene with its beats replaced by `edits`, in order: each an object naming the stored beat
    it keeps (`beat`: its index) or none for a new key point (`beat`: null), with the fields it
    changes. Refused, naming `where` (the scene file) and the field, when an edit names no beat of
    the scene, changes what a beat shows from the source, or makes a scene the model refuses."""
    if not isinstance(edits, list):
        raise ArtifactError(f"{where}: beats: give the scene's beats as a list of edits")
    beats: list[dict[str, Any]] = []
    kept: dict[int, int] = {}
    for i, edit in enumerate(edits):
        at = f"{where}: beats.{i}"
        if not isinstance(edit, dict) or "beat" not in edit:
            raise ArtifactError(f"{at}: each edit names the beat it keeps ('beat': its index) or null for a "
                                "new key point")
        source = edit["beat"]
        if source is None:
            before = beats[-1] if beats else None
            base: dict[str, Any] = {"kind": NEW_KIND, "heading": before["heading"] if before else scene.title,
                                    "segment_id": before["segment_id"] if before else scene.segments[0].id,
                                    "word": before["word"] if before else 0}
            if not edit.get("points"):
                raise ArtifactError(f"{at}.points: a new key point needs its words")
        elif isinstance(source, int) and not isinstance(source, bool) and 0 <= source < len(scene.beats):
            if source in kept:
                raise ArtifactError(f"{at}.beat: beat {source} is already beats.{kept[source]}; a beat is kept once")
            kept[source] = i
            base = scene.beats[source].model_dump()
        else:
            raise ArtifactError(f"{at}.beat: no beat {source!r} in this scene (it has {len(scene.beats)}: "
                                f"0-{len(scene.beats) - 1})")
        allowed = (*ANCHOR, *EDITABLE[base["kind"]])
        for key, value in edit.items():
            if key == "beat" or key in VIEW_FIELDS:
                continue
            if key in allowed:
                base[key] = value
            elif key not in Beat.model_fields:
                raise ArtifactError(f"{at}.{key}: a beat has no field '{key}'")
            elif value != base.get(key) and not (value is None and key not in base):
                raise ArtifactError(f"{at}.{key}: what a {KIND_LABELS[base['kind']]} beat shows from the source "
                                    f"cannot be edited here (editable: {', '.join(allowed)})")
        beats.append(base)
    return validate_model({**scene.model_dump(), "beats": beats}, Scene, where)
