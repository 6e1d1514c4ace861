"""Listening to the narration: an offline recogniser, word error rate, and caption timing.

    transcribe     faster-whisper (CTranslate2, int8 on the CPU) on a Whisper model that ships in
                   pinned packages (showrunner.voices.WHISPER_MODELS: tiny.en, or base, whose model.bin
                   comes in two halves joined in memory), loaded from memory, with word timestamps; its own
                   voice activity filter (defaults: silences over 2 s) keeps Whisper from filling the
                   silence after a scene's last word ("see you in the next video" 30 times on ep1's
                   scene 3, measured), and its hallucination filter drops an improbable segment beside
                   a silence ("Thank you for watching." twice after the fd README's last line)
    speech         the stretches of speech in the same audio, by the Silero voice activity detector
                   that ships inside faster-whisper (an ONNX model in its wheel)
    word_times     the recognised words' times, with each stretch's first word starting where the
                   stretch starts and its last word ending where it ends: Whisper's own word times
                   (cross-attention) land up to half a second late after a pause, the detector's
                   edges within a frame of 32 ms (measured on ep1: 45 of 62 cue edges within 150
                   ms of Whisper's times, 62 of 62 of these); words inside a stretch keep Whisper's
    word_error     jiwer's word error rate of what was heard against what the segments say, both
                   normalised by Whisper's own EnglishTextNormalizer (whisper-normalizer: numbers,
                   case, punctuation, spelling variants; British endings such as -isation and -tre
                   as American too, showrunner.pronunciation.american), then with spelled-out letters joined
                   ("S Q L" is "SQL") and a compound written apart on one side joined where the
                   other side writes it as one word ("back reference" is "backreference"), and a
                   heard word the segments do not hold written as their word of the same sounds
                   ("plane" for "plain", by the US gold lexicon in hibari-tts): the same sounds
                   spelled two ways are not errors; a lexicon term's respelling heard where the
                   segments say the term is the term ("standard error" for "stderr")
    terms_heard    each term a segment says (the lexicon's, the words no voice is sure of): heard as
                   itself or as the respelling the voice was told to say ("standard error"), or
                   not, with the scene and the time; the recogniser is given the scene's terms as
                   a glossary (Whisper's initial prompt), which helps it spell a term it heard but
                   does not make it write one it did not (tests/test_listening.py)
    cue_timing     each caption cue's start and end against the recognised words it holds
                   (tokens aligned by jiwer), and the worst offender

Nothing here reaches the network: the model is a local folder, checked against its sha256.
"""

from __future__ import annotations

import functools
import importlib.metadata
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from showrunner import voices
from showrunner.config import Listen
from showrunner.pronunciation import american, spelled_out

SAMPLE_RATE = 16000  # what Whisper listens at


@dataclass(frozen=True)
class Word:
    text: str
    start: float  # seconds from the start of the narration
    end: float
    probability: float = 1.0


def recogniser(settings: Listen) -> dict[str, str]:
    """What made a transcript: the model, the package that ships it, and faster-whisper's version."""
    bundled = voices.WHISPER_MODELS[settings.model]
    return {"model": settings.model, "package": bundled.distribution, "model_sha256": bundled.model_sha256,
            "faster_whisper": importlib.metadata.version("faster-whisper"), "beam_size": str(settings.beam_size),
            "speech": "silero-vad " + " ".join(f"{k}={v}" for k, v in VAD.items()),
            "vad_filter": "faster-whisper defaults", "hallucination_silence_threshold": str(HALLUCINATION_SILENCE_S),
            "max_compression_ratio": str(MAX_COMPRESSION_RATIO)}


@functools.lru_cache(maxsize=1)
def _model(name: str, threads: int, cache_dir: Path | None):
    from faster_whisper import WhisperModel  # MIT

    # from memory: the files checked against their pinned sha256, model.bin joined from its parts; the tokenizer
    # is among them, so faster-whisper never fetches one
    files = voices.recogniser_files(voices.WHISPER_MODELS[name], cache_dir)
    return WhisperModel(f"whisper-{name}", device="cpu", compute_type="int8", cpu_threads=threads,
                        local_files_only=True, files=files)


# faster-whisper skips a segment it finds anomalous (improbable words, squeezed times) beside a silence this
# long: the "Thank you for watching." Whisper writes twice into the half second of padding after a scene's
# last word (the fd README, measured: 8 extra words of 152)
HALLUCINATION_SILENCE_S = 0.5


# Whisper's own test of a failed decoding: text that gzip compresses more than this is a loop ("see you in
# the next video, see you in the next video, ..."); Whisper then decodes again at a higher temperature,
# which would make transcripts random, so here the segment is dropped
MAX_COMPRESSION_RATIO = 2.4


def decoded(segments):
    """The segments Whisper decoded, without those that failed as a loop (MAX_COMPRESSION_RATIO)."""
    return [s for s in segments if s.compression_ratio <= MAX_COMPRESSION_RATIO]


def glossary(terms: list[str]) -> str | None:
    """The recogniser's initial prompt for these terms: how they are written, not how they sound."""
    return f"Glossary: {', '.join(terms)}." if terms else None


def transcribe(samples: np.ndarray, settings: Listen, cache_dir: Path | None = None,
               threads: int = 1, vocabulary: list[str] | tuple[str, ...] = ()) -> tuple[list[Word], dict]:
    """Words heard in float32 mono samples at 16 kHz, and the cost (wall and CPU seconds); `vocabulary`:
    terms the speech may hold, given to the recogniser as a glossary."""
    started, cpu = time.perf_counter(), time.process_time()
    model = _model(settings.model, threads, cache_dir)
    segments, _ = model.transcribe(np.asarray(samples, dtype=np.float32), language="en", beam_size=settings.beam_size,
                                   temperature=0.0, word_timestamps=True, condition_on_previous_text=False,
                                   vad_filter=True, initial_prompt=glossary(list(vocabulary)),
                                   hallucination_silence_threshold=HALLUCINATION_SILENCE_S)
    words = [Word(w.word.strip(), round(float(w.start), 3), round(float(w.end), 3), round(float(w.probability), 3))
             for segment in decoded(segments) for w in (segment.words or []) if w.word.strip()]
    cost = {"wall_s": round(time.perf_counter() - started, 3), "cpu_s": round(time.process_time() - cpu, 3),
            "audio_s": round(samples.size / SAMPLE_RATE, 3)}
    return words, cost


# Silero VAD's settings: a pause of 60 ms (two of its frames) ends a stretch of speech, and a stretch ends
# where the speech probability falls below 0.45 (its default, 0.35, lags by about 200 ms); no padding.
VAD = {"threshold": 0.5, "neg_threshold": 0.45, "min_silence_duration_ms": 60, "speech_pad_ms": 0}
SNAP_REACH_S = 0.5  # a stretch's edge moves a word's time inside it this far at most
# a short word Whisper gives less than this probability (a hallucinated "in." or "on.") times nothing; a
# longer one does: a glossary term is often written right with a low probability ("ripgrep?" 0.09)
UNSURE = 0.2


def speech(samples: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) seconds of each stretch of speech in float32 mono samples at 16 kHz."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps  # MIT: Silero VAD, in the wheel

    found = get_speech_timestamps(np.asarray(samples, dtype=np.float32), VadOptions(**VAD), sampling_rate=SAMPLE_RATE)
    return [(round(s["start"] / SAMPLE_RATE, 3), round(s["end"] / SAMPLE_RATE, 3)) for s in found]


PHRASE_ENDS = ".,;:!?"
TAIL_GAP_S = 0.15  # a stretch that holds no word and follows another this closely is its word's tail


def _tails_joined(stretches: list[tuple[float, float]], words: list[Word]) -> list[tuple[float, float]]:
    """Stretches with a short one that no word belongs to (_owners) joined to the one before: the detector
    hears the hiss of a last "s" after a dip of a frame or two as speech of its own (ep1: "once." ends
    at 101.535 s, the stretch holding its middle at 101.279 s)."""
    owned = set(_owners(stretches, words))
    out: list[tuple[float, float]] = []
    for i, (start, end) in enumerate(stretches):
        if out and i not in owned and start - out[-1][1] <= TAIL_GAP_S:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _owners(stretches: list[tuple[float, float]], words: list[Word]) -> list[int]:
    """For each word, the stretch nearest its middle; but a word Whisper put in the pause between two
    stretches belongs to the one before when it ends a phrase ("works?" timed into the pause after it,
    quickfetch) and to the one after when the word before it ended one."""
    owner = []
    for k, w in enumerate(words):
        middle = (w.start + w.end) / 2
        nearest = min(range(len(stretches)),
                      key=lambda i: max(stretches[i][0] - middle, middle - stretches[i][1], 0.0))
        before = [i for i, (_, end) in enumerate(stretches) if end <= middle]
        in_gap = not stretches[nearest][0] <= middle <= stretches[nearest][1] and before \
            and before[-1] + 1 < len(stretches)
        if in_gap and w.text.rstrip()[-1:] in PHRASE_ENDS:
            nearest = before[-1]
        elif in_gap and k and words[k - 1].text.rstrip()[-1:] in PHRASE_ENDS:
            nearest = before[-1] + 1
        owner.append(nearest)
    return owner


def word_times(words: list[Word], stretches: list[tuple[float, float]]) -> list[Word]:
    """The sure words, each stretch of speech's first starting at its start and last ending at its end.

    A word belongs to the stretch nearest its middle. The first word's start moves to its stretch's
    start when Whisper's word spans that start (however far it begins before: no word starts in a
    silence) or begins within SNAP_REACH_S of it; the last word's end likewise. Words inside a
    stretch keep Whisper's times.
    """
    sure = [w for w in words if w.probability >= UNSURE or sum(ch.isalnum() for ch in w.text) > 3]
    stretches = _tails_joined(stretches, sure) if stretches else []
    if not stretches:
        return sure
    owner = _owners(stretches, sure)
    out = list(sure)
    for i, (start, end) in enumerate(stretches):
        held = [k for k, o in enumerate(owner) if o == i]
        if not held:
            continue
        first, last = held[0], held[-1]
        if out[first].start < start < out[first].end or abs(out[first].start - start) <= SNAP_REACH_S:
            w = out[first]
            out[first] = Word(w.text, start, max(w.end, start), w.probability)
        if out[last].start < end < out[last].end or abs(out[last].end - end) <= SNAP_REACH_S:
            w = out[last]
            out[last] = Word(w.text, min(w.start, end), end, w.probability)
    return out


# --- comparing --------------------------------------------------------------------------------


@functools.cache
def _normaliser():
    from whisper_normalizer.english import EnglishTextNormalizer  # MIT: Whisper's own normaliser

    return EnglishTextNormalizer()


def tokens(text: str) -> list[str]:
    """The words of `text` as the comparison sees them: lower case, numbers as digits, no punctuation,
    American spelling ("optimisation" is "optimization": Whisper writes either for the same sounds). What
    stands in brackets is kept: Whisper's normaliser drops it, but the voices say it ("ripgrep (rg)"); a
    number's dots are dropped ("1.77.0" is "1770", as is "177 .0")."""
    text = re.sub(r"[()\[\]<>{}]", " ", text)
    # a version's dots ("1.77.0", heard "177 .0") joined away on both sides: Whisper's normaliser reads
    # "1.77.0" as "one.77.0", and the recogniser writes the same sounds in several ways
    text = re.sub(r"(?<=\d) ?\.(?=\d)", "", text)
    return [american(w) for w in _normaliser()(text).split()]


def key(text: str) -> str:
    """A term as one token, however it is spaced or hyphenated: "SHA-256" and "sha 256" are "sha256"."""
    return "".join(tokens(text))


def _letters_joined(words: list[str]) -> list[str]:
    """Runs of two or more single letters as one word: "s q l" is "sql"."""
    out: list[str] = []
    run: list[str] = []
    for w in [*words, ""]:
        if len(w) == 1 and w.isalpha():
            run.append(w)
            continue
        out += ["".join(run)] if len(run) > 1 else run
        run = []
        if w:
            out.append(w)
    return out


def _compound_spans(words: list[str], vocabulary: set[str], longest: int = 3) -> list[tuple[int, int]]:
    """The words as spans [i, j): neighbouring words joined where the other text writes them as one
    word ("back reference"), the longest join first; every other word a span of its own."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        n = next((n for n in range(min(longest, len(words) - i), 1, -1)
                  if "".join(words[i:i + n]) in vocabulary), 1)
        spans.append((i, i + n))
        i += n
    return spans


def _compounds_joined(words: list[str], vocabulary: set[str], longest: int = 3) -> list[str]:
    """Neighbouring words joined where the other text writes them as one word ("back reference")."""
    return ["".join(words[i:j]) for i, j in _compound_spans(words, vocabulary, longest)]


@functools.cache
def _sounds() -> dict[str, frozenset[str]]:
    """{word: its American pronunciations, stress marks dropped}: the lower-case words of the gold lexicon
    (misaki's, Apache-2.0) that ships in hibari-tts, the voice package; {} where it is not installed. Not
    its acronyms: "sequel" is no way to hear SQL, which the lexicon spells out."""
    import gzip
    import json
    from importlib import resources

    try:
        raw = json.loads(gzip.decompress(resources.files("hibari").joinpath("assets/lexicon_us_gold.json.gz")
                                         .read_bytes()))
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    def said(how) -> frozenset[str]:
        return frozenset(p.replace("ˈ", "").replace("ˌ", "") for p in (how.values() if isinstance(how, dict)
                                                                       else [how]) if p)
    # words, not names, acronyms or the lower-case letters the lexicon spells out (sql, fd)
    return {word: said(how) for word, how in raw.items() if word.islower() and not spelled_out(word)}


def _homophones_joined(words: list[str], vocabulary: set[str]) -> list[str]:
    """Each word the other text does not hold, written as the other text's word that sounds the same
    ("plane" is "plain" where only the lines say "plain"): a recogniser cannot tell them apart."""
    sounds = _sounds()
    by_sound: dict[str, str] = {}
    for word in sorted(vocabulary):
        for sound in sounds.get(word, ()):
            by_sound.setdefault(sound, word)
    out = []
    for word in words:
        if word not in vocabulary:
            word = next((by_sound[s] for s in sorted(sounds.get(word, ())) if s in by_sound), word)
        out.append(word)
    return out


# words that sound like a letter's name: "R G" is heard as "are g", "C I" as "see i"
LETTER_NAMES = {"are": "r", "our": "r", "you": "u", "see": "c", "sea": "c", "why": "y", "eye": "i", "oh": "o",
                "be": "b", "bee": "b", "tea": "t", "tee": "t", "queue": "q", "cue": "q", "ex": "x", "jay": "j",
                "kay": "k", "pea": "p", "pee": "p", "es": "s", "em": "m", "en": "n", "el": "l", "ef": "f",
                "gee": "g", "aitch": "h", "zed": "z", "zee": "z", "dee": "d", "vee": "v"}


def _spelled_joined(words: list[str], vocabulary: set[str], longest: int = 5) -> list[str]:
    """Runs of letters and words that sound like letters joined where the other text holds the joined
    letters as a word ("are g" is "rg" where the lines say rg); every other word as it is."""
    def letter(word: str) -> str | None:
        return word if len(word) == 1 and word.isalpha() else LETTER_NAMES.get(word)
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 1, -1):
            letters = [letter(w) for w in words[i:i + n]]
            if all(letters) and "".join(letters) in vocabulary:  # type: ignore[arg-type]
                out.append("".join(letters))  # type: ignore[arg-type]
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _respellings_joined(words: list[str], vocabulary: set[str], respellings: Mapping[str, str]) -> list[str]:
    """Each run of heard words that is a lexicon term's respelling written as the term, where the other text
    says the term: "stderr" respelled "standard error" and heard so is "stderr", not two errors."""
    said = sorted(((tokens(say), key(term)) for term, say in respellings.items() if key(term) in vocabulary),
                  key=lambda pair: -len(pair[0]))
    said = [(run, term) for run, term in said if run and run != [term]]
    out: list[str] = []
    i = 0
    while i < len(words):
        for run, term in said:
            if words[i:i + len(run)] == run:
                out.append(term)
                i += len(run)
                break
        else:
            out.append(words[i])
            i += 1
    return out


def comparable(reference: str, heard: str, respellings: Mapping[str, str] | None = None) -> tuple[list[str], list[str]]:
    """Both texts as word lists where the same sounds are spelled the same way (see word_error);
    `respellings` ({term: how the voice is told to say it}): a term heard as its respelling is the term."""
    ref = _letters_joined(tokens(reference))
    ref_vocab = set(ref)
    hyp = _letters_joined(_spelled_joined(_respellings_joined(tokens(heard), ref_vocab, respellings or {}),
                                          ref_vocab))
    hyp_vocab = set(hyp)
    return _compounds_joined(ref, hyp_vocab), _homophones_joined(_compounds_joined(hyp, ref_vocab), ref_vocab)


@dataclass(frozen=True)
class ErrorRate:
    rate: float
    reference_words: int
    substitutions: int
    deletions: int
    insertions: int


def word_error(reference: str, heard: str, respellings: Mapping[str, str] | None = None) -> ErrorRate:
    """jiwer's word error rate of `heard` against `reference`, both made comparable (a lexicon term heard as
    its respelling, {term: say}, is no error)."""
    import jiwer  # Apache-2.0

    ref_words, hyp_words = comparable(reference, heard, respellings)
    ref, hyp = " ".join(ref_words), " ".join(hyp_words)
    if not ref:
        return ErrorRate(0.0 if not hyp else 1.0, 0, 0, 0, len(hyp.split()))
    if not hyp:
        count = len(ref.split())
        return ErrorRate(1.0, count, 0, count, 0)
    out = jiwer.process_words(ref, hyp)
    return ErrorRate(round(out.wer, 4), out.hits + out.substitutions + out.deletions, out.substitutions,
                     out.deletions, out.insertions)


@dataclass(frozen=True)
class Said:
    """One spoken segment (a host's turn): where it is in the episode and what it says."""

    scene: int
    start: float  # seconds from the start of the narration
    end: float
    text: str


@dataclass(frozen=True)
class TermHeard:
    term: str
    kind: str  # "lexicon" | "unsure"
    said: int  # segments that say it
    heard: int  # of those, segments where the recogniser wrote it
    missed: tuple[str, ...]  # where it was missed: "scene 02 at 0:41.2, heard 'engine x'"

    @property
    def passed(self) -> bool:
        return self.heard == self.said


REACH_S = 0.5  # a segment's words are those heard from this long before it starts to this long after it ends


def terms_heard(segments: list[Said], words: list[Word], terms: dict[str, str], longest: int = 6,
                respellings: Mapping[str, str] | None = None) -> list[TermHeard]:
    """For each term ({term: kind}) that the segments say, in how many segments it was heard as itself or as
    its respelling ({term: say}: the voice was told to say "stderr" as "standard error", and a recogniser
    that hears "standard error" heard it said right): its key (key()), or its respelling's, is the joined
    text of some run of the words heard in the segment's time."""
    out = []
    for term, kind in terms.items():
        wanted = key(term)
        wanted_too = {key(say) for say in [(respellings or {}).get(term)] if say} - {""}
        pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?:'s|s)?(?![\w-])", re.IGNORECASE)
        said = heard = 0
        missed: list[str] = []
        for segment in segments:
            if not pattern.search(segment.text):
                continue
            said += 1
            near = [t for w in words if segment.start - REACH_S <= (w.start + w.end) / 2 <= segment.end + REACH_S
                    for t in tokens(w.text)]
            runs = {"".join(near[i:i + n]) for i in range(len(near)) for n in range(1, longest + 1)}
            runs |= _unglued(near, set(tokens(segment.text)))
            if any(_same_term(r, w) for r in runs for w in {wanted, *wanted_too}):
                heard += 1
            else:
                minutes, seconds = divmod(segment.start, 60)
                missed.append(f"scene {segment.scene:02d} at {int(minutes)}:{seconds:04.1f}, heard "
                              f"{_nearest(near, wanted)!r}")
        if said:
            out.append(TermHeard(term, kind, said, heard, tuple(missed)))
    return out


def _unglued(heard: list[str], said: set[str]) -> set[str]:
    """What is left of each heard word that begins or ends with another word of the segment: Whisper writes
    "Run kubectl" as "runcubectl" now and then, and "like ls. fd also" as "LSFD"."""
    out = set()
    for word in heard:
        for k in range(2, len(word) - 1):
            if word[:k] in said:
                out.add(word[k:])
            if word[k:] in said:
                out.add(word[:k])
    return out


def _same_term(heard: str, wanted: str) -> bool:
    """The term as written, its plural, or (for a term of six letters or more) one letter off: "cubectl" is
    how Whisper spells "kubectl" said right; "cubicle" or "background" is not."""
    if heard in (wanted, wanted + "s", wanted + "es"):
        return True
    return len(wanted) >= 6 and abs(len(heard) - len(wanted)) <= 1 and _edits(heard, wanted) <= 1


def _edits(a: str, b: str) -> int:
    """Levenshtein distance."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def _nearest(near: list[str], wanted: str) -> str:
    """The run of heard words most like the term (what it was heard as), for the report."""
    import difflib

    runs = [" ".join(near[i:i + n]) for i in range(len(near)) for n in (1, 2, 3)]
    best = max(runs, key=lambda r: difflib.SequenceMatcher(None, r.replace(" ", ""), wanted).ratio(), default="")
    return best


def _joined_in_time(words: list[str], times: list[tuple[float, float]], vocabulary: set[str],
                    longest: int = 3) -> tuple[list[str], list[tuple[float, float]]]:
    """Heard words joined as in comparable() (letters spelled out, a compound the cues write as one word),
    each joined word timed from its first part's start to its last part's end."""
    spans = _compound_spans(words, vocabulary, longest)
    return ["".join(words[i:j]) for i, j in spans], [(times[i][0], times[j - 1][1]) for i, j in spans]


@dataclass(frozen=True)
class CueOffset:
    cue: int  # 1-based, as in captions.srt
    edge: str  # "start" | "end"
    offset: float  # cue time minus the recognised word's time, in seconds
    text: str


def cue_timing(cues: list[tuple[float, float, str]], words: list[Word]) -> tuple[list[CueOffset], int]:
    """Each cue's start against the start of its first recognised word, and its end against the end
    of its last; (the offsets measured, the number of cue edges whose word was not recognised).

    Cue words and heard words are aligned token by token (jiwer); an edge is measured when the
    cue's first (last) word was heard, as itself or as a substitute at that place.
    """
    import jiwer

    ref: list[str] = []
    owner: list[int] = []
    for i, (_, _, text) in enumerate(cues):
        for token in tokens(text):
            ref.append(token)
            owner.append(i)
    hyp: list[str] = []
    times: list[tuple[float, float]] = []
    for word in words:
        for token in tokens(word.text):
            hyp.append(token)
            times.append((word.start, word.end))
    hyp, times = _joined_in_time(hyp, times, set(ref))
    heard_as: dict[int, int] = {}  # ref token -> hyp token
    misheard: set[int] = set()  # ref tokens heard as another word
    extra_before: dict[int, tuple[int, int]] = {}  # ref token -> hyp tokens heard just before it, matching none
    if ref and hyp:
        for chunk in jiwer.process_words(" ".join(ref), " ".join(hyp)).alignments[0]:
            if chunk.type in ("equal", "substitute"):
                for k in range(chunk.ref_end_idx - chunk.ref_start_idx):
                    heard_as[chunk.ref_start_idx + k] = chunk.hyp_start_idx + k
                    if chunk.type == "substitute":
                        misheard.add(chunk.ref_start_idx + k)
            elif chunk.type == "insert":
                extra_before[chunk.ref_start_idx] = (chunk.hyp_start_idx, chunk.hyp_end_idx)
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for k, cue in enumerate(owner):
        first.setdefault(cue, k)
        last[cue] = k
    offsets: list[CueOffset] = []
    unmeasured = 0
    for i, (start, end, text) in enumerate(cues):
        if i not in first:
            continue
        for edge, k, cue_time, pick in (("start", first[i], start, 0), ("end", last[i], end, 1)):
            if k not in heard_as:
                unmeasured += 1
                continue
            heard = times[heard_as[k]][pick]
            # a misheard word heard as two ("input" as "and put"): the extra word beside it is its other half
            if k in misheard and edge == "start" and k in extra_before:
                heard = times[extra_before[k][0]][0]
            elif k in misheard and edge == "end" and k + 1 in extra_before:
                heard = times[extra_before[k + 1][1] - 1][1]
            offsets.append(CueOffset(i + 1, edge, round(cue_time - heard, 3), text))
    return offsets, unmeasured
