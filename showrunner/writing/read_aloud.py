"""Read-aloud defects: what a listener would notice as wrong in one piece of narration.

Each rule is a name and a test on the text (and, for some, on what the sources dropped). The
scene critic (showrunner.writing.scene_critic) and the documents bench (bench/documents.py) use
the same rules, so what the bench counts is what the critic flags:

- markup: markdown or code symbols a voice would read out or skip (` * # _ | [ ] { } < > \\ ^ ~ = $)
- symbol: emoji, pictographs, box-drawing or arrow characters
- url: a web address or e-mail address read out
- glued: a dot, slash or :: glued between words ("of.netrc", "a binary.deb", "urls.txt", "a/b", "std::vec")
- slash-as-of: a slash turned into "of" before a number ("HTTP of 1.1", "7 of 8")
- split-word: a word broken at a dash into "x, like" ("dict, like")
- raw-command: a command line spelled symbol by symbol ("dash x n w", "A-Z +")
- dangling-end: a sentence that promises what does not follow ("... because." "... the following.")
- dangling-start: a section's narration opening on a pronoun that points at nothing ("It ...", "This ...")
- badge: badge or image text read out ("build status", "downloads", "PyPI version")
- furniture: a dropped running header, footer, navigation or cookie line read out anyway
- fragment: a sentence of one or two words that is not a greeting or a question
- repeated: the same sentence said twice in the episode
- raw-option: a command-line option spelled symbol by symbol ("dash dash search zip", "dash z slash dash")
- first-person: the author's first person in a host's mouth ("available on my blog", "my email address")
- dangling-reference: a link, figure, table or notes the episode does not provide ("see the link below",
  "click here", "as shown in Figure 2", "in the show notes" where there are none)
- cut-off: a sentence that stops mid-thought ("You already created an API that.", "can be sent by email
  to.", "In addition to skipping hidden files.")
- code-filler: a description of code said again in the same section, or one that tells nothing ("On
  screen is a short Rust example, one line long.")
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from showrunner.artifacts import Dropped
from showrunner.writing.sentences import split_sentences, words

_MARKUP = re.compile(r"[`*#_|\[\]{}<>\\^~=$]|^\s*[:;,.)]|^[^()]*\([^)]*$|^[^()]*\)")  # or a bracket left open
_SYMBOL = re.compile(r"[\u2190-\u21ff\u2500-\u27bf\u2900-\u297f\u2b00-\u2bff\U0001f000-\U0001faff\ufe0f]")
_URL = re.compile(r"https?://|www\.\w|\b[\w.+-]+@[\w-]+\.\w+")
_GLUED = re.compile(r"\b[A-Za-z]+(?:[./]|::)[A-Za-z]{1,8}\b|(?<=\s)\.[a-z]{2,8}\b")
_ABBREVIATION = re.compile(r"^(?:e\.g|i\.e|a\.m|p\.m|u\.s|etc)$", re.I)
_SLASH_OF = re.compile(r"\b(?:HTTP|HTTPS|TLS|IPv|SSL|[A-Z]{2,})\s+of\s+\d|"
                       r"\b\d\s+of\s+\d\b(?! (?:the|them|these|those))")
_SPLIT_WORD = re.compile(r"\b\w+, (?:like|based|style|free|aware|safe|wide) (?=[A-Z]{2,}\b|\w+ (?:table|file|object|"
                         r"type|format|syntax|structure|api|interface)\b)")
_RAW_COMMAND = re.compile(r"\bdash (?:[a-z] ){2,}|\b[A-Z]-[A-Z]\b|\s[+*?]\s|\bdash dash dash\b")
_DANGLING_END = re.compile(r"\b(?:because|the following|as follows|following|such as|include|includes|namely|"
                           r"these are|are as|consists? of)\s*[.:]$", re.I)
_DANGLING_START = re.compile(r"^(?:it|its|they|them|their|this|these|those|he|she|both|such)\b", re.I)
_BADGE = re.compile(r"\b(?:build (?:status|passing|failing)|pypi version|supported versions|downloads? badge|"
                    r"code coverage|license: mit|contributors\.|badge)\b", re.I)
_RAW_OPTION = re.compile(r"\bdash dash\b|\bslash dash\b|\bdash \w+ (?:dot|equals|slash)\b", re.I)
_FIRST_PERSON_AUTHOR = re.compile(r"\bmy (?:blog|post|article|talk|book|paper|website|site|e-?mail|thesis|project|"
                                  r"library|repo\w*|work|company|team|employer|homepage|twitter|newsletter|"
                                  r"channel|slides?|notes|opinion|experience)\b|"
                                  r"(?<![\w'’])I (?:presented|wrote|built|created|maintain|published|blogged|"
                                  r"tweeted)\b")  # a host's own "I think" is theirs: see narration_check
_REFERENCE = re.compile(r"\b(?:link|links|figure|fig\.|table|image|picture|screenshot|diagram|chart|graph|listing|"
                        r"video|code|example|section|snippet) (?:below|above)\b|\bclick (?:here|on|the)\b|"
                        r"\b(?:documented|described|explained|available|found|listed|shown|linked|defined|"
                        r"detailed) here\b|"
                        r"\b(?:see|in|as shown in|shown in) (?:figure|fig\.?|table|section|appendix|chapter|listing|"
                        r"equation|eq\.) ?\d|\bbelow:?\s*[.:]?$|"
                        r"^(?:please )?(?:see|refer to|check out|visit|head (?:over )?to|go to|click|follow)\b"
                        r"(?! you\b)", re.I)
_NOTES = re.compile(r"\bshow notes\b", re.I)
_CUT_OFF = re.compile(r"\b(?:the|a|an|to|of|for|with|by|from|that|which|and|or|but|into|as|than|via|is|are|was|"
                      r"were|be|this|these|their|its|our|your|because|if|when|while|such|like|whose|at)\s*[.!]$|"
                      r"^(?:like|such as|including|in addition to|despite|unlike|apart from|along with)\b[^,]*[.!]$",
                      re.I)
_CODE_SAID = re.compile(r"^(?:the (?:code|diagram|table|command) on screen|on screen is|on screen,)\b", re.I)
_RUNS = re.compile(r"^the code on screen runs\b", re.I)
_TELLS_NOTHING = re.compile(r"^on screen is an? (?:short )?[\w ]*?(?:example|code example), [\w-]+ lines? long\.?$",
                            re.I)
_FRAME = re.compile(r"^(?:welcome|hey|hi|thanks|thank you|see you|catch you|bye|finally|next|now|so|today)\b", re.I)
FURNITURE = ("running header or footer", "page number", "navigation", "cookie notice", "footer", "site header",
             "sidebar", "outside the main content", "badge", "image", "table of contents", "copyright line")


def description_kind(sentence: str) -> str | None:
    """What kind of picture description a sentence is, for "said once per section": every shell
    sample is one kind ("The code on screen runs the brew install command.", "... runs the port
    install command."), so is every table and every diagram, and so is every program shown ("On screen
    is a ... example", a function, a class): one of each is said per section."""
    s = sentence.strip()
    if not _CODE_SAID.match(s):
        return None
    if _RUNS.match(s):  # commands run and a program written are each worth a sentence
        return "runs"
    if s.lower().startswith("on screen is"):
        return "code"
    if re.match(r"^the (table|diagram) on screen\b", s, re.I):  # two tables in a section: one is described
        return s.split()[1].lower()
    # a function, a class, another function: a program is described once in its section (three "The code
    # on screen is a function called ..." in one scene are a list of names, not narration)
    return "code"


@dataclass(frozen=True)
class Defect:
    rule: str
    text: str  # the sentence (or the piece) it was found in

    def __str__(self) -> str:
        return f"{self.rule}: {self.text[:90]}"


# rule name -> the pattern whose match in a sentence is that defect
_SENTENCE_PATTERNS = (("markup", _MARKUP), ("symbol", _SYMBOL), ("url", _URL), ("slash-as-of", _SLASH_OF),
                      ("split-word", _SPLIT_WORD), ("raw-command", _RAW_COMMAND), ("dangling-end", _DANGLING_END),
                      ("badge", _BADGE), ("raw-option", _RAW_OPTION), ("first-person", _FIRST_PERSON_AUTHOR),
                      ("dangling-reference", _REFERENCE), ("cut-off", _CUT_OFF))


def sentence_defects(sentence: str, notes: bool = True) -> list[Defect]:
    """The rules that look at one sentence on its own; `notes`: the episode has show notes (every
    episode has, results/<slug>/show_notes.md), so a sentence may point to them."""
    found = []
    s = sentence.strip()

    def hit(rule: str) -> None:
        found.append(Defect(rule, s))

    for rule, pattern in _SENTENCE_PATTERNS:
        if pattern.search(s):
            hit(rule)
    if any(not _ABBREVIATION.match(m.group(0)) for m in _GLUED.finditer(s)):
        hit("glued")
    if len(words(s)) <= 2 and not s.endswith("?") and not _FRAME.match(s):
        hit("fragment")
    if _NOTES.search(s) and not notes:
        hit("dangling-reference")
    if _TELLS_NOTHING.match(s):
        hit("code-filler")
    return found


def furniture_defects(text: str, dropped: list[Dropped], kept: str = "") -> list[Defect]:
    """Text the sources dropped as furniture (headers, footers, navigation, badges) said anyway:
    four or more words of it in a row that the kept text (`kept`: the title and prose, when
    given) does not also hold, as a running header holds the title."""
    said = " ".join(words(text))
    kept_words = " ".join(words(kept))
    found = []
    for item in dropped:
        if item.reason.split(" (")[0] not in FURNITURE:
            continue
        dropped_words = words(item.text)
        for i in range(0, max(0, len(dropped_words) - 3)):
            piece = " ".join(dropped_words[i:i + 4])
            if re.search(rf"\b{re.escape(piece)}\b", said) and not (kept_words and piece in kept_words):
                found.append(Defect("furniture", item.text))
                break
    return found


def narration_defects(sections: list[list[str]], dropped: list[Dropped] | None = None,
                      notes: bool = True) -> list[Defect]:
    """Every defect in an episode's narration, given as the segments' texts of each section in order."""
    found: list[Defect] = []
    seen: Counter[str] = Counter()
    for texts in sections:
        first = True
        kinds: set[str] = set()
        for text in texts:
            for sentence in split_sentences(text):
                found += sentence_defects(sentence, notes)
                kind = description_kind(sentence)  # a kind of picture is described once in its section
                if kind is not None:
                    if kind in kinds:
                        found.append(Defect("code-filler", sentence))
                    kinds.add(kind)
                if first and _DANGLING_START.match(sentence.strip()) and not sentence.rstrip().endswith("?"):
                    found.append(Defect("dangling-start", sentence))
                signpost = _FRAME.match(sentence.strip()) and len(words(sentence)) <= 6
                if not sentence.rstrip().endswith("?") and not signpost:
                    first = False
                key = " ".join(words(sentence))
                if len(key.split()) >= 4:
                    seen[key] += 1
                    if seen[key] == 2:
                        found.append(Defect("repeated", sentence))
            found += furniture_defects(text, dropped or [])
    return found
