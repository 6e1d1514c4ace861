"""Listening term by term, by ear: the offline voices say the lexicon's terms through scene_voice, the
recogniser (given the terms as a glossary) hears them; a term said wrongly is reported missed, with where;
spelling variants of the same sounds are not word errors."""

from __future__ import annotations

import numpy as np
import pytest

from showrunner import listening, media
from showrunner.acceptance_checks import still_unsure
from showrunner.artifacts import Scene, Segment
from showrunner.config import Listen, load_config
from showrunner.pronunciation import Lexicon, Pronunciation, episode_lexicon
from showrunner.providers.calls import ModelCalls
from showrunner.stages.scene_voice import speak
from tests.media_episode import media_config

SEGMENTS = ["A backreference matches the same text again.",
         "Run kubectl to list the pods, then nginx serves them.",
         "The GNU tools read from stdin and write to stdout.",
         "Search with ripgrep, or with grep and a regex. Ripgrep supports many features found in grep, such as showing "
         "the context of search results.",
         "Rust is Turing-complete and has async-await; in Go each goroutine writes to stderr."]


def _heard(tmp_path, voice: str, pronunciations: dict | None = None,
           model: str = "tiny.en") -> list[listening.TermHeard]:
    """Every segment spoken through scene_voice.speak by `voice`, heard by the recogniser with the lexicon's
    terms as its glossary: each term's result."""
    raw = media_config(cache={"dir": str(tmp_path / "cache")})
    raw["show"]["hosts"] = [{"id": "ada", "name": "Ada", "voice": voice}]
    if voice.startswith("piper/"):  # piper's noise is not seeded: without it, the same audio every run
        raw["providers"] = {"speech": {"name": "piper", "options": {"noise_scale": 0.0, "noise_w_scale": 0.0}}}
    if pronunciations:
        raw["pronunciations"] = pronunciations
    episode = load_config(raw).episode("ep1")
    scene = Scene(index=1, section_id="s1", title="terms", estimated_seconds=10,
                  segments=[Segment(id=f"seg{i}", speaker="ada", text=t, section_id="s1")
                            for i, t in enumerate(SEGMENTS)])
    calls = ModelCalls(episode, "scene_voice", tmp_path)
    spoken, _ = speak(scene, {"ada": episode.show.hosts[0]}, episode, calls)
    lexicon = episode_lexicon(episode)
    said, words, offset = [], [], 0.0
    for text, audio in zip(SEGMENTS, media.decode_audio(spoken, listening.SAMPLE_RATE), strict=True):
        samples = media.resample(audio, listening.SAMPLE_RATE, listening.SAMPLE_RATE)
        heard, _ = listening.transcribe(samples, Listen(model=model), tmp_path / "cache", threads=2,
                                        vocabulary=lexicon.used_in(text))
        seconds = samples.size / listening.SAMPLE_RATE
        said.append(listening.Said(1, offset, offset + seconds, text))
        words += [listening.Word(w.text, w.start + offset, w.end + offset) for w in heard]
        offset += seconds + 1.0
    terms = dict.fromkeys(lexicon.used_in(" ".join(SEGMENTS)), "lexicon")
    return listening.terms_heard(said, words, terms, respellings=lexicon.respellings(" ".join(SEGMENTS)))


@pytest.mark.parametrize(("voice", "model"), [("hibari/heart", "tiny.en"), ("piper/joe", "tiny.en"),
                                              ("hibari/heart", "base")])
def test_the_lexicon_terms_are_said_so_that_they_are_heard(tmp_path, voice, model):
    results = _heard(tmp_path, voice, model=model)
    assert {r.term for r in results} == {"backreference", "kubectl", "nginx", "GNU", "stdin", "stdout", "ripgrep",
                                         "grep", "regex", "Rust", "Turing-complete", "async-await", "goroutine",
                                         "stderr"}
    missed = {r.term: r.missed for r in results if not r.passed}
    assert not missed, missed


def test_a_term_said_wrongly_is_reported_missed_though_the_recogniser_was_given_it(tmp_path):
    # the voice is given the phonemes of other words (misaki's for "background", "cubicle", "new") while each
    # term keeps its right respelling: heard neither as itself nor as its respelling, it is missed
    wrong = {"backreference": ("back reference", "bˈækɡɹˌWnd"), "kubectl": ("cube C T L", "kjˈubəkᵊl"),
             "GNU": ("guh new", "nˈu")}
    results = _heard(tmp_path, "hibari/heart", {term: {"say": say, "phonemes": {"hibari": phonemes}}
                                                for term, (say, phonemes) in wrong.items()})
    by_term = {r.term: r for r in results}
    for term in wrong:
        assert not by_term[term].passed, f"{term} said as {wrong[term][1]!r} but reported heard"
    assert by_term["backreference"].missed[0].startswith("scene 01 at 0:00.0, heard 'background")
    assert by_term["nginx"].passed and by_term["grep"].passed  # the rest still heard


def test_a_hyphenated_term_in_the_glossary_does_not_make_the_recogniser_hyphenate_other_words(tmp_path):
    # rust-async-await-beta: prompted with "Glossary: async-await, ...", tiny.en heard the scene's "async fn" as
    # "async -FN" and "the dot await operator" as "the data -weight operator"; with "async await", as said
    lines = ["To use async-await, you start by writing async fn instead of fn.",
             "To actually execute the future, you have to use the dot await operator."]
    raw = media_config(cache={"dir": str(tmp_path / "cache")})
    raw["show"]["hosts"] = [{"id": "ada", "name": "Ada", "voice": "hibari/heart"}]
    episode = load_config(raw).episode("ep1")
    scene = Scene(index=1, section_id="s1", title="await", estimated_seconds=10,
                  segments=[Segment(id=f"seg{i}", speaker="ada", text=t, section_id="s1") for i, t in enumerate(lines)])
    spoken, _ = speak(scene, {"ada": episode.show.hosts[0]}, episode, ModelCalls(episode, "scene_voice", tmp_path))
    audio = np.concatenate([media.resample(a, listening.SAMPLE_RATE, listening.SAMPLE_RATE)
                            for a in media.decode_audio(spoken, listening.SAMPLE_RATE)])
    vocabulary = episode_lexicon(episode).used_in(" ".join(lines))
    assert "async-await" in vocabulary and "async await" in listening.glossary(vocabulary)
    words, _ = listening.transcribe(audio, Listen(), tmp_path / "cache", threads=2, vocabulary=vocabulary)
    heard = " ".join(w.text for w in words)
    assert not [w.text for w in words if w.text.startswith("-")], heard
    assert "dot await operator" in " ".join(listening.tokens(heard)), heard


def test_a_term_heard_as_its_respelling_is_heard_and_no_word_error():
    # the go race detector: "stderr" is respelled "standard error" and the recogniser writes what it heard
    line = listening.Said(1, 0.0, 2.0, "The report goes to stderr, then exits.")
    words = [listening.Word(w, 0.2 * i, 0.2 * i + 0.15) for i, w in
             enumerate("The report goes to standard error, then exits.".split())]
    said_as = {"stderr": "standard error"}
    assert listening.terms_heard([line], words, {"stderr": "lexicon"}, respellings=said_as)[0].passed
    assert not listening.terms_heard([line], words, {"stderr": "lexicon"})[0].passed  # without the lexicon: missed
    assert listening.word_error(line.text, " ".join(w.text for w in words), said_as).rate == 0.0
    assert listening.word_error(line.text, " ".join(w.text for w in words)).rate > 0.2
    # another word heard is still missed and still an error, and a respelling counts only where the term is said
    other = [listening.Word(w.text.replace("standard", "standing"), w.start, w.end) for w in words]
    assert not listening.terms_heard([line], other, {"stderr": "lexicon"}, respellings=said_as)[0].passed
    assert listening.word_error(line.text, " ".join(w.text for w in other), said_as).rate > 0.2
    assert listening.word_error("A standard error.", "A standard error.", said_as).rate == 0.0
    assert Lexicon({"stderr": Pronunciation(say="standard error")}).respellings("stderr and grep") == \
        {"stderr": "standard error", "grep": "grep"}


def test_spelling_variants_of_the_same_sounds_are_not_word_errors():
    same = listening.word_error("A backreference in SQL, two S-Q-L files, UTF-8 and a database.",
                                "a back reference in S Q L, 2 sql files, utf 8 and a data base")
    assert same.rate == 0.0
    wrong = listening.word_error("A backreference in SQL.", "a background in sequel")
    assert (wrong.substitutions, wrong.rate) == (2, 0.5)
    # British and American spellings of one word (ep1: "optimisation" heard as "optimization")
    british = listening.word_error("The optimisation parallelised the colour catalogue at the centre.",
                                   "the optimization parallelized the color catalog at the center")
    assert british.rate == 0.0
    assert listening.word_error("filling the promise", "filing the promize").substitutions == 1  # filing is a word
    # a letter heard as the word that sounds like it: ripgrep's "rg" said "R G", heard "are g"
    assert listening.word_error("ripgrep (rg) is fast", "ripgrep are g is fast").rate == 0.0  # brackets said too
    assert listening.word_error("you are fast", "you are fast").rate == 0.0  # no letters said: words stay
    # a version number (Rust 1.77.0: Whisper's normaliser reads "one.77.0", the recogniser writes "177 .0")
    assert listening.word_error("Announcing Rust 1.77.0. The notes for 2.4.1 in 2019. 3 more",
                                "announcing rust 177 .0 the notes for 2.41 in 2019, 3 more").rate == 0.0
    # a percent sign Whisper wrote as a word of its own (subleq README: "100 % single -step accuracy")
    assert listening.word_error("Both achieve 100% single-step accuracy.",
                                "both achieve 100 % single -step accuracy").rate == 0.0
    assert listening.word_error("Both achieve 100% accuracy.", "both achieve 100 accuracy").substitutions == 1
    # homophones: every corpus episode heard "Plain Circuits" as "plane circuits", the same sounds
    assert listening.word_error("Welcome to Plain Circuits.", "welcome to plane circuits").rate == 0.0
    assert listening.word_error("a build cache", "a build cat").substitutions == 1  # other sounds: an error
    # a heard word the lines also say elsewhere is not rewritten: "write it right" heard "right it right"
    assert listening.word_error("write it right", "right it right").substitutions == 1


def test_a_term_glued_to_the_next_word_is_heard_and_a_covered_unsure_word_is_not_checked():
    # the fd README: "just like ls. fd also honours" heard as "just like LSFD also honors"
    line = listening.Said(3, 0.0, 3.0, "just like ls. fd also honours it")
    words = [listening.Word(t, 0.3 * k, 0.3 * k + 0.25) for k, t in enumerate("just like LSFD also honors it".split())]
    assert listening.terms_heard([line], words, {"ls": "lexicon"})[0].passed
    heard_wrong = [listening.Word(t, 0.3 * k, 0.3 * k + 0.25) for k, t in enumerate("just like as fd".split())]
    assert not listening.terms_heard([line], heard_wrong, {"ls": "lexicon"})[0].passed
    # what outline.md listed and the episode's lexicon now covers (config.yaml's Snakemake), or a rule does
    # (fd is spelled out), is no longer an unsure word to listen for
    lexicon = Lexicon({"snakemake": Pronunciation(say="snake make")})
    assert still_unsure(["Snakemake", "fd", "xxhash"], lexicon) == ["xxhash"]


def test_a_decoding_that_failed_as_a_loop_is_dropped():
    # heard after the fd README's last line when its audio is cut mid-word: a loop Whisper would decode again
    # at a higher temperature (random), dropped here instead
    import zlib
    from types import SimpleNamespace

    def segment(text: str) -> SimpleNamespace:
        data = text.encode()
        return SimpleNamespace(text=text, compression_ratio=len(data) / len(zlib.compress(data)))

    real = segment(" Thanks for listening to Plain Circuits.")
    loop = segment(" Thank you so much for watching" + ", see you in the next video" * 12)
    assert listening.decoded([real, loop]) == [real]


def test_a_glossary_is_what_the_recogniser_is_given():
    assert listening.glossary(["kubectl", "GNU"]) == "Glossary: kubectl, GNU."
    # a hyphen inside a term as a space: prompted with one, Whisper began other words with a hyphen
    assert listening.glossary(["async-await", "SHA-256", "-v"]) == "Glossary: async await, SHA 256, -v."
    assert listening.glossary([]) is None


def test_caption_edges_at_pauses_are_hard_and_mid_phrase_breaks_soft_only_where_the_voice_gave_no_word_times():
    from showrunner.acceptance_checks import caption_timing_check
    from showrunner.captions import Cue

    words = [listening.Word(w, s, e) for w, s, e in (("every", 0.0, 0.3), ("build", 0.3, 0.6), ("tool", 0.6, 1.0),
                                                     ("answers", 1.0, 1.5), ("again", 2.0, 2.5))]
    stretches = [(0.0, 1.5), (2.0, 2.5)]
    untimed = [(0.0, 1.5), (2.0, 2.5)]  # the lines, when their voice timed no words (espeak, openai, edge)
    good = [Cue(0.0, 0.6, ("every build",)), Cue(0.6, 1.5, ("tool answers",)), Cue(2.0, 2.5, ("again",))]
    assert [(c.name, c.passed, c.hard) for c in caption_timing_check(good, words, stretches, 150, untimed)] == [
        ("caption timing", True, True), ("caption timing at mid-phrase breaks", True, False)]
    mid_off = [Cue(0.0, 0.9, ("every build",)), Cue(0.9, 1.5, ("tool answers",)), good[2]]  # break 300 ms late
    checks = caption_timing_check(mid_off, words, stretches, 150, untimed)
    assert [(c.passed, c.hard) for c in checks] == [(True, True), (False, False)]
    assert "worst: cue 1 end +300 ms" in checks[1].measured
    # the same break inside a segment whose voice timed its words (piper, hibari): one hard check, failed
    checks = caption_timing_check(mid_off, words, stretches, 150, untimed[1:])
    assert [(c.name, c.passed, c.hard) for c in checks] == [("caption timing", False, True)]
    assert "worst: cue 1 end +300 ms" in checks[0].measured
    assert [c.passed for c in caption_timing_check(good, words, stretches, 150, untimed[1:])] == [True]
    segment_off = [*good[:2], Cue(2.2, 2.5, ("again",))]  # a segment's first word 200 ms late: hard
    checks = caption_timing_check(segment_off, words, stretches, 150)
    assert (checks[0].passed, checks[0].hard) == (False, True) and "cue 3 start +200 ms" in checks[0].measured


def test_a_word_timed_into_a_pause_stays_with_its_phrase_and_a_hiss_is_no_stretch():
    # quickfetch: Whisper put "works?" in the pause after it, nearer the next stretch than its own
    words = [listening.Word("how", 48.79, 48.81), listening.Word("it", 48.81, 49.55),
             listening.Word("works?", 49.55, 49.55), listening.Word("A", 49.89, 50.01),
             listening.Word("download", 50.01, 50.25)]
    timed = listening.word_times(words, [(47.896, 49.24), (49.752, 51.736)])
    assert (timed[2].text, timed[2].end) == ("works?", 49.24) and (timed[3].text, timed[3].start) == ("A", 49.752)
    # ep1: the hiss of "once." after a two-frame dip is no stretch of its own
    once = listening.word_times([listening.Word("every", 100.4, 100.8), listening.Word("input", 100.8, 101.06),
                                 listening.Word("once.", 101.06, 101.56)], [(99.231, 101.279), (101.375, 101.535)])
    assert once[-1].end == 101.535


def test_a_word_heard_as_two_is_timed_from_both():
    # ep1: "input content" heard as "and put content": the cue starts where "and" starts
    words = [listening.Word("three", 67.6, 67.9), listening.Word("rows.", 67.9, 68.29),
             listening.Word("and", 68.61, 68.76), listening.Word("put", 68.76, 69.0),
             listening.Word("content,", 69.0, 69.38)]
    cues = [(66.0, 68.29, "three rows."), (68.59, 69.4, "input content,")]
    offsets, unmeasured = listening.cue_timing(cues, words)
    assert unmeasured == 0 and [(o.edge, o.offset) for o in offsets if o.cue == 2] == [("start", -0.02), ("end", 0.02)]


def test_a_stretch_of_speech_the_recogniser_left_out_times_the_words_said_there():
    # rust-1.77.0: "... 1.77.0 stable, Ben." heard without "Ben." (spoken 31.18-31.468 s, the cue ends at 31.475)
    words = [listening.Word("Tell", 28.4, 28.6), listening.Word("us", 28.6, 28.8), listening.Word("what's", 28.8, 29.3),
             listening.Word("in", 29.3, 29.9), listening.Word("1.77.0", 29.9, 30.3),
             listening.Word("stable.", 30.49, 30.89),
             listening.Word("The", 31.59, 32.21), listening.Word("code", 32.21, 32.71)]
    stretches = [(28.396, 30.86), (31.18, 31.468), (32.012, 34.7)]
    cues = [(28.4, 31.475, "Tell us what's in 1.77.0 stable, Ben."), (32.0, 32.71, "The code")]
    timed = listening.word_times(words, stretches)
    assert [w.text for w in timed][4:] == ["1.77.0", "stable.", listening.UNHEARD, "The", "code"]
    offsets, unmeasured = listening.cue_timing(cues, timed)
    assert unmeasured == 0 and [(o.cue, o.edge, o.offset) for o in offsets][1] == (1, "end", 0.007)
    # and a cue ending 200 ms early there is measured as such
    early = listening.cue_timing([(28.4, 31.275, cues[0][2]), cues[1]], timed)[0]
    assert [(o.cue, o.edge, o.offset) for o in early][1] == (1, "end", -0.193)
    # a click shorter than a word is not one
    assert listening.UNHEARD not in [w.text for w in listening.word_times(words, [*stretches[:1], (31.2, 31.25),
                                                                                   stretches[2]])]


def test_a_stretchs_one_word_spans_it_and_a_late_first_word_starts_it():
    # fd README: "First," timed in the pause after its stretch (23.8-24.248 s), the cue starts at 23.8
    timed = listening.word_times([listening.Word("use.", 23.31, 23.64), listening.Word("First,", 24.37, 24.37),
                                  listening.Word("to", 24.61, 24.75), listening.Word("get", 24.75, 24.91)],
                                 [(22.9, 23.64), (23.8, 24.248), (24.536, 24.95)])
    assert [(w.start, w.end) for w in timed][1:3] == [(23.8, 24.248), (24.536, 24.75)]
    # a stretch's first word timed 0.65 s after the stretch starts: nothing else was heard before it there
    late = listening.word_times([listening.Word("1.77.0", 40.65, 41.2), listening.Word("adds", 41.2, 41.5)],
                                [(40.0, 41.5)])
    assert late[0].start == 40.0
    offsets, _ = listening.cue_timing([(40.0, 41.5, "1.77.0 adds")], late)
    assert [o.offset for o in offsets] == [0.0, 0.0]
    offsets, _ = listening.cue_timing([(40.2, 41.5, "1.77.0 adds")], late)  # a cue 200 ms late is measured so
    assert offsets[0].offset == 0.2


def test_a_word_heard_once_for_two_is_the_one_said_where_it_was_heard():
    # fd README: "... Today: fd." ends a segment, "Fd is a program" starts the next; Whisper left out
    # "Today: fd." (a stretch of its own, 4.192-5.056 s) and heard one "FD" at 5.1-5.66 s
    words = [listening.Word("with", 2.98, 3.22), listening.Word("Ben.", 3.22, 3.62), listening.Word("FD", 5.1, 5.66),
             listening.Word("is", 5.66, 6.22), listening.Word("a", 6.22, 6.46), listening.Word("program.", 6.46, 6.8)]
    timed = listening.word_times(words, [(2.112, 3.424), (4.192, 5.056), (5.6, 6.9)])
    cues = [(2.1, 5.068, "with Ben. Today: fd."), (5.568, 6.878, "Fd is a program.")]
    offsets, unmeasured = listening.cue_timing(cues, timed)
    assert unmeasured == 0 and [(o.cue, o.edge, o.offset) for o in offsets] == [
        (1, "start", -0.012), (1, "end", 0.012), (2, "start", -0.032), (2, "end", -0.022)]
    shifted = listening.cue_timing([cues[0], (5.768, 6.878, cues[1][2])], timed)[0]  # second cue 200 ms late
    assert [(o.cue, o.edge, o.offset) for o in shifted][2] == (2, "start", 0.168)
    # a short word heard unsure inside the speech is a word said (ripgrep README: "ack," heard as "Act," 0.043)
    said = listening.word_times([listening.Word("of", 47.66, 47.96), listening.Word("Act,", 47.96, 48.28, 0.043)],
                                [(47.288, 48.12)])
    assert [w.text for w in said] == ["of", "Act,"] and said[-1].end == 48.12
    assert [w.text for w in listening.word_times([listening.Word("in.", 48.5, 48.7, 0.03)], [(47.288, 48.12)])] == [
        listening.UNHEARD]  # one timed in a silence is not


def test_a_gap_whisper_left_inside_speech_ends_the_word_before_where_the_next_starts():
    # subleq README: "transformer" heard to 9.8 s, "execute" from 10.18 s, one stretch of speech throughout;
    # the voice turned from one to the other at 10.187 s
    words = [listening.Word("standard", 9.2, 9.48), listening.Word("transformer", 9.48, 9.8),
             listening.Word("execute", 10.18, 10.72), listening.Word("programs.", 10.72, 11.4)]
    timed = listening.word_times(words, [(7.168, 11.4)])
    assert timed[1].end == 10.18
    cues = [(7.168, 10.187, "standard transformer"), (10.187, 11.4, "execute programs.")]
    assert [o.offset for o in listening.cue_timing(cues, timed)[0]] == [0.0, 0.007, 0.007, 0.0]
    # a break 200 ms early there is measured as such
    early = listening.cue_timing([(7.168, 9.987, cues[0][2]), (9.987, 11.4, cues[1][2])], timed)[0]
    assert [o.offset for o in early][1:3] == [-0.193, -0.193]
    # two stretches keep their silence between them, and so does a phrase's end (a pause too short for the
    # detector: fdb-load-balancing, "requests." to 12.56 s, "Two" from 12.8 s)
    assert listening.word_times(words, [(7.168, 9.8), (10.18, 11.4)])[1].end == 9.8
    phrase = [listening.Word("of", 11.78, 12.06), listening.Word("requests.", 12.06, 12.56),
              listening.Word("Two", 12.8, 12.96), listening.Word("load", 12.96, 13.2)]
    assert listening.word_times(phrase, [(8.768, 14.432)])[1].end == 12.56


def test_cue_words_heard_as_one_word_of_their_letters_time_the_cue():
    # subleq README: "d ff and five more" heard as "DFF and 5 more,"
    words = [listening.Word("model,", 46.2, 46.46), listening.Word("DFF", 46.62, 47.1),
             listening.Word("and", 47.1, 47.48), listening.Word("5", 47.48, 47.8), listening.Word("more,", 47.8, 48.0)]
    offsets, unmeasured = listening.cue_timing([(45.0, 46.46, "model,"), (46.609, 48.0, "d ff and five more,")], words)
    assert unmeasured == 0 and [(o.cue, o.edge, o.offset) for o in offsets][2] == (2, "start", -0.011)


def test_a_word_whisper_squeezed_shares_the_time_of_the_word_before_by_letters():
    # acm-sample-acmtog: "in" 14.18-14.78 s and "general" 14.78-14.8 s; the voice turned at 14.352 s
    words = [listening.Word("understood", 13.78, 14.18), listening.Word("in", 14.18, 14.78),
             listening.Word("general", 14.78, 14.8), listening.Word("wireless", 14.8, 15.34)]
    timed = listening.word_times(words, [(10.432, 16.416)])
    assert (timed[1].end, timed[2].start) == (14.318, 14.318)
    cues = [(13.0, 14.352, "understood in"), (14.352, 16.416, "general wireless")]
    assert [o.offset for o in listening.cue_timing(cues, timed)[0]][1:3] == [0.034, 0.034]
    # the same break 200 ms late is measured as such
    late = listening.cue_timing([(13.0, 14.552, cues[0][2]), (14.552, 16.416, cues[1][2])], timed)[0]
    assert [o.offset for o in late][1:3] == [0.234, 0.234]
    # after a gap Whisper left at a comma inside speech, a word it gave no time was said in the gap
    # (rust-async-await-beta: the voice ran on, "you" from 27.196 s; heard 27.49-27.49 s, measured -294 ms)
    words = [listening.Word("async", 26.39, 26.73), listening.Word("await,", 26.73, 27.09),
             listening.Word("you", 27.49, 27.49), listening.Word("also", 27.49, 27.57)]
    timed = listening.word_times(words, [(25.455, 30.285)])
    assert timed[2].start == 27.09
    offsets = listening.cue_timing([(25.455, 27.196, "async-await,"), (27.196, 30.285, "you also")], timed)[0]
    assert [o.offset for o in offsets][1:3] == [0.106, 0.106]


def test_a_stretchs_edges_move_out_to_where_the_audio_falls_silent():
    # the detector starts a stretch ~100 ms after the voice and ends it before a last consonant's release
    rate = listening.SAMPLE_RATE
    noise = np.random.default_rng(0).standard_normal(3 * rate).astype(np.float32)
    audio = np.zeros(3 * rate, dtype=np.float32)
    audio[rate:2 * rate] = 0.1 * noise[rate:2 * rate]  # speech, 1.0-2.0 s
    audio[round(2.03 * rate):round(2.08 * rate)] = 0.005 * noise[:round(0.05 * rate)]  # a release at -46 dBFS

    def edges(stretches):  # to the 5 ms frame
        return [x for pair in listening._edges_outward(audio, stretches) for x in pair]

    assert edges([(1.1, 1.95)]) == pytest.approx([1.0, 2.08], abs=0.0051)
    # a start never moves inwards; an end does, to where the audio fell silent (the detector ends a stretch up to
    # 180 ms late after a comma, rust-1.77.0)
    assert edges([(0.9, 2.2)]) == pytest.approx([0.9, 2.08], abs=0.0051)
    assert edges([(1.1, 1.5), (1.6, 1.95)]) == pytest.approx([1.0, 1.55, 1.55, 2.08], abs=0.0051)  # halfway at most
    audio[round(2.03 * rate):round(2.08 * rate)] *= 0.1  # at -66 dBFS it is silence
    assert edges([(1.1, 1.95)]) == pytest.approx([1.0, 2.0], abs=0.0051)


def test_speech_the_hallucination_filter_left_unheard_at_a_stretchs_start_is_heard_again(tmp_path):
    # acm-sample-sigconf: "Tell us about the body of the paper," at a scene's start heard as nothing by Whisper with
    # its hallucination filter. Here the first hearing is cut as the filter cut it; listening again without the
    # filter hears what was dropped, and keeps what a stretch's own words say it heard
    text = "Tell us about the body of the paper, Ben."
    raw = media_config(cache={"dir": str(tmp_path / "cache")})
    raw["show"]["hosts"] = [{"id": "ada", "name": "Ada", "voice": "hibari/heart"}]
    episode = load_config(raw).episode("ep1")
    scene = Scene(index=1, section_id="s1", title="t", estimated_seconds=3,
                  segments=[Segment(id="seg1", speaker="ada", text=text, section_id="s1")])
    spoken, _ = speak(scene, {"ada": episode.show.hosts[0]}, episode, ModelCalls(episode, "scene_voice", tmp_path))
    audio = media.resample(media.decode_audio(spoken, listening.SAMPLE_RATE)[0], listening.SAMPLE_RATE,
                           listening.SAMPLE_RATE)
    stretches = listening.speech(audio)
    heard, _ = listening.transcribe(audio, Listen(), tmp_path / "cache", threads=2)
    assert [listening._letters(w.text) for w in heard] == ["ben"]  # as in the episode: the filter dropped the rest

    def again(words):
        return [listening._letters(w.text) for w in
                listening.relisten(audio, words, stretches, Listen(), tmp_path / "cache", 2)[0]]

    said = ["tell", "us", "about", "the", "body", "of", "the", "paper", "ben"]
    assert again(heard) == said
    assert again([]) == said[:-1]  # "Ben.", 0.3 s, is too short to be heard again
    unfiltered, _ = listening.transcribe(audio, Listen(), tmp_path / "cache", threads=2, filtered=False)
    assert again(unfiltered[4:]) == said  # "Tell us about the" left out: heard again before "body"
    assert again(unfiltered[1:]) == said[1:]  # less than 0.4 s left out: as it was
    # a word the second hearing does not hold: the first hearing stands (it was the better one, fdb-load-balancing)
    odd = [listening.Word("elephant", unfiltered[4].start, unfiltered[4].end), *unfiltered[5:]]
    assert again(odd) == ["elephant", *said[5:]]


def test_a_words_first_syllable_heard_as_a_stretch_of_its_own_starts_the_word():
    # ripgrep README: "rip" (21.305-21.488 s) and "grep" (from 21.575 s) two stretches, Whisper's "Ripgrep" in the
    # second; the cue starts at 21.313 with the word, which was measured -262 ms against the second stretch
    words = [listening.Word("code", 20.29, 20.57), listening.Word("search.", 20.57, 21.15),
             listening.Word("Ripgrep", 21.61, 21.87), listening.Word("defaults", 21.87, 22.19),
             listening.Word("to", 22.19, 22.59)]
    stretches = [(18.595, 20.976), (21.305, 21.488), (21.575, 21.744), (21.84, 24.912)]
    timed = listening.word_times(words, stretches)
    assert [(w.text, w.start) for w in timed][2] == ("Ripgrep", 21.305)
    offsets, _ = listening.cue_timing([(18.603, 20.943, "code search,"), (21.313, 24.915, "ripgrep defaults to")],
                                      timed)
    assert [(o.cue, o.edge, round(o.offset, 3)) for o in offsets][2] == (2, "start", 0.008)
    # a stretch no word belongs to, far from the next, still stands for words the recogniser left out
    apart = listening.word_times(words, [(18.595, 20.976), (21.305, 21.488), (21.8, 24.912)])
    assert listening.UNHEARD in [w.text for w in apart]
