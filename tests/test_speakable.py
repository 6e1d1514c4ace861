"""Speakable text: what a person would say for slashes, dashes, file names, versions, dates,
units, flags and paths (the `inflect` package for ordinals and plurals), on a table of cases."""

from __future__ import annotations

import pytest

from showrunner.writing.defects import sentence_defects
from showrunner.writing.speakable import describe_code, speakable

CASES = [
    ("It speaks HTTP/1.1 and HTTP/2.", "It speaks HTTP 1.1 and HTTP 2."),
    ("On RHEL/CentOS 7/8 it runs.", "On RHEL or CentOS 7 or 8 it runs."),
    ("Install a binary .deb file.", "Install a binary dot deb file."),
    ("It keeps honoring `.netrc` for passwords.", "It keeps honoring dot netrc for passwords."),
    ("A config file – a dict–like table – is read.", "A config file, a dict-like table, is read."),
    ("Rye flour (10–20% of the feed) helps.", "Rye flour, 10 to 20 percent of the feed, helps."),
    ("Released on 2024-05-01 as v2.3.1.", "Released on May 1st, 2024 as version 2.3.1."),
    ("Fetch with a 10 s timeout.", "Fetch with a 10 second timeout."),
    ("It takes 5ms or 1 s and ~12 MB.", "It takes 5 milliseconds or 1 second and about 12 megabytes."),
    ("Keep it at 24 °C.", "Keep it at 24 degrees Celsius."),
    ("Pass --dry-run or -O2.", "Pass the dry run option or dash O 2."),
    ("Files land in downloads/ first.", "Files land in the downloads folder first."),
    ("Run ./tools/upload now.", "Run tools slash upload now."),
    ("Edit src/main.py now.", "Edit src slash main dot py now."),
    ("Import quickfetch.core first.", "Import quickfetch dot core first."),
    ("Use TCP/IP and/or UDP.", "Use TCP IP or UDP."),
    ("Client/server apps.", "Client or server apps."),
    ("Run `grep -xnw 'A-Z+'` on the logs.", "Run the grep command on the logs."),
    ("Add `#![deny(clippy::all)]` to main.", "Add deny clippy all to main."),
    ("Use `#![deny(clippy::a, clippy::b)]` or clippy::pedantic.", "Use deny clippy a clippy b or clippy pedantic."),
    ("The `///` syntax documents items.", "The slash slash slash syntax documents items."),
    ("It says “Crate docs.”", "It says “Crate docs.”"),
    ("Lints (etc.) exist.", "Lints, and so on, exist."),
    ("Caches, queues etc. are kept.", "Caches, queues and so on are kept."),
    ("Python 3.9 or later.", "Python 3.9 or later."),
    ("Use SHA-256 checksums.", "Use SHA 256 checksums."),
    ("It copies at 10 MB/s, read/write.", "It copies at 10 megabytes per second, read or write."),
    ("Support runs 24/7.", "Support runs twenty-four seven."),
]


# Real sentences, from BurntSushi/ripgrep at 3fce3b5bb0236da2df6d99672afb8a719642eca7 (MIT or Unlicense):
# README.md, GUIDE.md and FAQ.md. Each was said wrong before (in the comment: what the writer said).
RIPGREP = [
    # "ripgrep's dash z slash dash dash search zip flag will cause it ..."
    ("ripgrep's `-z/--search-zip` flag will cause it to search compressed files automatically.",
     "Ripgrep's search zip flag will cause it to search compressed files automatically."),
    # "... can be enabled with dash P slash dash dash pcre2, use PCRE2 always, or dash dash auto hybrid regex ..."
    ("PCRE2 support can be enabled with `-P/--pcre2` (use PCRE2 always) or `--auto-hybrid-regex` (use PCRE2 only "
     "if needed).",
     "PCRE2 support can be enabled with the pcre2 option, use PCRE2 always, or the auto hybrid regex option, use "
     "PCRE2 only if needed."),
    # "When you use the dash dash pcre2, dash P for short, flag, ..."
    ("When you use the `--pcre2` (`-P` for short) flag, ripgrep will use the PCRE2 regex engine instead of the "
     "default.",
     "When you use the pcre2, dash P for short, flag, ripgrep will use the PCRE2 regex engine instead of the "
     "default."),
    # "... is available on my blog."
    ("A large number of benchmarks with detailed analysis for each is available on my blog.",
     "A large number of benchmarks with detailed analysis for each is available on the author's blog."),
    # "... which has my email address and PGP public key ..."
    ("For reporting a security vulnerability, please contact Andrew Gallant, which has my email address and PGP "
     "public key if you wish to send an encrypted message.",
     "For reporting a security vulnerability, please contact Andrew Gallant, which has the author's email address "
     "and PGP public key if you wish to send an encrypted message."),
    # "... that I don't know how to fix and don't have the time to fix."
    ("Various snaps for ripgrep on Ubuntu are also available, but none of them seem to work right and generate a "
     "number of very strange bug reports that I don't know how to fix and don't have the time to fix.",
     "Various snaps for ripgrep on Ubuntu are also available, but none of them seem to work right and generate a "
     "number of very strange bug reports that the author doesn't know how to fix and don't have the time to fix."),
    # a question's "I" is the listener's: "How do I search compressed files?"
    ("How do I search compressed files?", "How do you search compressed files?"),
    # sharkdp/fd's man page (fd.1): "... alternative to find(1)"
    ("fd is a simple, fast and user-friendly alternative to find(1).",
     "Fd is a simple, fast and user-friendly alternative to find."),
    # from golang/website's "Errors are values": "performs the underlying the author ors O"
    ("Its Scan method performs the underlying I/O, which can of course lead to an error.",
     "Its Scan method performs the underlying I O, which can of course lead to an error."),
    # "Ripgrep is fast ... (... with the dash P slash dash dash pcre2 flag.)"
    ("(PCRE2 support can be opted into with the `-P/--pcre2` flag.)",
     "PCRE2 support can be opted into with the pcre2 flag."),
    # "Timings ... increases the times to 3.423s ...": a number in code marks stays a number
    ("Passing the `-n` flag increases the times to `3.423s` for ripgrep and `13.031s` for GNU grep.",
     "Passing the n flag increases the times to 3.423 seconds for ripgrep and 13.031 seconds for GNU grep."),
    # "... by setting PCRE2 SYS STATIC=1" (an equals sign read or skipped)
    ("Static linking can be forced by setting `PCRE2_SYS_STATIC=1`.",
     "Static linking can be forced by setting PCRE2 SYS STATIC set to 1."),
    ("In particular, `rg -uuu` is similar to `grep -a -r`.",
     "In particular, rg with the u option three times is similar to grep with dash a and the r option."),
    # from sharkdp/fd README.md at ee20f426ddf338ac7ead5c5f00ea49258005caaf (MIT or Apache-2.0): both were
    # "the fd command" before, so the sentence said nothing
    ("You can either run `fd -h` for a concise help message or `fd --help` for a more detailed version.",
     "You can either run fd with the h option for a concise help message or fd with the help option for a more "
     "detailed version."),
    ("To additionally search binary files, use -uuu.",
     "To additionally search binary files, use the u option three times."),
    # fd README.md: "using the full path option or dash p option" (a short alias after its long name, spelled)
    ("However, using the `--full-path` or `-p` option, you can match against the full path.",
     "However, using the full path option, you can match against the full path."),
    # golang/go race detector blog and page: "Run "go test dash race"", "a binary built with dash race"
    ("Run `go test -race` on your code today!", "Run go test with the race option on your code today!"),
    ("You may find more races by running a binary built with `-race` under a realistic workload.",
     "You may find more races by running a binary built with the race option under a realistic workload."),
    # rust-lang blog, async-await beta: "such as JavaScript or C." (the "#" was dropped as a symbol)
    ("You may be familiar with the async-await from other languages, such as JavaScript or C#.",
     "You may be familiar with the async-await from other languages, such as JavaScript or C sharp."),
    ("Bindings for C++ and F# exist; see issue #42.",
     "Bindings for C plus plus and F sharp exist; see issue number 42."),
    # subleq paper (PDF): "execute SUBLEQ-a one-instruction ..." and "two questions:, 1, can ..."
    ("We present two approaches to making a standard transformer execute SUBLEQ—a one-instruction computer.",
     "We present two approaches to making a standard transformer execute SUBLEQ, a one-instruction computer."),
    ("We ask two questions: (1) can a transformer do it, and (2) will it learn to?",
     "We ask two questions: 1, can a transformer do it, and, 2, will it learn to?"),
    # ripgrep README: "an Intel i9 to 12900K 5.2 gigahertzzes" (a model number read as a range, hertz pluralised)
    ("Benchmarks ran on an Intel i9-12900K 5.2 GHz.", "Benchmarks ran on an Intel i9-12900K 5.2 gigahertz."),
]


@pytest.mark.parametrize(("written", "said"), RIPGREP)
def test_real_sentences_are_said_as_a_person_says_them(written, said):
    assert speakable(written) == said


def test_a_rate_is_said_per_week():
    # "... 1,200 downloads or week" was said for "/ week"
    assert speakable("It gets 1,200 downloads / week.") == "It gets 1,200 downloads per week."


@pytest.mark.parametrize(("written", "said"), CASES)
def test_speakable_cases(written, said):
    assert speakable(written) == said


def test_no_slash_is_read_as_of():
    for written, _ in CASES:
        assert " of 1" not in speakable(written) and " of 8" not in speakable(written)


# golang/go doc/articles/race_detector.html, "Primitive unprotected variable": was "The code on screen is a
# function called func." (the anonymous `go func() {` taken for a name; the type and methods missed)
WATCHDOG = """type Watchdog struct{ last int64 }

func (w *Watchdog) KeepAlive() {
	w.last = time.Now().UnixNano() // First conflicting access.
}

func (w *Watchdog) Start() {
	go func() {
		for {
			time.Sleep(time.Second)
			// Second conflicting access.
			if w.last < time.Now().Add(-10*time.Second).UnixNano() {
				fmt.Println("No keepalives for 10 seconds. Dying.")
				os.Exit(1)
			}
		}
	}()
}"""


def test_a_section_of_another_document_is_said_by_the_document():
    # RFC 4180 section 3: "As per section 4.1.1. of RFC 2046, ..." pointed at a section the episode does not give
    said = speakable("As per section 4.1.1. of RFC 2046, this media type uses CRLF to denote line breaks.")
    assert said == "As per RFC 2046, this media type uses CRLF to denote line breaks."
    assert not [d for d in sentence_defects(said) if d.kind == "dangling reference"]


def test_a_console_with_prompts_runs_only_its_prompted_lines():
    # sharkdp/fd README: "> cd /etc / > fd '^x.*rc$'" and its output; was "runs the xinitrc and xserverrc commands"
    console = "> cd /etc\n> fd '^x.*rc$'\nX11/xinit/xinitrc\nX11/xinit/xserverrc"
    assert describe_code(console, "console") == "The code on screen runs the cd and fd commands."


def test_go_code_is_described_by_its_type_and_methods():
    assert describe_code(WATCHDOG) == "The code on screen defines a type called watchdog, in sixteen lines."
    methods = WATCHDOG.split("\n\n", 1)[1]
    assert describe_code(methods) == \
        "The code on screen defines functions called keep alive and start, in fifteen lines."


def test_code_description_says_what_is_shown():
    long_python = "\n".join(["import asyncio", "", "async def main(urls):", *[f"    x{i} = {i}" for i in range(24)]])
    said = describe_code(long_python, "python")
    assert "one line" not in said and "function called main" in said
    diagram = "╭───╮   ╭───╮\n│ a │──▶│ b │\n╰───╯   ╰───╯\n  planner   fetcher"
    assert "diagram" in describe_code(diagram, "diagram") and "planner" in describe_code(diagram, "diagram")
    shell = "quickfetch -j 8 --timeout 10 -i urls.txt\ngrep -xnw 'A-Z+' downloads/*.log"
    said = describe_code(shell, "sh")
    assert "quickfetch" in said and "grep" in said and "A-Z" not in said and "-" not in said


def test_a_count_written_short_is_said_in_words():
    # subleq-paper: "4.9M params" was read "4.9 M params"; a version or a unit stays as it is
    assert speakable("We selected the wide model (4.9M params) for full training.") == \
        "We selected the wide model, 4.9 million parameters, for full training."
    assert speakable("a 2.1M-parameter transformer ran 100K steps") == \
        "A 2.1 million-parameter transformer ran 100 thousand steps."
    assert speakable("A 7B parameter model.") == "A 7 billion parameter model."
    assert speakable("Version 2B of the spec.") == "Version 2B of the spec."
    assert speakable("A 16GB laptop.") == "A 16 gigabyte laptop."
