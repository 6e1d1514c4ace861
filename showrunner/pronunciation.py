"""How a voice says the words it would get wrong: the pronunciation lexicon, applied in one place.

    pronunciations:                       # config.yaml, show-wide; episodes.<slug>.pronunciations per episode
      kubectl: "cube control"             # a respelling: every voice reads it
      GNU: {say: "G new", phonemes: {piper: "ɡənˈuː", hibari: "ɡnˈu"}}

A term is matched as a whole word in any case, with a plural or possessive `s` after it. Where
the voice's provider has phonemes for the term it gets them in its own inline syntax (piper:
`[[ IPA ]]`, espeak-ng: `[[mnemonics]]`, hibari: `[term](/misaki phonemes/)`); every other voice
(openai, edge, ...) reads the respelling. The lexicon is the built-in one
(showrunner/data/pronunciations.yaml), then the show's, then the episode's, each overriding the
one before. An all-caps word the lexicon does not list (CLI, HTTP, AWS) is spelled out letter by
letter; one that is said as a word goes in the lexicon with itself as its respelling (NASA). So is a
lowercase word of two to four letters with no vowel (fd, rg, gcc, jq): no voice can say it as a word.

`spoken` is the only place text becomes what a voice is given (scene_voice, for every
provider); captions, transcripts and the narration keep the written word. `relevant` is the
part of the lexicon one scene's text uses: the voice stage's params, so changing an entry
reruns only the scenes that say it. `unsure_words` lists the words no voice is sure of (not in
pyspellchecker's English word list, not in the lexicon), for the outline's reviewer.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

PHONEME_PROVIDERS = ("piper", "espeak", "hibari")  # the voices that take phonemes inline


class Pronunciation(BaseModel):
    """How to say one term: a respelling, and phonemes for the voices that take them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    say: str = Field(min_length=1, description="a respelling any voice reads, e.g. 'cube control'")
    phonemes: dict[str, str] = Field(default_factory=dict,
                                     description="per provider (piper: IPA, espeak: espeak-ng mnemonics, hibari: "
                                                 "misaki phonemes)")

    @field_validator("say")
    @classmethod
    def _plain(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value or re.search(r"[\[\]/<>{}]", value):
            raise ValueError("a respelling is plain words (no brackets, slashes or markup)")
        return value

    @field_validator("phonemes")
    @classmethod
    def _known_providers(cls, value: dict[str, str]) -> dict[str, str]:
        for provider, phonemes in value.items():
            if provider not in PHONEME_PROVIDERS:
                raise ValueError(f"phonemes for '{provider}': only {', '.join(PHONEME_PROVIDERS)} take phonemes "
                                 "(other voices read the respelling, `say`)")
            if not phonemes.strip() or re.search(r"[\[\]/]", phonemes):
                raise ValueError(f"phonemes for '{provider}': give the phonemes alone, without brackets or slashes")
        return {k: v.strip() for k, v in value.items()}


def entry(value: Any) -> Any:
    """A config entry as Pronunciation's fields: a bare string is the respelling."""
    return {"say": value} if isinstance(value, str) else value


def check_term(term: str) -> str:
    if not isinstance(term, str) or not term.strip() or term != term.strip() or len(term.split()) > 4 \
            or not re.search(r"\w", term):
        raise ValueError(f"{term!r} is not a term (a word or up to four words, no spaces around)")
    return term


@functools.cache
def builtin() -> dict[str, Pronunciation]:
    """The lexicon shipped in the package (showrunner/data/pronunciations.yaml)."""
    text = resources.files("showrunner").joinpath("data/pronunciations.yaml").read_text(encoding="utf-8")
    table = yaml.safe_load(text)
    return {check_term(term): Pronunciation.model_validate(entry(value)) for term, value in table.items()}


class Lexicon:
    """The episode's lexicon: built-in, then the show's, then the episode's entries (by term, any case)."""

    def __init__(self, *layers: Mapping[str, Pronunciation]):
        merged: dict[str, tuple[str, Pronunciation]] = {}
        for layer in (builtin(), *layers):
            for term, how in layer.items():
                merged[term.lower()] = (term, how)
        self.entries: dict[str, Pronunciation] = {term: how for term, how in merged.values()}
        self._by_key = {key: how for key, (_, how) in merged.items()}
        terms = sorted(self.entries, key=len, reverse=True)  # the longest term first: "SHA-256" before "SHA"
        alternatives = "|".join(re.escape(t) for t in terms) or r"(?!x)x"
        self._pattern = re.compile(rf"(?<![\w.-])(?P<term>{alternatives})(?P<suffix>'s|s)?(?![\w-])"
                                   rf"|(?<![\w.-])(?P<acronym>[A-Z]{{2,6}})(?P<plural>'s|s)?(?![\w-])", re.IGNORECASE)

    def __contains__(self, word: str) -> bool:
        return word.lower() in self._by_key

    def get(self, word: str) -> Pronunciation | None:
        return self._by_key.get(word.lower())

    def spoken(self, text: str, provider: str | None = None) -> str:
        """`text` as the voice of `provider` is given it: each term in its respelling (or phonemes), each
        all-caps word the lexicon does not list, and each lowercase word with no vowel (spelled_out),
        spelled out letter by letter."""

        def say(found: re.Match) -> str:
            if found["term"] is not None:
                how = self._by_key[found["term"].lower()]
                suffix = found["suffix"] or ""
                phonemes = how.phonemes.get(provider or "")
                if phonemes and not suffix:
                    return _inline(provider or "", found["term"], phonemes)
                last = how.say.split()[-1]
                if suffix == "s" and len(last) == 1 and last.isupper():
                    suffix = "'s"  # "C P U's": a plural, not one more letter
                return how.say + suffix
            acronym = found["acronym"]
            if not acronym.isupper() and not spelled_out(acronym):  # the pattern ignores case for terms
                return found.group(0)
            return " ".join(acronym.upper()) + ("'s" if found["plural"] else "")  # "C P U's": a plural

        return self._pattern.sub(say, text)

    def used_in(self, text: str) -> list[str]:
        """The lexicon's terms that `text` says, in the lexicon's own spelling, each once, in order."""
        seen: dict[str, None] = {}
        for found in self._pattern.finditer(text):
            if found["term"] is not None:
                key = found["term"].lower()
                seen.setdefault(next(t for t in self.entries if t.lower() == key), None)
        return list(seen)

    def respellings(self, text: str) -> dict[str, str]:
        """{term: its respelling} of the lexicon's terms that `text` says: how the voices were told to say them,
        which a recogniser that hears them said right may write ("stderr" as "standard error")."""
        return {term: self.entries[term].say for term in self.used_in(text)}

    def relevant(self, texts: Iterable[str]) -> dict[str, dict]:
        """{term: entry} of the terms these texts say, and of the lowercase words they spell out (spelled_out):
        what a scene's voice depends on."""
        terms: dict[str, None] = {}
        letters: dict[str, dict] = {}
        for text in texts:
            terms.update(dict.fromkeys(self.used_in(text)))
            for found in self._pattern.finditer(text):
                if found["acronym"] is not None and spelled_out(found["acronym"]):
                    letters[found["acronym"]] = {"say": " ".join(found["acronym"].upper()), "phonemes": {}}
        return {**{term: self.entries[term].model_dump(mode="json") for term in sorted(terms)},
                **dict(sorted(letters.items()))}


    def spoken_letters(self, word: str) -> int:
        """About how many letters a voice says for a written word: its respelling, three for a letter
        spelled out ("aitch"), five for each digit ("256" is "two hundred fifty-six"), "point" in a
        decimal. Captions share a stretch of speech between its words by this."""
        said = re.sub(r"(?<=\d)[.,](?=\d)", " point ", self.spoken(word))
        return sum(3 if len(part) == 1 and part.isupper() else sum(5 if ch.isdigit() else 1 for ch in part)
                   for part in re.findall(r"[^\W_]+", said))


# Lowercase words without a vowel that are said as words, not letters
SAID_AS_WORDS = frozenset({"nth", "hmm", "hm", "mm", "mmm", "shh", "sh", "psst", "tsk", "brr", "grr", "pfft", "zzz",
                           "vs", "st", "nd", "rd", "th"})


def spelled_out(word: str) -> bool:
    """A lowercase word of two to four letters with no vowel (fd, rg, gcc, jq, pwd): a tool's or a
    command's name that no voice can say as a word, so it is spelled out like an acronym."""
    return (word.isascii() and word.isalpha() and word.islower() and 2 <= len(word) <= 4
            and not set(word) & set("aeiouy") and word not in SAID_AS_WORDS)


def _inline(provider: str, term: str, phonemes: str) -> str:
    if provider == "hibari":
        return f"[{term}](/{phonemes}/)"  # misaki's markdown: this word, these phonemes
    if provider == "piper":
        return f"[[ {phonemes} ]]"  # piper's raw phoneme block (espeak-ng IPA)
    return f"[[{phonemes}]]"  # espeak-ng's phoneme mnemonics


def episode_lexicon(episode) -> Lexicon:
    """The lexicon of an episode (showrunner.config.Episode): built-in, show-wide, then its own."""
    return Lexicon(episode.pronunciations)


# --- words no voice is sure of ---------------------------------------------------------------

SURE_FREQUENCY = 40  # a word this rare in pyspellchecker's list (counts from subtitles) is a guess for a voice
_WORD = re.compile(r"(?<![\w.-])[A-Za-z][A-Za-z']*(?:-[A-Za-z']+)*(?![\w-])")


@functools.cache
def _frequencies():
    from spellchecker import SpellChecker  # MIT: pyspellchecker's English word list

    return SpellChecker(language="en").word_frequency


@functools.cache
def _british():
    from whisper_normalizer.english import EnglishSpellingNormalizer  # MIT: Whisper's British-American list

    return EnglishSpellingNormalizer().mapping


# British spellings the list does not hold, by ending (longest first): "parallelise", "virtualisation",
# "containerised" are the American word spelled the British way. Each rewrites a word to a spelling that is
# either the American word or no word at all, so two different words never become one ("promise" is
# "promize" on both sides of a comparison); a doubled l ("filling", "filing") is left to Whisper's list.
_BRITISH_ENDINGS = (("isations", "izations"), ("isation", "ization"), ("ising", "izing"), ("ised", "ized"),
                    ("ises", "izes"), ("isers", "izers"), ("iser", "izer"), ("ise", "ize"), ("ysed", "yzed"),
                    ("ysing", "yzing"), ("yses", "yzes"), ("yse", "yze"), ("ours", "ors"), ("our", "or"),
                    ("tres", "ters"), ("tre", "ter"), ("ogues", "ogs"), ("ogue", "og"))
_DOUBLED_L = (("lled", "led"), ("lling", "ling"))  # "modelled": a candidate for knowing the word, no rewrite


def american(word: str) -> str:
    """A lower-case word in American spelling: Whisper's British-American list ("colour", "travelled"),
    then the regular endings above ("optimisation", "parallelise", "centre")."""
    mapped = _british().get(word)
    if mapped:
        return mapped
    for ending, spelled in _BRITISH_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + spelled
    return word


def spelling_variants(word: str) -> set[str]:
    """`word` (lower case) and the American spellings it may stand for."""
    out = {word, american(word)}
    for ending, spelled in _DOUBLED_L:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            out.add(word[: -len(ending)] + spelled)
    return out


def known_word(word: str) -> bool:
    """Whether an English word list knows `word` (or its stem before a plural, past or -ing ending) as
    common, in its American or British spelling ("colour", "optimised", "parallelise")."""
    frequencies = _frequencies()
    w = word.lower().removesuffix("'s").strip("'")
    candidates: set[str] = set()
    for spelled in spelling_variants(w):
        candidates.add(spelled)
        for ending, repl in (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ing", ""),
                             ("ing", "e"), ("er", ""), ("ers", "")):
            if spelled.endswith(ending) and len(spelled) > len(ending) + 2:
                candidates.add(spelled[: -len(ending)] + repl)
    return any(c in frequencies and frequencies[c] >= SURE_FREQUENCY for c in candidates)


def unsure_words(texts: Iterable[str], lexicon: Lexicon, limit: int = 40) -> list[str]:
    """The words of `texts` that no voice is sure of, in order of first use: not a common English word,
    not in the lexicon, not an all-caps word (spelled out) or a single letter."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _WORD.finditer(text):
            word = match.group(0).removesuffix("'s").strip("'")
            if len(word) < 2 or word.isupper() or spelled_out(word) or word in lexicon or word.lower() in found:
                continue
            parts = word.split("-")
            if all(p in lexicon or known_word(p) or len(p) < 2 for p in parts):
                continue
            found[word.lower()] = word
    return list(found.values())[:limit]
