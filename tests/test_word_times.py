"""Word times from the voices: carried in the WAV, and the written words placed on the voice's words."""

from __future__ import annotations

import io
import wave

import numpy as np

from showrunner.captions import _Clock, segment_cues
from showrunner.config import Acceptance
from showrunner.media import decode_audio
from showrunner.pronunciation import Lexicon
from showrunner.providers.speech import word_times
from showrunner.providers.speech.word_times import VoiceWord

RATE = 22050


def _wav(samples: np.ndarray, rate: int = RATE) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()


def test_voice_words_are_runs_between_spaces_timed_without_their_punctuation():
    symbols = [" ", "h", "i", ",", " ", "y", "o", "u", ".", " "]
    samples = [100, 10, 20, 300, 5, 10, 10, 10, 200, 50]
    assert word_times.from_symbols(symbols, samples) == [VoiceWord("hi,", 100, 130), VoiceWord("you.", 435, 465)]


def test_the_times_ride_in_the_wav_and_the_audio_decodes_the_same():
    rng = np.random.default_rng(1)
    samples = (rng.standard_normal(4000) * 3000).astype(np.int16)
    plain = _wav(samples)
    words = [VoiceWord("həlˈoʊ", 10, 2000), VoiceWord("wˈɜːld.", 2100, 3900)]
    timed = word_times.embed(plain, words)
    assert word_times.read(timed) == (words, RATE)
    assert word_times.read(plain) is None and word_times.read(b"ID3\x04not a wav") is None
    with wave.open(io.BytesIO(timed), "rb") as w:  # a RIFF reader skips the chunk it does not know
        assert w.readframes(w.getnframes()) == samples.astype("<i2").tobytes()
    with_times, without = decode_audio([timed, plain], 48000)
    assert np.array_equal(with_times, without)


def _words(spec: list[tuple[str, float, float]]) -> list[VoiceWord]:
    return [VoiceWord(said, round(a * RATE), round(b * RATE)) for said, a, b in spec]


def test_written_words_land_on_the_voice_words_that_said_them():
    # piper (espeak-ng) said "of the" as one word, "2026" as four, and the lexicon respelled GNU as two
    voice = _words([("wˈɜːld", 0.95, 1.23), ("ʌvðə", 1.29, 1.46), ("kˈæʃ,", 1.54, 1.98), ("tˈuː", 2.0, 2.1),
                    ("θˈaʊzənd", 2.15, 2.4), ("twˈɛnti", 2.45, 2.8), ("sˈɪks", 2.85, 3.08), ("ɡˈʌ", 3.2, 3.35),
                    ("nˈuː.", 3.4, 3.7)])
    written = "world of the cache, 2026 GNU.".split()
    sizes = [5, 2, 3, 5, 20, 6]  # as pronunciation.Lexicon.spoken_letters counts them
    spans = word_times.align(written, sizes, voice)
    assert spans is not None
    seconds = [(round(a / RATE, 2), round(b / RATE, 2)) for a, b in spans]
    assert seconds[0] == (0.95, 1.23) and seconds[3] == (1.54, 1.98)
    assert seconds[1][0] == 1.29 and seconds[2][1] == 1.46 and seconds[1][1] == seconds[2][0]  # "of the" shared
    assert seconds[4] == (2.0, 3.08) and seconds[5] == (3.2, 3.7)


def test_a_word_the_voice_did_not_say_sits_between_its_neighbours():
    voice = _words([("ɪt", 0.1, 0.3), ("wˈɜːks.", 0.5, 0.9)])
    spans = word_times.align(["It", "\u2014", "works."], [2, 0, 5], voice)
    assert spans is not None and spans[0] == (round(0.1 * RATE), round(0.3 * RATE))
    assert spans[1][0] == spans[1][1] and spans[0][1] <= spans[1][0] <= spans[2][0] == round(0.5 * RATE)


LIMITS = Acceptance(caption_max_chars=20, caption_max_lines=1, caption_max_seconds=7.0)


def test_cues_break_where_the_voice_said_the_words_not_where_the_letters_put_them():
    # a segment whose long words are said fast and whose short ones slowly: letters misplace the break
    text = "Strengths, weaknesses and opportunities go on to the next big big list of all"
    words = text.split()
    rate = 24000
    times = [0.0, 0.5, 0.55, 1.1, 1.2, 1.8, 2.3, 2.6, 2.9, 3.2, 3.6, 4.1, 4.6, 5.1, 5.6]
    spoken = [(round(a * rate), round((b - 0.04) * rate)) for a, b in zip(times, times[1:], strict=False)]
    assert len(spoken) == len(words)
    start, end = spoken[0][0], spoken[-1][1]
    cues = segment_cues(text, start, end, rate, LIMITS, spoken=spoken)
    assert len(cues) > 2
    starts = {round(a / rate, 3) for a, _ in spoken}
    ends = {round(b / rate, 3) for _, b in spoken}
    for before, after in zip(cues, cues[1:], strict=False):  # each break: where the next cue's first word starts
        assert before.end == after.start and min(abs(after.start - s) for s in starts) <= 0.001
        assert min(abs(before.end - e) for e in ends) <= 0.041  # 40 ms after its own last word ends
    estimate = segment_cues(text, start, end, rate, LIMITS)  # the old way: shared by letters
    assert [c.lines for c in estimate] == [c.lines for c in cues]
    off = [min(abs(c.end - e) for e in ends) for c in estimate[:-1]]
    assert max(off) > 0.15  # the estimate misses a break by more than the check allows
    assert _Clock(words, start, end, [], rate).matched == {}


def test_a_segments_word_times_follow_its_trim_and_sample_rate():
    from showrunner.stages.scene_voice import words_in_segment

    said = [VoiceWord("hɛlˈoʊ", 2205, 6615), VoiceWord("ðˈɛɹ.", 8820, 22050)]  # 0.1-0.3 s, 0.4-1.0 s
    wav = word_times.embed(_wav(np.zeros(RATE, np.int16)), said)
    # decoded at 48 kHz and trimmed from 0.05 s to 0.9 s: times count from the trimmed segment's first sample
    lexicon = Lexicon()
    assert words_in_segment("Hello there.", wav, 2400, 40800, 48000, lexicon) == [(2400, 12000), (16800, 40800)]
    assert words_in_segment("Hello there.", _wav(np.zeros(100, np.int16)), 0, 100, 48000, lexicon) == []


def test_a_spelled_out_word_is_placed_by_its_sounds_not_only_its_size():
    # piper on RFC 4180: espeak-ng spelled "csv" out as one word and MIME (the lexicon's "M I M E") as four
    voice = _words([("ɹˈɛdʒɪstɚz", 6.59, 7.25), ("ðə", 7.29, 7.37), ("tˈɛkst", 7.44, 7.88), ("ɔːɹ", 8.0, 8.14),
                    ("sˌiːʲˌɛsvˈiː", 8.2, 8.88), ("ˈɛm", 8.93, 9.11), ("aɪ", 9.18, 9.31), ("ˈɛm", 9.37, 9.59),
                    ("ˈiː", 9.66, 9.78), ("tˈaɪp", 9.82, 10.09), ("fɔːɹ", 10.11, 10.26)])
    lexicon = Lexicon()
    written = 'registers the "text or csv" MIME type for'.split()
    spans = word_times.align(written, [lexicon.spoken_letters(w) for w in written], voice,
                             [lexicon.spoken(w) for w in written])
    assert spans is not None
    assert [(round(a / RATE, 2), round(b / RATE, 2)) for a, b in spans[2:6]] == [
        (7.44, 7.88), (8.0, 8.14), (8.2, 8.88), (8.93, 9.78)]


def test_a_cue_ends_on_the_measured_silence_at_a_comma_but_not_at_a_silent_stop():
    rate = 1000
    words = ["Plain", "Circuits,", "short", "explainers", "that", "fetch"]
    # hibari held the comma's pause in the last sound of "Circuits," (its duration runs to 1630 ms)
    spoken = [(0, 600), (650, 1630), (1800, 2000), (2050, 2700), (2750, 2950), (3000, 3300)]
    pauses = [(1330, 1710), (2900, 2990)]  # the silence after the comma; the closure of "that"'s final t
    from showrunner.captions import _WordClock

    clock = _WordClock(words, spoken, pauses, rate)
    assert (clock.before(1), clock.after(1)) == (1330, 1710)  # the silence the audio measured
    assert (clock.before(4), clock.after(4)) == (3000, 3000)  # no pause: until the next word begins
    assert (clock.before(2), clock.after(2)) == (2050, 2050)


def test_a_pause_longer_than_a_stops_closure_breaks_the_cues_without_punctuation():
    # go-race-detector-blog: the voice paused 190 ms between "conditions" and "only" (no comma) and held it in
    # the last sound's duration; the cue that ran on to "only" ended 215 ms after the speech did
    rate = 1000
    words = ["race", "conditions", "only", "when", "that", "fetch"]
    spoken = [(34625, 34875), (34925, 35625), (35700, 35950), (36000, 36100), (36125, 36225), (36275, 36400)]
    pauses = [(35481, 35671), (36180, 36270)]  # the pause; the closure of "that"'s final t (90 ms)
    from showrunner.captions import _WordClock

    clock = _WordClock(words, spoken, pauses, rate)
    assert (clock.before(1), clock.after(1)) == (35481, 35671)  # the silence the audio measured
    assert 1 in clock.matched  # a break there costs less
    assert (clock.before(4), clock.after(4)) == (36275, 36275)  # a stop's closure: until the next word begins


def test_the_quiet_a_segments_trim_kept_at_its_end_is_no_speech():
    # fd README: "default." is below -45 dBFS from 47.14 s, but a faint click at 47.26 s (its peak above -50 dBFS
    # before the voice was levelled down) kept the segment to 47.32 s, and the last cue ended there: +152 ms
    from showrunner.audio import pauses_in

    rate = 1000
    loud = np.full(1000, 3000, dtype=np.int16)  # a second of speech
    quiet = np.full(170, 50, dtype=np.int16)  # about -56 dBFS
    samples = np.concatenate([loud, quiet])
    assert pauses_in(samples, rate) == [(1000, 1170)]  # reaches the last sample
    assert pauses_in(np.concatenate([loud, quiet[:50]]), rate) == []  # too short to be a pause
    assert pauses_in(quiet, rate) == []  # silence throughout: no speech to pause in
    text = "Remember that fd ignores hidden directories and files by default."
    words = text.split()
    step = 920 / len(words)  # the voice timed them from 130 to 1050 ms
    spoken = [(round(130 + k * step), round(130 + (k + 0.9) * step)) for k in range(len(words))]
    for timed in (spoken, []):  # with the voice's word times and without
        cues = segment_cues(text, 0, 1170, rate, LIMITS, pauses=[(1000, 1170)], spoken=timed)
        assert cues[-1].end == 1.0
        cues = segment_cues(text, 0, 1170, rate, LIMITS, pauses=[(0, 120), (1000, 1170)], spoken=timed)
        assert cues[0].start == 0.12  # the same at its start


def test_a_pause_that_spans_where_the_voice_timed_the_next_word_is_where_the_cues_break():
    # acm-sample-acmtog: "node," said to 55.345 s, "which" timed from 55.566 s, but the audio is silent from
    # 55.28 to 55.76 s: the voice's comma lasted longer than its durations said
    rate = 1000
    text = "used by each node, which is easy to compute and does not depend"
    times = [(54126, 54393), (54440, 54579), (54637, 54962), (55008, 55345), (55566, 55902), (55960, 56030),
             (56077, 56367), (56448, 56518), (56564, 56994), (57087, 57191), (57226, 57438), (57438, 57598),
             (57644, 57957)]
    cues = segment_cues(text, 54126, 57957, rate, LIMITS, pauses=[(55280, 55760)], spoken=times)
    assert cues[0].lines == ("used by each node,",) and (cues[0].end, cues[1].start) == (55.28, 55.76)
    # a pause that ends long after (a stop inside the next word) is not the comma's
    late = segment_cues(text, 54126, 57957, rate, LIMITS, pauses=[(55700, 55950)], spoken=times)
    assert (late[0].end, late[1].start) == (55.566, 55.566)


def test_a_cue_of_slowly_said_words_is_split_not_cut_at_the_time_limit():
    # rust-1.77.0: "Finally, what's in 1.77.0 stable. Rust now supports C-string literals, c"abc"," is few letters
    # but 7.3 s of speech (the version and the string are said at length); shared by letters it fitted one
    # cue, which the 7 s limit then cut while the voice went on ('captions cover the speech' failed)
    text = ('Finally, what\'s in 1.77.0 stable. Rust now supports C-string literals, c"abc", which expand to a '
            "nul-byte terminated string in memory of type and 'static CStr.")
    words = text.split()
    rate = 24000
    seconds = [0.6, 0.3, 0.2, 2.2, 0.6, 0.3, 0.3, 0.5, 0.7, 0.7, 1.2] + [0.3] * 14
    assert len(seconds) == len(words)
    spoken, at = [], 0.0
    for s in seconds:
        spoken.append((round(at * rate), round((at + s - 0.05) * rate)))
        at += s
    start, end = spoken[0][0], spoken[-1][1]
    limits = Acceptance(caption_max_chars=42, caption_max_lines=2, caption_max_seconds=7.0)  # the defaults
    cues = segment_cues(text, start, end, rate, limits, spoken=spoken)
    assert all(c.end - c.start <= limits.caption_max_seconds for c in cues), cues
    assert all(a.end == b.start for a, b in zip(cues, cues[1:], strict=False))  # no speech left uncaptioned
    assert cues[0].start == start / rate and cues[-1].end == end / rate
    assert " ".join(" ".join(c.lines) for c in cues) == text
