"""How fast is an episode, against the floor of the work it cannot avoid? (`make bench`)

In a temporary copy of the repository (the checkout is never touched) this:

1. builds ep1 cold: every stage from the sources to final.mp4, podcast.mp3 and acceptance.json
   (`--config approval=auto`, the default profile: model stages single-lane);
2. runs again with nothing changed (should do no work);
3. edits one scene (scenes/NN.json: the title and one segment of narration) and rebuilds;
4. measures the floor in the same run, on the same machine: the work a cold build cannot avoid,
   with no overhead and perfect use of the cores, defined as the edit's floor (5.) is: Snakemake's
   start (the no-op run), the configured voices speaking the whole narration with nothing cached
   (one call per provider: hibari loaded once, one piper process), then side by side one ffmpeg
   encode of the episode's slides as a slideshow of the same length, size, fps, x264 preset, crf
   and threads (concat demuxer with durations, the picture converted once and repeated by fps=;
   x264 with its default tuning), the recogniser listening to every scene (loaded once), the
   soundtrack's AAC and the podcast's MP3, then measuring both files' loudness side by side, as
   acceptance must;

and prints the ratios against the targets: cold build <= 1.3x floor, one-scene rebuild <= 1.5x
the edit floor (5.), and <= 20% of cold. The "tuned floor" (the same encode with the clips' own
still-picture x264 settings) is printed too, for honesty: it is the floor the pipeline could reach
with zero overhead.

The cold floor was, until issue 16's last part, only the voices plus the slideshow encode one
after the other: no Snakemake start, no listening, no audio encodes, no measuring, although a cold
build must do all of them (acceptance.json is one of its targets) and the edit floor already
counted them. The two floors are now defined alike; the old definition's floor and ratio
("old floor", "cold/old floor") are still measured and printed beside the new ones, so the
change hides nothing. Each floor also loads each model once (hibari, the recogniser), as the build
must: the edit floor used to speak with the hibari model the cold floor had left loaded in this
process, and made piper's noise-seeded voice file again (about 1.4 CPU s), which a build makes
once into its cache and an edit finds there: the edit floor now loads hibari and finds the seeded
voice, as the edit does. Its old value is printed beside too ("old edit floor").

5. measures the edit's own floor in the same run: the work a one-scene edit cannot avoid, with
   no overhead and perfect use of the cores. Snakemake's start (the no-op run), the voices on
   the scene, then side by side the scene's clip, the recogniser listening to the scene, and the
   whole-episode encodes (the soundtrack is AAC encoded once, the podcast is mastered as a
   whole), then measuring both files' loudness side by side, as acceptance must. A rebuild can
   only approach it: every job adds its own Python start and Snakemake's scheduling.

Beside each wall time it prints CPU seconds: a Snakemake run's whole process tree (its jobs and their
tools, from RUSAGE_CHILDREN), and each floor's own (this process's threads and its tools), counting the
same parts as the floor's seconds. On a machine others share, wall time says how busy it was; CPU
seconds say how much work each did.

6. prints what listening cost (the recogniser's CPU seconds per audio second, from
   transcript.json), the word error rate and caption timing acceptance measured, and every
   scene's voice made again one job at a time and two at once (is the `model` lane worth
   keeping for local CPU voices?).

    .venv/bin/python bench/build_episode.py [--slug ep1] [--scene 2] [--keep] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from showrunner import audio, episode_audio, listening, media
from showrunner.artifacts import Scene, SceneRef, Storyboard, scene_name
from showrunner.config import Cache, Episode, load_config
from showrunner.files import read_json, read_model
from showrunner.providers.calls import ModelCalls
from showrunner.providers.speech import hibari, piper
from showrunner.screen.clip import encode_beats
from showrunner.stages import scene_voice

REPO = Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns(".venv", "results", "logs", "benchmarks", ".snakemake", ".showrunner-cache",
                                ".git", "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache")
COLD_TARGET = 1.3
EDIT_TARGET = 0.20
EDIT_FLOOR_TARGET = 1.5


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and of every child it has waited for, with theirs: a
    Snakemake run's whole process tree (its jobs, their ffmpeg and piper), or a floor's threads and tools."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def snakemake(root: Path, slug: str, label: str) -> tuple[float, list[str], float]:
    """Build the episode's final files; (seconds, the rules of the jobs that ran, CPU seconds of the whole
    process tree). Snakemake's output goes to bench-<label>.log in the copy (see --keep)."""
    targets = [f"results/{slug}/{name}" for name in ("final.mp4", "podcast.mp3", "acceptance.json")]
    cmd = [sys.executable, "-m", "snakemake", "--profile", "profiles/default", "--config", "approval=auto",
           "--", *targets]
    env = {**os.environ, "PYTHONPATH": str(root)}
    started, cpu = time.perf_counter(), cpu_seconds()
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, check=False)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    (root / f"bench-{label}.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-8000:])
        raise SystemExit(f"bench: snakemake failed in {root} (exit {proc.returncode})")
    rules = re.findall(r"^\s*(?:local)?(?:rule|checkpoint) (\w+):", proc.stdout + proc.stderr, flags=re.M)
    return seconds, rules, cpu


def edit_scene(results: Path, scene: int) -> str:
    """Change one scene's title and one segment, in place (the scenes/ folder itself is untouched)."""
    path = results / "scenes" / f"{scene:02d}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["title"] = data["title"] + " (revised)"
    data["segments"][0]["text"] = data["segments"][0]["text"].rstrip(".") + ", as we will see."
    with open(path, "r+", encoding="utf-8") as f:
        f.seek(0)
        f.write(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        f.truncate()
    return str(path.relative_to(results.parent.parent))


def _episode(root: Path, slug: str) -> tuple[Episode, Path, list[SceneRef]]:
    """The episode's settings, its results folder and its scenes, as the cold build left them."""
    config = load_config({**yaml.safe_load((root / "config.yaml").read_text()), "approval": "auto"})
    results = root / "results" / slug
    return config.episode(slug), results, read_model(results / "storyboard.json", Storyboard).scenes


def _fresh_cache(tmp: Path, voices_from: Path | None = None) -> None:
    """An empty cache folder for _speak; with `voices_from` (a build's cache folder), holding the voice
    files that build made once for all later runs (piper's noise-seeded copy, hibari's durations graph),
    and no spoken segment."""
    (tmp / "cache").mkdir(parents=True)
    for voice in ("piper", "hibari"):
        if voices_from is not None and (voices_from / voice).is_dir():
            shutil.copytree(voices_from / voice, tmp / "cache" / voice, copy_function=os.link)


def _speak(episode: Episode, segments: list, tmp: Path) -> None:
    """The chosen voices speak `segments` with no segment cached (see _fresh_cache): one call per
    provider (hibari loaded once, one piper process), as cheap as the voices can be."""
    fresh = episode.model_copy(update={"cache": Cache(dir=str(tmp / "cache"))})
    scene = Scene(index=1, section_id="all", title="all", segments=segments, estimated_seconds=1)
    scene_voice.speak(scene, {h.id: h for h in fresh.show.hosts}, fresh, ModelCalls(fresh, "bench", tmp))


def _fresh_models() -> None:
    """Forget the models this process loaded (hibari, the recogniser): each floor loads each model
    once, as the build it is the floor of must."""
    hibari._load.cache_clear()
    hibari._durations.cache_clear()
    piper._durations.cache_clear()
    listening._model.cache_clear()


def _listen(voice: Path, episode: Episode) -> None:
    """The recogniser on one scene's voice, as the transcript stage hears it (model load included)."""
    samples, rate = media.read_wav(voice)
    listening.transcribe(media.resample(samples, rate, listening.SAMPLE_RATE), episode.acceptance.listen)


def voice_lanes(root: Path, slug: str) -> dict[str, float]:
    """Every scene's voice made again (a fresh cache), one job at a time and then two at once."""
    refs = _episode(root, slug)[2]
    targets = [f"results/{slug}/media/{scene_name(r.index)}/voice.wav" for r in refs]
    out = {}
    for label, lanes in (("voices_serial_s", ["--cores", "1"]), ("voices_two_at_once_s", ["--cores", "2"])):
        cmd = [sys.executable, "-m", "snakemake", "--profile", "profiles/default", *lanes, "--forcerun",
               "scene_voice", "--config", "approval=auto", "--", *targets]
        shutil.rmtree(root / ".showrunner-cache")  # nothing spoken before: every segment synthesized
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True,
                              text=True, check=False)
        out[label] = time.perf_counter() - started
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr[-4000:])
            raise SystemExit(f"bench: the voice-lane run failed in {root}")
    return out


def floor(root: Path, slug: str, noop: float, noop_cpu: float) -> dict[str, float]:
    """The cold build's floor (see 4. above), its parts in seconds; and the old definition's parts
    (the voices, then the slideshow encode alone); and the floor's CPU seconds (floor_cpu_s)."""
    episode, results, refs = _episode(root, slug)
    segments, slides = [], []
    for ref in refs:
        scene = read_model(results / ref.file, Scene)
        segments += scene.segments
        slides += _beat_slides(results / "media" / scene_name(ref.index))
    media_of = [results / "media" / scene_name(r.index) for r in refs]
    out: dict[str, float] = {"noop_s": noop}
    _fresh_models()
    with tempfile.TemporaryDirectory(prefix="showrunner-floor-") as tmp, ThreadPoolExecutor(2) as pool:
        _fresh_cache(Path(tmp))  # a cold build makes piper's seeded voice too
        started, cpu = time.perf_counter(), cpu_seconds()
        _speak(episode, segments, Path(tmp))
        out["voices_s"], cpu_s = time.perf_counter() - started, cpu_seconds() - cpu
        for name, tuned in (("encode_s", False), ("tuned_encode_s", True)):
            started = time.perf_counter()
            media.slideshow_floor(slides, Path(tmp) / f"{name}.mp4", video=episode.video, tuned=tuned)
            out[name] = time.perf_counter() - started
        cpu = cpu_seconds()
        out["side_by_side_s"] = _side_by_side(pool, episode, media_of, [m / "voice.wav" for m in media_of], Path(tmp),
                                              lambda: media.slideshow_floor(slides, Path(tmp) / "side.mp4",
                                                                            video=episode.video, tuned=False))
        out["measure_s"] = _measure(pool, results)
        cpu_s += cpu_seconds() - cpu
    out["floor_cpu_s"] = noop_cpu + cpu_s
    out["seconds_of_video"] = sum(seconds for _, seconds in slides)
    out["floor_s"] = noop + out["voices_s"] + out["side_by_side_s"] + out["measure_s"]
    out["old_floor_s"] = out["voices_s"] + out["encode_s"]
    return out


def _side_by_side(pool: ThreadPoolExecutor, episode: Episode, media_of: list[Path], heard: list[Path], tmp: Path,
                  video_encode) -> float:
    """Seconds for the video encode, the recogniser on `heard`, the soundtrack's AAC and the podcast's
    MP3 side by side on the cores (the whole narration's audio, as the episode's stages encode it)."""
    rate = episode.audio.sample_rate
    mix = episode_audio.narration([m / "voice.wav" for m in media_of], [m / "timings.json" for m in media_of], rate)
    mix = audio.to_float(mix)
    mp3 = [*media.pcm_input(rate), "-c:a", "libmp3lame", "-b:a", episode.audio.podcast_bitrate, tmp / "podcast.mp3"]
    started = time.perf_counter()
    for job in [pool.submit(lambda: [_listen(voice, episode) for voice in heard]),
                pool.submit(media.encode_soundtrack, mix, rate, tmp / "soundtrack.m4a"),
                pool.submit(media.ffmpeg, mp3, what="floor: MP3", stdin=mix.astype("<f4").tobytes()),
                pool.submit(video_encode)]:
        job.result()
    return time.perf_counter() - started


def _measure(pool: ThreadPoolExecutor, results: Path) -> float:
    """Seconds for measuring final.mp4's and podcast.mp3's loudness side by side."""
    started = time.perf_counter()
    for job in [pool.submit(media.loudness, results / name) for name in ("final.mp4", "podcast.mp3")]:
        job.result()
    return time.perf_counter() - started


def _beat_slides(media_dir: Path) -> list[tuple[Path, float]]:
    """A scene's beat stills and how long each is shown (scene_clip's provenance)."""
    shown = json.loads((media_dir / "clip.provenance.json").read_text())["parameters"]["beats"]
    files = json.loads((media_dir / "beats" / "beats.json").read_text())["beats"]
    return [(media_dir / "beats" / files[row["beat"] - 1]["file"], row["seconds"]) for row in shown]


def edit_floor(root: Path, slug: str, scene: int, noop: float, noop_cpu: float) -> dict[str, float]:
    """What a one-scene edit cannot avoid (see 5. above), in seconds; and in CPU seconds (edit_floor_cpu_s)."""
    episode, results, refs = _episode(root, slug)
    media_of = [results / "media" / scene_name(r.index) for r in refs]
    edited = results / "media" / scene_name(scene)
    out: dict[str, float] = {"noop_s": noop}
    _fresh_models()
    with tempfile.TemporaryDirectory(prefix="showrunner-edit-floor-") as tmp, ThreadPoolExecutor(2) as pool:
        segments = read_model(results / "scenes" / f"{scene_name(scene)}.json", Scene).segments
        _fresh_cache(Path(tmp), root / ".showrunner-cache")  # an edit finds piper's seeded voice made
        started, cpu = time.perf_counter(), cpu_seconds()
        _speak(episode, segments, Path(tmp))
        out["voice_s"] = time.perf_counter() - started
        stills = [(still, round(seconds * episode.video.fps)) for still, seconds in _beat_slides(edited)]
        out["encode_s"] = _side_by_side(pool, episode, media_of, [edited / "voice.wav"], Path(tmp),
                                        lambda: encode_beats(stills, Path(tmp) / "clip.mp4", video=episode.video))
        out["measure_s"] = _measure(pool, results)
        cpu_s = cpu_seconds() - cpu
        out["edit_floor_s"] = sum(out.values())
        out["edit_floor_cpu_s"] = noop_cpu + cpu_s
        _fresh_cache(Path(tmp) / "warm")  # the old definition's voice: piper's voice seeded again, hibari
        started = time.perf_counter()  # already loaded (by the cold floor, before)
        _speak(episode, segments, Path(tmp) / "warm")
        out["old_edit_floor_s"] = out["edit_floor_s"] - out["voice_s"] + time.perf_counter() - started
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slug", default="ep1")
    parser.add_argument("--scene", type=int, default=2, help="the scene to edit")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args()

    load_before = os.getloadavg()  # others' work on the machine shows in every number: say how busy it was
    tmp = Path(tempfile.mkdtemp(prefix="showrunner-bench-"))
    root = tmp / "repo"
    shutil.copytree(REPO, root, ignore=IGNORE)
    try:
        cold, cold_rules, cold_cpu = snakemake(root, args.slug, "cold")
        listened = read_json(root / "results" / args.slug / "transcript.json")  # the whole narration, cold
        noop, noop_rules, noop_cpu = snakemake(root, args.slug, "noop")
        edited = edit_scene(root / "results" / args.slug, args.scene)
        edit, edit_rules, edit_cpu = snakemake(root, args.slug, "edit")
        measured = floor(root, args.slug, noop, noop_cpu)
        least = edit_floor(root, args.slug, args.scene, noop, noop_cpu)
        accepted = read_json(root / "results" / args.slug / "acceptance.json")
        lanes = voice_lanes(root, args.slug)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    floor_s, old_floor_s = measured["floor_s"], measured["old_floor_s"]
    tuned_s = measured["voices_s"] + measured["tuned_encode_s"]
    heard = {c["name"]: c for c in accepted["checks"]}
    report = {
        "cold_s": round(cold, 2), "cold_jobs": len(cold_rules),
        "noop_s": round(noop, 2), "noop_jobs": len(noop_rules),
        "edit_s": round(edit, 2), "edit_jobs": sorted(edit_rules), "edited": edited,
        "tuned_floor_s": round(tuned_s, 2),
        **{k: round(v, 2) for k, v in measured.items() if k != "noop_s"},
        "cold_over_floor": round(cold / floor_s, 2), "cold_over_old_floor": round(cold / old_floor_s, 2),
        "cold_over_tuned_floor": round(cold / tuned_s, 2),
        "load_average_before": load_before, "load_average_after": os.getloadavg(),
        "edit_over_cold": round(edit / cold, 3), "cpus": os.cpu_count(),
        **{(k if k.endswith(("edit_floor_s", "edit_floor_cpu_s")) else f"edit_floor_{k}"): round(v, 2)
           for k, v in least.items() if k != "noop_s"},  # the cold floor has encode_s and measure_s of its own
        "edit_floor_over_cold": round(least["edit_floor_s"] / cold, 3),
        "edit_over_edit_floor": round(edit / least["edit_floor_s"], 2),
        "edit_over_old_edit_floor": round(edit / least["old_edit_floor_s"], 2),
        "cold_cpu_s": round(cold_cpu, 2), "noop_cpu_s": round(noop_cpu, 2), "edit_cpu_s": round(edit_cpu, 2),
        "cold_cpu_over_floor_cpu": round(cold_cpu / measured["floor_cpu_s"], 2),
        "edit_cpu_over_edit_floor_cpu": round(edit_cpu / least["edit_floor_cpu_s"], 2),
        "recogniser": listened["recogniser"], "recogniser_cost": listened["cost"],
        "recogniser_cpu_per_audio_s": round(listened["cost"]["cpu_s"] / max(listened["cost"]["audio_s"], 1e-9), 4),
        "words_heard": heard.get("words heard"), "caption_timing": heard.get("caption timing"),
        **{k: round(v, 2) for k, v in lanes.items()},
    }
    print(f"episode: {measured['seconds_of_video']:.1f} s of video; {os.cpu_count()} CPUs")
    config = load_config({**yaml.safe_load((REPO / "config.yaml").read_text()), "approval": "auto"})
    voices = " + ".join(h.voice for h in config.episode(args.slug).show.hosts)
    print(f"floor:   {floor_s:6.2f} s  (Snakemake's start {noop:.2f} + {voices} {measured['voices_s']:.2f} + the "
          f"slideshow encode, listening to every scene, the AAC and the MP3 side by side "
          f"{measured['side_by_side_s']:.2f} + measuring both {measured['measure_s']:.2f})")
    print(f"         old floor {old_floor_s:.2f} s (the voices, then the slideshow encode {measured['encode_s']:.2f} s "
          f"alone); tuned floor {tuned_s:.2f} s (the voices + the encode with the clips' x264 settings)")
    print(f"cold:    {cold:6.2f} s  ({len(cold_rules)} jobs)   cold/floor = {cold / floor_s:.2f}  "
          f"(target <= {COLD_TARGET})  {'OK' if cold / floor_s <= COLD_TARGET else 'MISSED'};  "
          f"cold/old floor = {cold / old_floor_s:.2f}")
    print(f"no-op:   {noop:6.2f} s  ({len(noop_rules)} jobs)")
    print(f"edit:    {edit:6.2f} s  ({len(edit_rules)} jobs: {', '.join(sorted(edit_rules))})")
    print(f"         edit/cold = {edit / cold:.2f}  (target <= {EDIT_TARGET})  "
          f"{'OK' if edit / cold <= EDIT_TARGET else 'MISSED'}")
    edit_ratio = edit / least["edit_floor_s"]
    print(f"edit floor: {least['edit_floor_s']:5.2f} s  (Snakemake's start {noop:.2f} + the scene's voice "
          f"{least['voice_s']:.2f} + its clip, the AAC, the MP3 and listening to it on {os.cpu_count()} cores "
          f"{least['encode_s']:.2f} "
          f"+ measuring both {least['measure_s']:.2f}) = {least['edit_floor_s'] / cold:.2f} of cold;  "
          f"edit/edit floor = {edit_ratio:.2f}  (target <= {EDIT_FLOOR_TARGET})  "
          f"{'OK' if edit_ratio <= EDIT_FLOOR_TARGET else 'MISSED'};  edit/old edit floor "
          f"({least['old_edit_floor_s']:.2f} s, hibari already loaded) = {edit / least['old_edit_floor_s']:.2f}")
    print(f"CPU seconds (the process tree's; what a busy machine does not blur): cold {cold_cpu:.2f} / floor "
          f"{measured['floor_cpu_s']:.2f} = {cold_cpu / measured['floor_cpu_s']:.2f};  edit {edit_cpu:.2f} / "
          "edit floor "
          f"{least['edit_floor_cpu_s']:.2f} = {edit_cpu / least['edit_floor_cpu_s']:.2f};  no-op {noop_cpu:.2f}")
    cost = listened["cost"]
    print(f"listening: {listened['recogniser']['model']} ({listened['recogniser']['package']}) heard "
          f"{cost['audio_s']:.1f} s in {cost['cpu_s']:.2f} CPU s ({report['recogniser_cpu_per_audio_s']:.3f} CPU s "
          f"per audio s, {cost['wall_s']:.2f} s wall) in the cold build; the edit listened to its scene only")
    for name in ("words heard", "caption timing"):
        check = heard.get(name) or {}
        print(f"  {name}: {'pass' if check.get('passed') else 'FAIL'}: {check.get('measured')}")
    print(f"voice lanes: every scene's voice, one job at a time {lanes['voices_serial_s']:.2f} s, two at once "
          f"{lanes['voices_two_at_once_s']:.2f} s ({lanes['voices_serial_s'] / lanes['voices_two_at_once_s']:.2f}x)")
    print("load average (1, 5, 15 min): before " + ", ".join(f"{x:.2f}" for x in load_before) + "; after "
          + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} CPUs: above that, the numbers are "
          "not a quiet machine's)")
    if args.keep:
        print(f"kept: {root}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
