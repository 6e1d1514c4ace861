"""Sentences, words and how much a sentence says: splitting, light stemming, salience."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

STOPWORDS = frozenset("""
a about above after again against all almost also although always am among an and another any anyone
anything are aren't around as at be became because become been before being below between both but by can
cannot can't could couldn't did didn't do does doesn't doing don't done down during each either else enough
even ever every few for from further get gets getting give given gives go goes going got had hadn't has
hasn't have haven't having he her here hers herself him himself his how however i if in into is isn't it
its it's itself just less let like made make makes many may me might more most much must my myself need
needs never no nor not now of off often on once one only onto or other others otherwise our ours ourselves
out over own per perhaps put quite rather really same see seen shall she should shouldn't since so some
something still such than that that's the their theirs them themselves then there there's these they
they're thing things this those though through thus to too toward towards under until up upon us use used
uses using very via was wasn't way we well were weren't what whatever when where whether which while who
whom whose why will with within without won't would wouldn't yet you your yours yourself yourselves
say says said e.g i.e etc
""".split())

ANAPHORA = re.compile(r"^(it|its|they|them|their|this|these|that|those|he|she|his|her|both|such|"
                      r"but|and|so|or|then|also|however|instead(?! of\b)|still|yet|here|there|the last one|"
                      r"the other|the same|the function above|the code above|the table above)\b", re.I)

_ABBREVIATIONS = {"e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "st", "fig", "no", "approx", "cf",
                  "al", "inc", "ltd", "jr", "sr", "u.s", "ca", "ch", "sec", "vol", "eq"}
_SPLIT = re.compile(r"[.!?][\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping abbreviations such as e.g. and decimals like 12.2 whole."""
    text = " ".join(text.split())
    if not text:
        return []
    pieces: list[str] = []
    start = 0
    for match in _SPLIT.finditer(text):
        candidate = text[start:match.start() + 1]
        last_word = candidate.rsplit(" ", 1)[-1].rstrip(".!?\"')]").lower()
        if candidate.endswith(".") and (last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word)):
            continue
        piece = text[start:match.end()].strip()
        if piece:
            pieces.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def words(text: str) -> list[str]:
    """Word tokens, lowercased, with surrounding punctuation dropped."""
    return [w.strip("'-").lower() for w in _WORD.findall(text) if w.strip("'-")]


def word_count(text: str) -> int:
    return len(text.split())


# How long words take to say goes by their letters, not their number: the show's voices said 10.9-12.8
# letters and digits a second on each of the 16 seen corpus episodes while their words a minute ranged
# 126-179 (a paper's long words, a tutorial's short ones). At words_per_minute a word is this many letters
# of speaking time: 150 a minute is 705 letters, 11.75 a second, the middle of the measured range.
LETTERS_PER_WORD = 4.7


def spoken_words(text: str) -> float:
    """How long `text` takes to say, in words of LETTERS_PER_WORD letters and digits."""
    return sum(ch.isalnum() for ch in text) / LETTERS_PER_WORD


def stem(word: str) -> str:
    """A light suffix-stripping stemmer: hashes, hashing, hashed -> hash; caches, cache -> cach."""
    w = word.lower()
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith(("ches", "shes", "xes", "zes", "sses")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and len(w) > 5:
        w = w[:-3]
        if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "ls":
            w = w[:-1]
    elif w.endswith("ed") and len(w) > 4:
        w = w[:-2]
        if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "ls":
            w = w[:-1]
    elif w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (stopwords and one-letter words dropped)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def overlap(a: str | set[str], b: str | set[str]) -> float:
    """Share of a's content stems that also occur in b (0..1)."""
    sa = set(content_stems(a)) if isinstance(a, str) else a
    sb = set(content_stems(b)) if isinstance(b, str) else b
    return len(sa & sb) / len(sa) if sa else 0.0


def jaccard(a: str | set[str], b: str | set[str]) -> float:
    sa = set(content_stems(a)) if isinstance(a, str) else a
    sb = set(content_stems(b)) if isinstance(b, str) else b
    return len(sa & sb) / len(sa | sb) if (sa or sb) else 0.0


_LEANS_BACK = re.compile(r"\b(?:all|both|each|none|most|some|many|either|neither) of (?:them|these|those)\b|"
                         r"\b(?:this|that|these|those) (?:cost|problem|idea|rule|approach|case|step|way|question|"
                         r"promise|one|kind|point|method|trick)s?\b|"
                         r"\b(?:on|of|about|with|to|for) (?:this|that|these|those|them|it)\s*[.!?]?$|"
                         r"\b(?:the|this) (?:above|former|latter)\b", re.I)


def leans_back(sentence: str) -> int:
    """How much a sentence leans on the one before it: 2 when it opens with a pronoun or a
    connective ("They compute ...", "But ..."), 1 when a phrase inside points back ("... all of
    them ...", "... instead."), 0 when it stands on its own."""
    text = sentence.strip().lstrip("\"'(")
    if ANAPHORA.match(text):
        return 2
    return 1 if _LEANS_BACK.search(text) else 0


def depends_on_previous(sentence: str) -> bool:
    return leans_back(sentence) > 0


# --- salience --------------------------------------------------------------------------------


@dataclass
class Candidate:
    """A sentence of a source, with where it sits, before and after scoring."""

    text: str
    section: str  # heading path
    heading: str  # the nearest heading (or the document title)
    source: str
    location: str
    sentence_in_block: int  # 0 for the first sentence of its paragraph
    block_in_section: int  # 0 for the first block under its heading
    kind: str = "paragraph"
    block: int = 0  # the block's index in its source
    stems: list[str] = field(default_factory=list)
    score: float = 0.0


LEDE_BONUS = 0.15  # a sentence of the document's first paragraph (it says what the subject is)


def score_candidates(candidates: list[Candidate], title: str = "") -> None:
    """Give each candidate a salience score in 0..1 (1 = the most salient sentence).

    Term weight is TF-IDF over the whole corpus with each sentence as a document: words the
    sources keep coming back to score high, but words in every sentence do not. A sentence's
    score is the sum of its distinct terms' weights over the square root of their number (so
    long sentences are not favoured for length alone), times bonuses for sitting first in its
    paragraph or section and for sharing words with its heading or the episode title, and
    penalties for being very short, very long, or leaning on the sentence before it.
    """
    if not candidates:
        return
    for c in candidates:
        c.stems = content_stems(c.text)
    n = len(candidates)
    tf: Counter[str] = Counter()
    df: Counter[str] = Counter()
    for c in candidates:
        tf.update(c.stems)
        df.update(set(c.stems))
    weight = {t: 0.15 + math.log1p(tf[t] - 1) * min(1.0, math.log((n + 1) / df[t])) for t in tf}
    title_stems = set(content_stems(title))
    ledes = {c.source: c.block for c in sorted(candidates, key=lambda c: c.block, reverse=True)}
    central: list[float] = []
    for c in candidates:
        unique = set(c.stems)
        central.append(sum(weight[t] for t in unique) / len(unique) ** 0.6 if unique else 0.0)
    most = max(central) or 1.0
    raw: list[float] = []
    for c, centrality in zip(candidates, central, strict=True):
        unique = set(c.stems)
        value = 0.65 * centrality / most
        if c.sentence_in_block == 0:  # the topic sentence of a section, or of a paragraph
            value += 0.35 if c.block_in_section == 0 else 0.15
        value += min(0.3, 0.1 * len(unique & (set(content_stems(c.heading)) | title_stems)))
        if ledes.get(c.source) == c.block:  # the document's first paragraph: what the subject is
            value += LEDE_BONUS
        length = word_count(c.text)
        if length < 6:
            value *= 0.4
        elif length < 9:
            value *= 0.85
        elif length > 40:
            value *= 0.6
        elif length > 30:
            value *= 0.85
        if c.sentence_in_block > 0 and depends_on_previous(c.text):
            value *= 0.85
        if c.kind == "table":
            value *= 0.9
        raw.append(value)
    top = max(raw) or 1.0
    for c, value in zip(candidates, raw, strict=True):
        c.score = round(value / top, 4)
