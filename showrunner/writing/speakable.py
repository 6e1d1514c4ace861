"""Making source text speakable: what a narrator can read aloud without stumbling.

No markdown syntax, no URLs read out, code described rather than read, tables described in a
sentence, and the cheap cases of symbols and flags spelled as words ("-O2" -> "dash O 2").
"""

from __future__ import annotations

import ast
import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import inflect

LINK_PHRASE = "the link in the show notes"

_LANGUAGES = {
    "py": "Python", "python": "Python", "python3": "Python", "js": "JavaScript", "javascript": "JavaScript",
    "ts": "TypeScript", "typescript": "TypeScript", "sh": "shell", "bash": "shell", "shell": "shell",
    "zsh": "shell", "console": "shell", "c": "C", "cpp": "C plus plus", "c++": "C plus plus", "rs": "Rust",
    "rust": "Rust", "go": "Go", "java": "Java", "rb": "Ruby", "ruby": "Ruby", "sql": "SQL", "yaml": "YAML",
    "yml": "YAML", "json": "JSON", "toml": "TOML", "make": "Makefile", "makefile": "Makefile",
    "html": "HTML", "css": "CSS", "kotlin": "Kotlin", "swift": "Swift", "r": "R", "julia": "Julia",
    "snakemake": "Snakemake", "dockerfile": "Dockerfile",
}
_FILE_EXT = (r"(?:c|h|cc|cpp|hpp|py|js|ts|rs|go|java|rb|md|json|yaml|yml|toml|txt|sh|html|css|o|so|mp3|mp4|wav|png|"
             r"pdf|csv|smk)")
_URL = r"(?:https?://|ftp://|www\.)[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]"

_NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve"]


def number_word(n: int) -> str:
    if 0 <= n < len(_NUMBER_WORDS):
        return _NUMBER_WORDS[n]
    return str(_inflect().number_to_words(str(n))) if 0 < n < 100 else str(n)


def language_name(language: str | None) -> str | None:
    language = re.split(r"[,\s{]", language or "", maxsplit=1)[0]  # "rust,ignore", "python {.numberLines}"
    if not language or language.lower() in ("text", "txt", "plain", "plaintext", "output", "none"):
        return None
    return _LANGUAGES.get(language.lower(), language)


def identifier_words(name: str) -> str:
    """needs_rebuild -> "needs rebuild", needsRebuild -> "needs rebuild", HTTPServer -> "HTTP server"."""
    name = name.strip("_")
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", name)
    parts = [p for p in re.split(r"[_\s]+", name) if p]
    return " ".join(p if p.isupper() else p.lower() for p in parts)


def join_words(items: list[str]) -> str:
    """a, b and c."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


_SCALE = {"K": "thousand", "M": "million", "B": "billion"}


def speakable(text: str, author: bool = True) -> str:
    """Turn one sentence (or a few) of source text into narration a voice can read aloud;
    `author`: its first person is the source's author's (False for a host's own words)."""
    t = " ".join(text.split())
    # markdown that survived: images, links, code spans, emphasis, headings, quotes, list markers
    t = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", t)
    t = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", t)
    t = re.sub(r"<((?:https?|ftp)://[^>]+)>", r"\1", t)
    t = re.sub(r"^\(([^()]+)\)$", r"\1", t)  # an aside that is a whole sentence: "(Please file a bug report!)"
    t = re.sub(r"\bI/O\b", "I O", t)  # said "I-O", and never the author's "I"
    # languages named with symbols, said as their users say them (the symbols below would drop "#")
    t = re.sub(r"\b([A-Z])#(?![\w#])", r"\1 sharp", t)  # C#, F#
    t = re.sub(r"\b([A-Z])\+\+(?![\w+])", r"\1 plus plus", t)  # C++
    t = re.sub(r"\b([a-z][\w-]*)\([1-9][a-z]?\)", r"\1", t)  # a man page's section: find(1), dircolors(1)
    t = author_voice(t) if author else t  # the author's "I" and "my" are not the host's
    t = re.sub(r"\$\{?([A-Z_][A-Z0-9_]+)\}?((?:/[\w.-]+)*)", _say_variable, t)  # $XDG_CONFIG_HOME/fd/ignore
    t = re.sub(r"`(-[A-Za-z-][^`]*)`", lambda m: _option_span(m.group(1)), t)  # named in context, below
    t = re.sub(r"`([^`]+)`", lambda m: _code_span(m.group(1)), t)
    t = say_options(t)
    t = re.sub(r"(\*\*|__)(\S(?:.*?\S)?)\1", r"\2", t)
    t = re.sub(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])", r"\1", t)
    t = re.sub(r"(?<!\w)_(\S(?:.*?\S)?)_(?!\w)", r"\1", t)
    t = re.sub(r"^\s*(#{1,6}\s+|>\s*|[-*+]\s+|\d{1,3}[.)]\s+)", "", t)
    t = re.sub(r"</?[a-zA-Z][^>]*>", "", t)
    # URLs and e-mail addresses are not read aloud
    t = re.sub(r"\s*\((?:see |at |via )?" + _URL + r"\)", "", t)
    t = re.sub(r"\b(?:[Ss]ee|[Vv]isit|[Gg]o to)\s+" + _URL, lambda m: m.group(0).split()[0] + " " + LINK_PHRASE, t)
    t = re.sub(r":\s*" + _URL + r"\s*([.!]?)$", r", linked in the show notes\1", t)  # "... and ripgrep: https://..."
    t = re.sub(r"(?<!\w)" + _URL, LINK_PHRASE, t)
    t = re.sub(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b", "the address in the show notes", t)
    # common written abbreviations
    t = re.sub(r"\be\.\s?g\.,?", "for example", t, flags=re.I)
    t = re.sub(r"\bi\.\s?e\.,?", "that is", t, flags=re.I)
    t = re.sub(r"\betc\.(?=\s*[),;:]|\s+[a-z])", "and so on", t)  # mid-sentence: no full stop
    t = re.sub(r"\betc\.", "and so on.", t)
    t = re.sub(r"\bvs\.?(?=\s)", "versus", t)
    t = re.sub(r"\bapprox\.", "about", t)
    # a count written short: "a 4.9M-parameter model", "4.9M params", "100K steps" (never "16GB" or "5 MB": units)
    t = re.sub(r"(?<![Vv]ersion )\b(\d+(?:\.\d+)?)(K|M|B(?=[- ](?:param|token|weight|row|record|user|request)))"
               r"(?=-[a-z]|\s+[a-z])", lambda m: f"{m.group(1)} {_SCALE[m.group(2)]}", t)
    t = re.sub(r"\b(\d[\d.,]*(?: (?:thousand|million|billion))?)[ -]params\b", r"\1 parameters", t)
    # a numbered part of another document: the document is named, its section number is for readers
    # ("As per section 4.1.1. of RFC 2046" -> "As per RFC 2046")
    t = re.sub(r"\b(?:[Ss]ection|[Cc]hapter|[Aa]ppendix) [\dA-Z]+(?:\.\d+)*\.? of (?=RFC\b|[A-Z])", "", t)
    # pointing at something only the reader can see
    t = re.sub(r"\b[Tt]he (function|code|table|example|figure|list|diagram|snippet|command|listing) "
               r"(?:above|below)\b", lambda m: "This " + m.group(1), t)
    t = re.sub(r",? (?:as )?(?:shown|listed|given) (?:above|below)", "", t)
    # parentheses become commas, the way a speaker would say an aside
    t = re.sub(r"\s\(([^()]{1,240})\)", r", \1,", t)
    # paths, slashes, dates, ranges, units, versions: as a person says them
    t = _say_paths_and_slashes(t)
    t = _say_dates(t)
    t = _say_units(t)
    t = re.sub(r"\bv(\d+(?:\.\d+)+)\b", r"version \1", t)
    t = re.sub(r"(?<![A-Za-z\d.,])(\d+(?:[.,]\d+)*)\s*[–—-]\s*(?=\d)", r"\1 to ", t)  # not a model: i7-6900K
    t = re.sub(r"(?<=\w)–(?=\w)", "-", t)  # an en dash inside a compound: "dict–like" (an em dash is a pause)
    # command-line flags, negative numbers, versions glued to names
    t = re.sub(r"(?<![\w-])-(\d)", r"minus \1", t)
    t = re.sub(r"\b([A-Za-z]{2,})-(\d+)\b", r"\1 \2", t)
    t = re.sub(r"\b([\w-]+)\.(" + _FILE_EXT + r")\b", r"\1 dot \2", t)
    t = re.sub(r"(?<![\w.])\.([A-Za-z][A-Za-z0-9]{0,9}(?:_[A-Za-z0-9]+)*)\b", r"dot \1", t)  # .netrc, .bash_profile
    t = re.sub(r"(?<=[A-Za-z0-9_])\.(?=[a-z])", " dot ", t)  # quickfetch.core, Node.js
    t = re.sub(r"\b([a-z]\w*)\.(?=[A-Z]\w*\b)", r"\1 dot ", t)  # a qualified name: io.Writer, bufio.Writer.Write
    t = re.sub(r"(?<= dot )([A-Z]\w*)\.(?=[A-Za-z])", r"\1 dot ", t)  # bufio.Writer.Write
    t = re.sub(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", lambda m: identifier_words(m.group(0)), t)
    t = re.sub(r"(?<=\w)::(?=\w)", " ", t)  # clippy::pedantic, std::vec
    # symbols
    replacements = [
        (r"\s*&\s*", " and "), (r"(\d)\s*%", r"\1 percent"), (r"\s*(?:->|=>|→)\s*", " to "),
        (r"\s+=\s+", " equals "), (r"\s+\+\s+", " plus "), (r"\s+<\s+", " less than "),
        (r"\s+>\s+", " greater than "), (r"~\s*(?=\d)", "about "), (r"#(?=\d)", "number "),
        (r"\s*[—–]\s*", ", "), (r"\s+-\s+", ", "), (r"…", "..."), (r"\s*\|\s*", ", "), (r"\s*@\s*", " at "),
        (r"[`*#_\[\]{}\\<>^]", " "), (r"\s*/\s*", " or "),
    ]
    for pattern, replacement in replacements:
        t = re.sub(pattern, replacement, t)
    t = re.sub(r"\b(the|a|an) (?:the|a|an) ", r"\1 ", t, flags=re.I)  # "supports the `rg --json` output"
    return tidy(t)


def plain(text: str) -> str:
    """Source text with markdown and URLs removed but symbols kept: for outlines and slides."""
    t = " ".join(text.split())
    t = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", t)
    t = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", t)
    t = re.sub(r"`([^`]+)`", r"\1", t)
    t = re.sub(r"(\*\*|__)(\S(?:.*?\S)?)\1", r"\2", t)
    t = re.sub(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])", r"\1", t)
    t = re.sub(r"^\s*(#{1,6}\s+|>\s*|[-*+]\s+)", "", t)
    t = re.sub(r"\s*\((?:see |at |via )?" + _URL + r"\)", "", t)
    t = re.sub(r"(?<!\w)" + _URL, LINK_PHRASE, t)
    return " ".join(t.split())


def tidy(text: str) -> str:
    """Spaces and punctuation cleaned up; the sentence starts with a capital and ends with a stop."""
    t = " ".join(text.split())
    t = re.sub(r"\s+([,.;:!?])", r"\1", t)
    t = re.sub(r",(\s*,)+", ",", t)
    t = re.sub(r"([:;])\s*,", r"\1", t)  # "two questions: (1) can ..." is not "questions:, 1, can"
    t = re.sub(r"[,;:]\s*([.!?])", r"\1", t)
    t = re.sub(r"([.!?])\s*,", r"\1", t)
    t = re.sub(r"\(\s*\)", "", t)
    t = re.sub(r"(?<!\.)\.\.(?!\.)", ".", t)
    t = t.strip(" ,;")
    if not t:
        return ""
    if t.endswith(":"):
        t = t[:-1] + "."
    if t[-1] not in ".!?" and not re.search(r"[.!?][\"'”’)]$", t):
        t += "."
    return t[0].upper() + t[1:]


@cache
def _inflect() -> inflect.engine:
    """inflect (MIT), loaded on first use: importing it costs seconds (typeguard instruments it), and
    the workflow imports this module at every start to check the providers' settings."""
    import inflect

    return inflect.engine()


_PATH = re.compile(r"(?<![\w/.~-])(?:~|\.{1,2})?/?(?:[\w.*-]+/)+[\w.*-]*")
_SYMBOL_NAMES = {"/": "slash", "\\": "backslash", "!": "bang", "#": "hash", "*": "star", "-": "dash", "+": "plus",
                 "=": "equals", "<": "less than", ">": "greater than", "|": "pipe", "&": "and", "@": "at",
                 "$": "dollar", "%": "percent", "^": "caret", "~": "tilde", ":": "colon", ";": "semicolon",
                 ".": "dot", "?": "question mark"}
_PER = {"s": "second", "sec": "second", "h": "hour", "min": "minute"}
_PER_WORD = r"(?:second|minute|hour|day|week|month|year|night|person|user|request|core|node|page|run|call)s?"
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def _say_variable(m: re.Match) -> str:
    """An environment variable and the path under it: $HOME/.config/fd -> "HOME slash dot config slash fd"."""
    name = " ".join(p.upper() for p in identifier_words(m.group(1).lower()).split())
    parts = [("dot " + p[1:]) if p.startswith(".") else p for p in m.group(2).split("/") if p]
    return " slash ".join([name, *parts])


def _say_path(path: str) -> str:
    """downloads/ -> "the downloads folder"; ./tools/upload -> "tools slash upload"."""
    bare = re.sub(r"^(?:~/|\./|\.\./)", "", path)
    if re.fullmatch(r"[\w-]+/", bare):
        return f"the {bare[:-1]} folder"
    parts = [p for p in bare.split("/") if p]
    spoken = " slash ".join(p.replace("*", "star") for p in parts)
    return ("home slash " if path.startswith("~/") else "slash " if path.startswith("/") else "") + spoken


def _say_paths_and_slashes(t: str) -> str:
    """HTTP/1.1 -> HTTP 1.1; RHEL/CentOS 7/8 -> RHEL or CentOS 7 or 8; src/main.c -> src slash main.c."""
    t = re.sub(r"\b24/7\b", "twenty-four seven", t)
    t = re.sub(r"(?<=\w)\s*/\s*(" + _PER_WORD + r")\b", r" per \1", t)  # 1,200 downloads / week
    t = re.sub(r"(?<![\w/])(\d{1,2})/(\d{1,2})/(\d{2,4})(?![\w/])", r"\1 \2 \3", t)  # 12/01/2026: as written
    t = re.sub(r"(?<=\d)\s?([kKMGT]?i?[bB]|km|m|ops|req|requests|frames|files)/(s|sec|h|min)\b",
               lambda m: f" {m.group(1)} per {_PER[m.group(2)]}", t)  # 10 MB/s, 60 km/h
    t = re.sub(r"\b([A-Z][A-Z0-9]+)/(\d+(?:\.\d+)*)\b", r"\1 \2", t)  # a protocol and its version
    t = re.sub(r"\b([A-Z]{2,})/([A-Z]{2,})\b", r"\1 \2", t)  # TCP/IP
    t = re.sub(r"\band/or\b", "or", t)
    t = re.sub(r"(?<![\w/.])[A-Za-z][\w+-]*(?:/[A-Za-z][\w+-]*){2,}(?![\w/]|\.\w)",
               lambda m: join_words(m.group(0).split("/")).replace(" and ", " or "), t)  # allow/warn/deny
    t = re.sub(r"(?<![\w/])(\d{1,3})/(\d{1,3})(?![\w/])", r"\1 or \2", t)  # versions side by side: 7/8
    t = re.sub(r"(?<![\w/.])([A-Za-z][\w+-]*)/([A-Za-z][\w+-]*)(?![\w/]|\.\w)",
               lambda m: f"{m.group(1)} or {m.group(2)}", t)  # either of two words
    return _PATH.sub(lambda m: _say_path(m.group(0)) if "/" in m.group(0) else m.group(0), t)


def _say_dates(t: str) -> str:
    """2024-05-01 -> May 1st, 2024 (ISO dates only: 05/01 is read differently in different places)."""
    def say(m: re.Match) -> str:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return m.group(0)
        return f"{_MONTHS[month - 1]} {_inflect().ordinal(str(day))}, {year}"
    return re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", say, t)


_UNITS = {
    "ms": "millisecond", "s": "second", "sec": "second", "min": "minute", "h": "hour", "us": "microsecond",
    "µs": "microsecond", "ns": "nanosecond", "kb": "kilobyte", "mb": "megabyte", "gb": "gigabyte", "tb": "terabyte",
    "kib": "kibibyte", "mib": "mebibyte", "gib": "gibibyte", "tib": "tebibyte", "hz": "hertz", "khz": "kilohertz",
    "mhz": "megahertz", "ghz": "gigahertz", "km": "kilometre", "cm": "centimetre", "mm": "millimetre",
    "kg": "kilogram", "mg": "milligram", "g": "gram", "ml": "millilitre", "kbps": "kilobits per second",
    "mbps": "megabits per second", "gbps": "gigabits per second", "°c": "degrees Celsius", "°f": "degrees Fahrenheit",
}
_UNIT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(ms|sec|min|us|µs|ns|[kmgt]i?b|[kmg]?hz|km|cm|mm|kg|mg|ml|[kmg]bps|"
                   r"°\s?[cf]|s|h|g)(?![\w°])", re.I)


def _say_units(t: str) -> str:
    """10 s -> 10 seconds, ~12 MB -> 12 megabytes, 24 °C -> 24 degrees Celsius."""
    def say(m: re.Match) -> str:
        number, unit = m.group(1), m.group(2).lower().replace(" ", "")
        if unit in ("s", "h", "g", "min") and not re.search(r"\d\s?" + re.escape(m.group(2)) + r"\b", m.group(0)):
            return m.group(0)
        name = _UNITS.get(unit)
        if name is None:
            return m.group(0)
        if name.startswith("degrees") or " per " in name or name.endswith("hertz"):
            return f"{number} {name}"
        attributive = re.search(r"\b(?:a|an)\s+$", t[:m.start()], re.I)  # "a 10 second timeout"
        return f"{number} {_inflect().plural_noun(name, 1 if number == '1' or attributive else 2)}"
    return _UNIT.sub(say, t)


def _split_letter_digits(token: str) -> str:
    return re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", token)


def _code_span(code: str) -> str:
    code = code.strip()
    if code.startswith("-") and not re.match(r"-\d", code):  # an option: named, not spelled ("the pcre2 option")
        return say_options(code)
    number = re.fullmatch(r"([<>=~≈]{0,2})\s*(\d[\d,_]*(?:\.\d+)*)\s*([A-Za-z%]{0,3})", code)
    if number:  # a number in code marks is a number: `0.136s`, `>=3`, `1_000_000`
        prefix = {">=": "at least ", "<=": "at most ", ">": "more than ", "<": "less than ", "~": "about ",
                  "≈": "about "}.get(number.group(1), "")
        return f"{prefix}{number.group(2).replace('_', '')}{number.group(3)}"
    assignment = re.fullmatch(r"([A-Za-z_][\w.]*)=([\w.-]+)", code)
    if assignment:  # PCRE2_SYS_STATIC=1, core.autocrlf=input
        name = identifier_words(assignment.group(1).rsplit(".", 1)[-1])
        return f"{name} set to {assignment.group(2)}"
    if re.fullmatch(r"[A-Za-z_][\w]*(?:\(\))?", code):
        return identifier_words(code.rstrip("()"))
    if re.fullmatch(r"[\w-]+\." + _FILE_EXT, code):
        stem, ext = code.rsplit(".", 1)
        return f"{stem} dot {ext}"
    if not re.search(r"\w", code) and len(code) <= 4:  # "///", "//!": said as a person says them
        return " ".join(_SYMBOL_NAMES.get(c, c) for c in code)
    symbols = sum(1 for c in code if not (c.isalnum() or c.isspace() or c in ".-_/"))
    command_line = len(code.split()) > 1 and re.fullmatch(r"[a-z][\w.+-]*", code.split()[0]) and \
        any(w.startswith("-") or re.search(r"[='\"|]", w) for w in code.split()[1:])
    if command_line:  # `rg -tpy foo`, `git grep -P`: the program, not its options letter by letter
        program, *rest = code.split()
        while rest and re.fullmatch(r"[a-z][a-z-]*", rest[0]) and len(program.split()) < 3:  # `go test -race`
            program += " " + rest.pop(0)
        if rest and all(re.fullmatch(r"--?[A-Za-z][\w-]*", w) for w in rest) and len(rest) <= 3:  # `fd -h`
            return f"{program} with {join_words([say_options(w) for w in rest])}"
        program = code.split()[0]
        return f"the {identifier_words(program.replace('-', '_'))} command"
    if symbols > 2 and symbols / len(code) > 0.15:  # a regex, an attribute, a shell line: not read symbol by symbol
        if " " in code and re.fullmatch(r"[\w./~-]+", code.split()[0]):
            return f"the {identifier_words(code.split()[0].rsplit('/', 1)[-1])} command"
        names = [identifier_words(n) for n in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", code)]
        return " ".join(names) if any(len(n) > 1 for n in names) else "a pattern"
    return code


# --- code and tables -------------------------------------------------------------------------


def describe_code(code: str, language: str | None = None) -> str:
    """What a code sample on screen is or does, for a narrator to speak: true to what is shown
    (its language, what it defines or runs, how long it is); terminal art is a diagram of its labels."""
    lines = [line for line in code.splitlines() if line.strip()]
    n = len(lines)
    if (language or "").lower() == "table":
        return describe_shown_table(code)
    if (language or "").lower() == "diagram":
        from showrunner.cleaning import diagram_labels

        labels = [speakable(label).rstrip(".") for label in diagram_labels(code)][:6]
        if labels:
            return tidy(f"The diagram on screen shows {join_words([_lower_first(x) for x in labels])}")
        return "A diagram is on screen."
    lang = language_name(language)
    prefix = f"{lang} " if lang else ""
    what = None
    if (language or "python").lower() in ("py", "python", "python3"):
        what = _describe_python(code, prefix)
    if what is None:
        what = _describe_by_pattern(code, language, prefix)
    size = f"{number_word(n)} line{'s' if n != 1 else ''}"
    if what:
        return tidy(f"The code on screen {what}" + (f", in {size}" if n >= 6 else ""))
    kind = "example" if lang else "code example"
    return tidy(f"On screen is {'a short' if n <= 5 else 'an' if number_word(n)[0] in 'aeiou' else 'a'} "
                f"{prefix}{kind}, {size} long")


def _a(noun_phrase: str) -> str:
    return ("an " if noun_phrase[:1].lower() in "aeiou" else "a ") + noun_phrase


def _describe_python(code: str, prefix: str) -> str | None:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    functions = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    if classes:
        cls = classes[0]
        methods = [identifier_words(m.name) for m in cls.body
                   if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and not m.name.startswith("__")]
        text = f"is {_a(prefix + 'class')} called {identifier_words(cls.name)}"
        if methods:
            text += f" with {'a method' if len(methods) == 1 else 'methods'} called {join_words(methods[:4])}"
        return text
    if len(functions) == 1:
        fn = functions[0]
        args = [identifier_words(a.arg) for a in fn.args.args if a.arg not in ("self", "cls")]
        text = f"is {_a(prefix + 'function')} called {identifier_words(fn.name)}"
        if args:
            text += f" that takes {join_words(args)}"
        returns = [node for node in ast.walk(fn) if isinstance(node, ast.Return) and node.value is not None]
        if returns and isinstance(returns[-1].value, ast.Compare):
            text += (", and returns the result of a comparison" if args else " and returns the result of a comparison")
        return text
    if functions:
        return f"defines {prefix}functions called {join_words([identifier_words(f.name) for f in functions[:4]])}"
    calls = [node.func for node in ast.walk(tree) if isinstance(node, ast.Call)]
    names: list[str] = []
    for func in calls:
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name and identifier_words(name) not in names:
            names.append(identifier_words(name))
    if names:
        return f"is {_a(prefix + 'snippet')} that calls {join_words(names[:3])}"
    return None


_PROMPT = re.compile(r"^(?:\$|%|❯|>)\s+")


def _describe_by_pattern(code: str, language: str | None, prefix: str) -> str | None:
    lang = (language or "").lower()
    lines = [line.strip() for line in code.splitlines() if line.strip()]
    shell_like = lines and all(re.match(r"(?:\$ )?(?:\./|~/|/)?[\w./-]+(?:\s|$)", line) for line in lines) and any(
        re.match(r"(?:\$ )?(?:\./|git |pip |npm |make |cd |docker |curl |sudo |apt |brew |cargo |go )", line)
        for line in lines)
    # a prompt ("$ ", "> ", "% ", "❯ ") marks the commands; then the other lines are their output
    prompted = any(_PROMPT.match(line) for line in lines)
    if lang in ("sh", "bash", "shell", "zsh", "console") or (lines and lines[0].startswith("$ ")) or shell_like:
        commands = [_command(_PROMPT.sub("", line)) for k, line in enumerate(lines)
                    if _PROMPT.sub("", line) and not line.startswith(("#", "-"))
                    and (_PROMPT.match(line) or not prompted)
                    and not (k and lines[k - 1].endswith("\\"))]  # not a continuation line
        commands = list(dict.fromkeys(c for c in commands if c))
        if commands:
            return f"runs the {join_words(commands[:3])} command{'s' if len(commands) > 1 else ''}"
    # Go names its type first: "type Watchdog struct"
    classes = re.findall(r"\b(?:class|struct|interface)\s+([A-Za-z_]\w*)|"
                         r"\btype\s+([A-Za-z_]\w*)\s+(?:struct|interface)\b", code)
    classes = [a or b for a, b in classes]
    if classes:
        return f"defines {_a(prefix + 'type')} called {identifier_words(classes[0])}"
    functions = re.findall(r"\b(?:def|function|fn|func|sub|proc)\s+(?:\([^()]*\)\s*)?([A-Za-z_]\w*)\s*\(", code)
    functions += re.findall(r"^\s*(?:[\w<>\[\]*&]+\s+)+([A-Za-z_]\w*)\s*\([^;]*\)\s*\{", code, flags=re.M)
    functions = list(dict.fromkeys(identifier_words(f) for f in functions
                                 if f not in ("if", "for", "while", "switch", "catch", "func", "function", "fn")))
    if functions:
        if len(functions) == 1:
            return f"is {_a(prefix + 'function')} called {functions[0]}"
        return f"defines {prefix}functions called {join_words(functions[:4])}"
    rule = re.findall(r"^\s*rule\s+(\w+)\s*:", code, flags=re.M)
    if rule:
        return f"defines {_a(prefix + 'rule')} called {identifier_words(rule[0])}"
    return None


def _command(line: str) -> str:
    """A shell line's program, with its subcommand when it has one: "cargo clippy", "git switch", "build candidate"."""
    words_ = line.split()
    if not words_ or not re.fullmatch(r"(?:\./|~/|/)?[A-Za-z][\w./+-]*", words_[0]) or \
            re.search(r"\.(?:rs|py|c|h|js|ts|go|md|txt|log|json)$", words_[0]):
        return ""  # output, a file name or a pattern: not a program
    name = identifier_words(words_[0].rsplit("/", 1)[-1].replace("-", "_")) or words_[0]
    if len(words_) > 1 and re.fullmatch(r"[a-z][a-z-]{1,15}", words_[1]):
        name += " " + words_[1].replace("-", " ")
    return name


def table_rows(text: str) -> list[list[str]]:
    """"cell | cell" rows as lists of cells (code marks taken off: the table is shown, not read)."""
    return [[cell.strip().strip("`").strip() for cell in row.split("|")] for row in text.splitlines() if row.strip()]


def aligned_table(text: str) -> str:
    """"cell | cell" rows with the columns padded to line up, for a slide's monospaced panel."""
    rows = table_rows(text)
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    sizes = [max(len(r[k]) for r in rows) for k in range(width)]
    return "\n".join(" | ".join(cell.ljust(size) for cell, size in zip(r, sizes, strict=True)).rstrip()
                     for r in rows)


def describe_shown_table(text: str) -> str:
    """The table on screen in one speakable sentence: how many rows, what they are, what it gives."""
    rows = table_rows(text)
    if not rows:
        return ""
    header, body = rows[0], rows[1:]
    if not body:
        return tidy(speakable(f"The table on screen has the columns {join_words(header)}"))
    firsts = [row[0] for row in body if row and row[0]]
    options = firsts and all(f.startswith("-") for f in firsts)
    names = [f.lstrip("-") for f in firsts] if options else [_lower_first(f) for f in firsts]
    if len(names) > 5:
        names = names[:4] + [f"{number_word(len(names) - 4)} more"]
    what = f"the {join_words(names)} options" if options else join_words(names)
    rest = [_with_article(h) for h in header[1:] if h]
    n = number_word(len(body))
    said = f"The table on screen lists {n} row{'s' if len(body) != 1 else ''}, {what}"
    if rest:
        said += f", with {join_words(rest)} for each"
    return speakable(said)


def describe_table(text: str) -> str:
    """A sentence saying what a table ("cell | cell" rows, header first) goes through (not yet speakable)."""
    rows = table_rows(text)
    if not rows:
        return ""
    header, body = rows[0], rows[1:]
    if not body:
        return tidy(plain(f"A table lists {join_words([_lower_first(c) for c in header])}"))
    firsts = [_lower_first(row[0]) for row in body if row and row[0]]
    rest = [_with_article(h) for h in header[1:] if h]
    if len(firsts) > 6:
        firsts = firsts[:5] + [f"{number_word(len(body) - 5)} more"]
    if rest:
        return tidy(plain(f"A table in the source goes through {join_words(firsts)}, giving for each "
                          f"{join_words(rest)}"))
    return tidy(plain(f"A table lists {join_words(firsts)}"))


def describe_table_row(header: list[str], row: list[str]) -> str:
    """One row of a table as a sentence: "Input content, the example: the hash of main.c; ..."."""
    if not row:
        return ""
    parts = [row[0]]
    for name, cell in zip(header[1:], row[1:], strict=False):
        if cell:
            parts.append(f"{_with_article(name)}: {cell}" if name else cell)
    head, *tail = parts
    return tidy(plain(head + (", " + "; ".join(tail) if tail else "")))


def _lower_first(text: str) -> str:
    words = text.split()
    if words and not (len(words[0]) > 1 and words[0].isupper()) and not re.search(r"\d", words[0]):
        words[0] = words[0][0].lower() + words[0][1:]
    return " ".join(words)


def _with_article(header: str) -> str:
    h = _lower_first(header.strip())
    if re.match(r"^(what|why|how|when|where|who|which|whether|if)\b", h) or re.match(r"^(the|a|an)\b", h):
        return h
    return f"the {h}"


# --- options and the author's voice ----------------------------------------------------------

_OPTION_WORD = r"(?:flag|option|switch|argument|parameter)s?"
_OPTION_PAIR = re.compile(r"(?<![\w/-])-([A-Za-z0-9])\s*(?:/|,|\bor\b)\s*--([A-Za-z][\w-]*)(?:=([\w.-]+))?(?![\w/-])")
# "--full-path or -p": the short alias after its long name adds nothing said aloud
_LONG_PAIR = re.compile(r"(?<![\w/-])--([A-Za-z][\w-]*)(?:=([\w.-]+))?\s*(?:/|,|\bor\b)\s*-[A-Za-z0-9](?![\w/-])")
_LONG_OPTION = re.compile(r"(?<![\w/-])--([A-Za-z][\w-]*)(?:=([\w.-]+))?(?![\w/-])")
_SHORT_OPTION = re.compile(r"(?<![\w/-])-([A-Za-z][A-Za-z0-9]*)(?![\w/-])")


def say_options(text: str) -> str:
    """Command-line options named as a person names them, never spelled symbol by symbol:
    "the -z/--search-zip flag" -> "the search zip flag"; "pass --dry-run" -> "pass the dry run
    option"; "-n" -> "dash n"; "-uuu" -> "dash u three times"; "-xnw" -> "the x, n and w options"."""
    def frame(m: re.Match, name: str, value: str | None, within: str | None = None) -> str:
        said = name
        if value:
            said += f" set to {value.replace('-', ' ')}"
        within = text if within is None else within
        before, after = within[:m.start()], within[m.end():]
        named_after = re.match(r"\s*(?:\([^()]*\)\s*)?(?:,\s*)?" + _OPTION_WORD + r"\b", after)  # "(-P for short) flag"
        if named_after:
            return said
        article = re.search(r"(?<![\w-])(?:the|a|an|its|their)\s+$", before, re.I)  # not the "a" of "-a "
        return f"{said} option" if article else f"the {said} option"

    def long_(m: re.Match, group: int) -> str:
        return frame(m, m.group(group).replace("-", " ").replace("_", " "), m.group(group + 1))

    t = _OPTION_PAIR.sub(lambda m: long_(m, 2), text)
    t = _LONG_PAIR.sub(lambda m: long_(m, 1), t)
    t = _LONG_OPTION.sub(lambda m: long_(m, 1), t)

    def short(m: re.Match) -> str:
        letters = m.group(1)
        if len(letters) >= 2 and len(set(letters)) == 1:  # -uuu: the same option given three times
            return frame(m, letters[0], None, t) + \
                (f" {number_word(len(letters))} times" if len(letters) > 2 else " twice")
        if len(letters) >= 3 and letters.isalpha() and letters.islower() and not _pronounceable(letters):
            names = join_words(list(letters))
            return f"the {names} options" if not re.search(r"\bthe\s+$", t[:m.start()]) else f"{names} options"
        # -h, -race: named like a long option ("the h option"), never "dash h"
        if letters.isalpha() and letters.islower() and letters not in ("a", "i"):
            return frame(m, letters, None, t)
        return "dash " + _split_letter_digits(letters)
    return _SHORT_OPTION.sub(short, t)


def _option_span(code: str) -> str:
    """An option in code marks, with its plain values kept and any pattern or quoted value left
    to the screen: `--type-add 'web:*.{html,css}'` -> "--type-add"."""
    kept = []
    for token in code.split():
        if token.startswith("-") or re.fullmatch(r"[\w.]+", token):
            kept.append(token)
        else:
            break
    return " ".join(kept) or code


def _pronounceable(letters: str) -> bool:
    """A cluster a person reads as a word ("-name", "-print") rather than as letters ("-xnw")."""
    return len(letters) >= 4 and bool(re.search(r"[aeiouy]", letters)) and not re.search(r"[^aeiouy]{4}", letters)


_FIRST_PERSON = re.compile(r"(?<![\w'’-])(I(?:'m|’m|'ve|’ve|'d|’d|'ll|’ll)?|me|my|mine|myself)(?![\w'’/-])"
                           r"(?! or O\b| O\b)")  # not I/O
_LISTENER = {"I": "you", "I'm": "you're", "I’m": "you’re", "I've": "you've", "I’ve": "you’ve", "I'd": "you'd",
             "I’d": "you’d", "I'll": "you'll", "I’ll": "you’ll", "me": "you", "my": "your", "mine": "yours",
             "myself": "yourself"}
_ADVERBS = {"really", "also", "just", "still", "often", "always", "never", "usually", "personally", "only",
            "actually", "recently", "first", "then", "now", "mostly", "generally", "strongly", "certainly",
            "probably", "originally", "initially", "eventually", "finally", "sometimes", "even", "already"}
_UNCHANGED = {"can", "could", "will", "would", "should", "may", "might", "must", "shall", "was", "did", "had",
              "didn't", "wasn't", "couldn't", "wouldn't", "won't", "can't", "cannot", "shouldn't", "hadn't",
              "wrote", "made", "went", "took", "got", "saw", "found", "built", "thought", "knew", "said", "gave",
              "came", "began", "ran", "put", "set", "let", "cut", "left", "felt", "kept", "lost", "meant", "spent",
              "sent", "told", "brought", "bought", "taught", "caught", "became", "chose", "drew", "fell", "grew",
              "held", "heard", "led", "paid", "sat", "stood", "understood", "won", "read", "spoke", "forgot"}
_THIRD = {"am": "is", "have": "has", "do": "does", "don't": "doesn't", "haven't": "hasn't", "am not": "is not",
          "go": "goes"}
_THEY = {"am": "are", "was": "were", "wasn't": "weren't"}


def _third_person(verb: str) -> str:
    """expect -> expects, try -> tries, push -> pushes (a present-tense verb after "the author")."""
    low = verb.lower()
    if low in _THIRD:
        return _THIRD[low]
    if low in _UNCHANGED or low.endswith(("ed", "n't")) or not low.isalpha():
        return verb
    if re.search(r"(?:s|sh|ch|x|z|o)$", low):
        return verb + "es"
    if re.search(r"[^aeiou]y$", low):
        return verb[:-1] + "ies"
    return verb + "s"


def author_voice(text: str, author: str = "the author") -> str:
    """The source's first person is its author's, not the host's: "I expect" -> "the author
    expects", "my blog" -> "the author's blog"; in a question the "I" is the listener's ("How do
    I search?" -> "How do you search?"). Quoted speech, "I/O" and Roman numerals are left alone."""
    from showrunner.writing.sentences import split_sentences

    out = []
    for sentence in split_sentences(text) or [text]:
        if sentence.rstrip().endswith("?"):
            said = _FIRST_PERSON.sub(lambda m: _LISTENER[m.group(1)], sentence)
            said = re.sub(r"\b(you) am\b", r"\1 are", said)
            out.append(re.sub(r"\bam (you)\b", r"are \1", said))
            continue
        out.append(_author_sentence(sentence, author))
    return " ".join(out)


def _author_sentence(sentence: str, author: str) -> str:
    named = False  # the author is named once a sentence; after that, "they"
    pieces: list[str] = []
    position = 0
    quoted = [m.span() for m in re.finditer(r"\"[^\"]*\"|“[^”]*”", sentence)]
    for m in _FIRST_PERSON.finditer(sentence):
        word = m.group(1)
        if any(a <= m.start() < b for a, b in quoted):
            continue
        before = sentence[:m.start()]
        if word == "I" and re.search(r"\b(?:Part|Type|Phase|Chapter|Appendix|Class|Level|Section|Tier|Volume|World "
                                     r"War)\s+$", before):
            continue
        pieces.append(sentence[position:m.start()])
        rest = sentence[m.end():]
        if word.startswith("I"):
            contraction = word[1:].lstrip("'’")
            subject = author if not named else "they"
            if contraction:
                verb = {"m": "is" if not named else "are", "ve": "has" if not named else "have", "d": "would",
                        "ll": "will"}[contraction]
                pieces.append(f"{subject} {verb}")
            else:
                pieces.append(subject)
                adverbs = re.match(r"((?:\s+(?:" + "|".join(_ADVERBS) + r"))*)\s+([A-Za-z’']+)", rest)
                if adverbs:
                    verb = adverbs.group(2)
                    changed = _third_person(verb) if not named else _THEY.get(verb.lower(), verb)
                    pieces.append(adverbs.group(1) + " " + changed)
                    position = m.end() + adverbs.end()
                    named = True
                    continue
        elif word == "my":
            pieces.append(f"{author}'s" if not named else "their")
        elif word == "mine":
            pieces.append(f"{author}'s" if not named else "theirs")
        elif word == "myself":
            pieces.append(author if not named else "themselves")
        else:  # me
            pieces.append(author if not named else "them")
        named = True
        position = m.end()
    pieces.append(sentence[position:])
    return "".join(pieces)
