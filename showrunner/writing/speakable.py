"""Making source text speakable: what a narrator can read aloud without stumbling.

No markdown syntax, no URLs read out, code described rather than read, tables described in a
sentence, and the cheap cases of symbols and flags spelled as words ("-O2" -> "dash O 2").
"""

from __future__ import annotations

import ast
import re

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
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def language_name(language: str | None) -> str | None:
    if not language:
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


def speakable(text: str) -> str:
    """Turn one sentence (or a few) of source text into narration a voice can read aloud."""
    t = " ".join(text.split())
    # markdown that survived: images, links, code spans, emphasis, headings, quotes, list markers
    t = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", t)
    t = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", t)
    t = re.sub(r"<((?:https?|ftp)://[^>]+)>", r"\1", t)
    t = re.sub(r"`([^`]+)`", lambda m: _code_span(m.group(1)), t)
    t = re.sub(r"(\*\*|__)(\S(?:.*?\S)?)\1", r"\2", t)
    t = re.sub(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])", r"\1", t)
    t = re.sub(r"(?<!\w)_(\S(?:.*?\S)?)_(?!\w)", r"\1", t)
    t = re.sub(r"^\s*(#{1,6}\s+|>\s*|[-*+]\s+|\d{1,3}[.)]\s+)", "", t)
    t = re.sub(r"</?[a-zA-Z][^>]*>", "", t)
    # URLs and e-mail addresses are not read aloud
    t = re.sub(r"\s*\((?:see |at |via )?" + _URL + r"\)", "", t)
    t = re.sub(r"\b(?:[Ss]ee|[Vv]isit|[Gg]o to)\s+" + _URL, lambda m: m.group(0).split()[0] + " " + LINK_PHRASE, t)
    t = re.sub(r"(?<!\w)" + _URL, LINK_PHRASE, t)
    t = re.sub(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b", "the address in the show notes", t)
    # common written abbreviations
    t = re.sub(r"\be\.\s?g\.,?", "for example", t, flags=re.I)
    t = re.sub(r"\bi\.\s?e\.,?", "that is", t, flags=re.I)
    t = re.sub(r"\betc\.", "and so on.", t)
    t = re.sub(r"\bvs\.?(?=\s)", "versus", t)
    t = re.sub(r"\bapprox\.", "about", t)
    # pointing at something only the reader can see
    t = re.sub(r"\b[Tt]he (function|code|table|example|figure|list|diagram|snippet|command|listing) "
               r"(?:above|below)\b", lambda m: "This " + m.group(1), t)
    t = re.sub(r",? (?:as )?(?:shown|listed|given) (?:above|below)", "", t)
    # parentheses become commas, the way a speaker would say an aside
    t = re.sub(r"\s\(([^()]{1,120})\)", r", \1,", t)
    # command-line flags, negative numbers, versions glued to names
    t = re.sub(r"(?<![\w-])--([A-Za-z][\w-]*)", lambda m: "dash dash " + m.group(1).replace("-", " "), t)
    t = re.sub(r"(?<![\w-])-([A-Za-z][A-Za-z0-9]*)\b", lambda m: "dash " + _split_letter_digits(m.group(1)), t)
    t = re.sub(r"(?<![\w-])-(\d)", r"minus \1", t)
    t = re.sub(r"\b([A-Za-z]{2,})-(\d+)\b", r"\1 \2", t)
    t = re.sub(r"\b([\w-]+)\.(" + _FILE_EXT + r")\b", r"\1 dot \2", t)
    t = re.sub(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", lambda m: identifier_words(m.group(0)), t)
    # symbols
    replacements = [
        (r"\s*&\s*", " and "), (r"(\d)\s*%", r"\1 percent"), (r"\s*(?:->|=>|→)\s*", " to "),
        (r"\s+=\s+", " equals "), (r"\s+\+\s+", " plus "), (r"\s+<\s+", " less than "),
        (r"\s+>\s+", " greater than "), (r"~\s*(?=\d)", "about "), (r"#(?=\d)", "number "),
        (r"\s*[—–]\s*", ", "), (r"\s+-\s+", ", "), (r"…", "..."), (r"\s*\|\s*", ", "), (r"\s*@\s*", " at "),
        (r"[`*#_\[\]{}\\<>^]", " "), (r"\s*/\s*(?=\d)", " of "),
    ]
    for pattern, replacement in replacements:
        t = re.sub(pattern, replacement, t)
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
    t = re.sub(r"[,;:]\s*([.!?])", r"\1", t)
    t = re.sub(r"([.!?])\s*,", r"\1", t)
    t = re.sub(r"\(\s*\)", "", t)
    t = t.strip(" ,;")
    if not t:
        return ""
    if t.endswith(":"):
        t = t[:-1] + "."
    if t[-1] not in ".!?":
        t += "."
    return t[0].upper() + t[1:]


def _split_letter_digits(token: str) -> str:
    return re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", token)


def _code_span(code: str) -> str:
    code = code.strip()
    if re.fullmatch(r"[A-Za-z_][\w]*(?:\(\))?", code):
        return identifier_words(code.rstrip("()"))
    if re.fullmatch(r"[\w-]+\." + _FILE_EXT, code):
        stem, ext = code.rsplit(".", 1)
        return f"{stem} dot {ext}"
    return code


# --- code and tables -------------------------------------------------------------------------


def describe_code(code: str, language: str | None = None) -> str:
    """One sentence saying what a code sample is or does, for a narrator to speak."""
    lines = [line for line in code.splitlines() if line.strip()]
    n = len(lines)
    lang = language_name(language)
    prefix = f"{lang} " if lang else ""
    what = None
    if (language or "python").lower() in ("py", "python", "python3"):
        what = _describe_python(code, prefix)
    if what is None:
        what = _describe_by_pattern(code, language, prefix)
    if what:
        return tidy(f"The code on screen {what}")
    size = f"{number_word(n)} line{'s' if n != 1 else ''}"
    return tidy(f"On screen is a short {prefix}{'example' if lang else 'code example'}, {size} long")


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


def _describe_by_pattern(code: str, language: str | None, prefix: str) -> str | None:
    lang = (language or "").lower()
    lines = [line.strip() for line in code.splitlines() if line.strip()]
    if lang in ("sh", "bash", "shell", "zsh", "console") or (lines and lines[0].startswith("$ ")):
        commands = [line.lstrip("$ ").split()[0] for line in lines if line.lstrip("$ ") and not line.startswith("#")]
        commands = list(dict.fromkeys(identifier_words(c) or c for c in commands))
        if commands:
            return f"runs the {join_words(commands[:3])} command{'s' if len(commands) > 1 else ''}"
    classes = re.findall(r"\b(?:class|struct|interface)\s+([A-Za-z_]\w*)", code)
    if classes:
        return f"defines {_a(prefix + 'type')} called {identifier_words(classes[0])}"
    functions = re.findall(r"\b(?:def|function|fn|func|sub|proc)\s+([A-Za-z_]\w*)\s*\(", code)
    functions += re.findall(r"^\s*(?:[\w<>\[\]*&]+\s+)+([A-Za-z_]\w*)\s*\([^;]*\)\s*\{", code, flags=re.M)
    functions = list(dict.fromkeys(identifier_words(f) for f in functions if f not in ("if", "for", "while")))
    if functions:
        if len(functions) == 1:
            return f"is {_a(prefix + 'function')} called {functions[0]}"
        return f"defines {prefix}functions called {join_words(functions[:4])}"
    rule = re.findall(r"^\s*rule\s+(\w+)\s*:", code, flags=re.M)
    if rule:
        return f"defines {_a(prefix + 'rule')} called {identifier_words(rule[0])}"
    return None


def table_rows(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in row.split(" | ")] for row in text.splitlines() if row.strip()]


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
