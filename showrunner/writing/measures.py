"""Measuring a script the way a critic would: length against the target, coverage of the
outline's key points, sentence length, repetition, markdown or URL leakage, and turn-taking.

`measure_script` returns the raw findings; `score` weighs them into 0..100 with reasons that
say what to fix. The offline critic is these two functions; the offline writer uses the same
measurements to revise a draft.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from showrunner.artifacts import Outline, Script
from showrunner.writing.sentences import content_stems, jaccard, split_sentences, word_count

# what a listener would hear as garbage: markdown syntax, URLs, HTML
LEAKS = [
    (re.compile(r"https?://|ftp://|www\.\w", re.I), "a URL"),
    (re.compile(r"`"), "a backtick"),
    (re.compile(r"#"), "a '#'"),
    (re.compile(r"\*"), "an asterisk"),
    (re.compile(r"\[[^\]]*\]\([^)]*\)"), "a markdown link"),
    (re.compile(r"</?[a-zA-Z][^>]*>"), "an HTML tag"),
    (re.compile(r"(?<!\w)_|_(?!\w)"), "an underscore"),
    (re.compile(r"\|"), "a table bar '|'"),
    (re.compile(r"[{}\\]"), "a code symbol"),
]

WEIGHTS = {"fit": 0.30, "coverage": 0.25, "sentences": 0.15, "repetition": 0.15, "leakage": 0.10,
           "speakers": 0.05}
COVERED = 0.5  # share of a key point's words a single segment must contain for it to count as covered
DUPLICATE = 0.6  # Jaccard similarity above which two sentences say the same thing


@dataclass
class ScriptMeasures:
    words: int
    target_words: int
    words_per_minute: int
    max_sentence_limit: int
    sentences: list[str] = field(default_factory=list)
    long_sentences: list[str] = field(default_factory=list)
    key_points: list[str] = field(default_factory=list)
    missing_key_points: list[str] = field(default_factory=list)
    repeated_ngram_share: float = 0.0
    duplicate_pairs: list[tuple[str, str]] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    unknown_speakers: list[str] = field(default_factory=list)
    self_talk: int = 0

    @property
    def minutes(self) -> float:
        return self.words / self.words_per_minute

    @property
    def target_minutes(self) -> float:
        return self.target_words / self.words_per_minute

    @property
    def duration_ratio(self) -> float:
        return self.words / self.target_words if self.target_words else 1.0

    @property
    def coverage(self) -> float:
        if not self.key_points:
            return 1.0
        return 1 - len(self.missing_key_points) / len(self.key_points)

    @property
    def mean_sentence_words(self) -> float:
        return sum(word_count(s) for s in self.sentences) / len(self.sentences) if self.sentences else 0.0

    @property
    def longest_sentence_words(self) -> int:
        return max((word_count(s) for s in self.sentences), default=0)


def key_point_covered(point: str, segment_stems: list[set[str]]) -> bool:
    stems = set(content_stems(point))
    if not stems:
        return True
    return any(len(stems & seg) / len(stems) >= COVERED for seg in segment_stems)


def measure_script(script: Script, outline: Outline, host_ids: list[str], *, target_words: int,
                   words_per_minute: int, max_sentence_words: int, title: str = "") -> ScriptMeasures:
    m = ScriptMeasures(words=script.words, target_words=target_words, words_per_minute=words_per_minute,
                       max_sentence_limit=max_sentence_words)
    for segment in script.segments:
        m.sentences.extend(split_sentences(segment.text))
    m.long_sentences = [s for s in m.sentences if word_count(s) > max_sentence_words]

    segment_stems = [set(content_stems(seg.text)) for seg in script.segments]
    m.key_points = [p for section in outline.sections for p in section.key_points]
    m.missing_key_points = [p for p in m.key_points if not key_point_covered(p, segment_stems)]

    # repetition: content-word trigrams said more than once (the episode title may recur)
    title_stems = set(content_stems(title))
    grams: Counter[tuple[str, ...]] = Counter()
    for sentence in m.sentences:
        stems = content_stems(sentence)
        for i in range(len(stems) - 2):
            gram = tuple(stems[i:i + 3])
            if not set(gram) <= title_stems:
                grams[gram] += 1
    total = sum(grams.values())
    m.repeated_ngram_share = round(sum(c - 1 for c in grams.values() if c > 1) / total, 4) if total else 0.0
    stem_sets = [(s, set(content_stems(s)) - title_stems) for s in m.sentences]
    for i, (a, sa) in enumerate(stem_sets):
        if len(sa) < 3:
            continue
        for b, sb in stem_sets[i + 1:]:
            if len(sb) >= 3 and jaccard(sa, sb) >= DUPLICATE:
                m.duplicate_pairs.append((a, b))

    for segment in script.segments:
        for pattern, what in LEAKS:
            if pattern.search(segment.text):
                m.leaks.append(f"{segment.id}: {what}")
    known = set(host_ids)
    m.unknown_speakers = sorted({s.speaker for s in script.segments if s.speaker not in known})
    if len(known) > 1:
        m.self_talk = sum(1 for a, b in itertools.pairwise(script.segments) if a.speaker == b.speaker)
    return m


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


def component_scores(m: ScriptMeasures) -> dict[str, float]:
    deviation = abs(m.duration_ratio - 1)
    long_share = len(m.long_sentences) / len(m.sentences) if m.sentences else 0.0
    return {
        "fit": _clamp(100 if deviation <= 0.10 else 100 - (deviation - 0.10) * 200),
        "coverage": _clamp(100 * m.coverage),
        "sentences": _clamp(100 - 250 * long_share - 5 * max(0.0, m.mean_sentence_words - 0.75 * m.max_sentence_limit)),
        "repetition": _clamp(100 - 300 * m.repeated_ngram_share - 20 * len(m.duplicate_pairs)),
        "leakage": _clamp(100 - 20 * len(m.leaks)),
        "speakers": _clamp(100 - 50 * len(m.unknown_speakers) - 20 * m.self_talk),
    }


def _quote(text: str, words: int = 10) -> str:
    parts = text.split()
    return "'" + " ".join(parts[:words]) + (" ...'" if len(parts) > words else "'")


def score(m: ScriptMeasures) -> tuple[int, list[str], dict[str, float]]:
    """(score 0..100, reasons naming what to fix, metrics). Blocking problems cap the score at 70."""
    parts = component_scores(m)
    total = sum(WEIGHTS[k] * v for k, v in parts.items())
    reasons: list[str] = []
    deviation = m.duration_ratio - 1
    blocking = False
    if abs(deviation) > 0.10:
        direction = "too long" if deviation > 0 else "too short"
        change = abs(m.words - m.target_words)
        verb = "cut" if deviation > 0 else "add"
        reasons.append(f"{direction}: {m.words} words is about {m.minutes:.1f} minutes against a target of "
                       f"{m.target_minutes:.1f} minutes ({m.target_words} words); {verb} about {change} words")
        blocking |= abs(deviation) > 0.20
    if m.missing_key_points:
        listed = "; ".join(_quote(p) for p in m.missing_key_points[:5])
        reasons.append(f"key points not covered ({len(m.missing_key_points)} of {len(m.key_points)}): {listed}")
        blocking |= m.coverage < 0.5
    if m.long_sentences:
        reasons.append(f"{len(m.long_sentences)} sentence(s) longer than {m.max_sentence_limit} words; split "
                       f"them, e.g. {_quote(m.long_sentences[0])}")
    elif m.mean_sentence_words > 0.75 * m.max_sentence_limit:
        reasons.append(f"sentences average {m.mean_sentence_words:.0f} words; shorter sentences are easier to follow")
    if m.duplicate_pairs:
        a, b = m.duplicate_pairs[0]
        reasons.append(f"{len(m.duplicate_pairs)} near-duplicate sentence pair(s), e.g. {_quote(a)} and {_quote(b)}")
        blocking |= len(m.duplicate_pairs) >= 2
    if m.repeated_ngram_share > 0.05:
        reasons.append(f"repetitive: {m.repeated_ngram_share:.0%} of the three-word phrases are said more than once")
        blocking |= m.repeated_ngram_share > 0.15
    if m.leaks:
        reasons.append(f"not speakable: {', '.join(m.leaks[:5])}; narration must have no markdown, code or URLs")
        blocking = True
    if m.unknown_speakers:
        reasons.append(f"speakers that are not hosts: {', '.join(m.unknown_speakers)}")
        blocking = True
    if m.self_talk:
        reasons.append(f"{m.self_talk} place(s) where a host speaks twice in a row; alternate the hosts")
    final = round(total)
    if blocking:
        final = min(final, 70)
    metrics = {
        "words": float(m.words),
        "target_words": float(m.target_words),
        "minutes": round(m.minutes, 3),
        "target_minutes": round(m.target_minutes, 3),
        "duration_ratio": round(m.duration_ratio, 4),
        "key_points": float(len(m.key_points)),
        "key_point_coverage": round(m.coverage, 4),
        "sentences": float(len(m.sentences)),
        "mean_sentence_words": round(m.mean_sentence_words, 2),
        "max_sentence_words": float(m.longest_sentence_words),
        "long_sentences": float(len(m.long_sentences)),
        "repeated_ngram_share": m.repeated_ngram_share,
        "near_duplicate_sentences": float(len(m.duplicate_pairs)),
        "leaks": float(len(m.leaks)),
        "self_talk": float(m.self_talk),
        **{f"score_{k}": round(v, 2) for k, v in parts.items()},
    }
    return max(0, min(100, final)), reasons, metrics
