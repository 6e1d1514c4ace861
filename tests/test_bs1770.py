"""showrunner.bs1770 measures exactly what pyloudnorm measures (the same float: a levelled line keeps
its bytes), and does it without importing scipy.signal (the cost it exists to avoid)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pyloudnorm
import pytest

from showrunner import audio, bs1770


def _signals():
    rng = np.random.default_rng(7)
    for n in range(40):
        rate = (48000, 44100, 24000, 22050, 16000)[n % 5]
        size = int(rng.integers(int(0.41 * rate), 6 * rate))
        x = rng.standard_normal(size) * 10 ** rng.uniform(-4, -0.5)
        if n % 4 == 1:
            x[: size // 2] = 0.0  # half silence: the gates matter
        if n % 4 == 2:  # a voice-like tone with pauses
            t = np.arange(size) / rate
            x = 0.2 * np.sin(2 * np.pi * 180 * t) * (np.sin(2 * np.pi * 1.3 * t) > 0)
        yield rate, x


@pytest.mark.parametrize("rate,x", list(_signals()))
def test_the_same_loudness_as_pyloudnorm(rate, x):
    expected = pyloudnorm.Meter(rate).integrated_loudness(x)
    measured = bs1770.integrated_loudness(x, rate)
    assert measured == expected and type(measured) is type(expected)


def test_silence_and_short_input():
    assert bs1770.integrated_loudness(np.zeros(48000), 48000) == -np.inf
    with pytest.raises(ValueError):
        bs1770.integrated_loudness(np.zeros(100), 48000)


def test_a_levelled_line_is_what_pyloudnorm_would_give():
    rate = 24000
    t = np.arange(int(rate * 1.7)) / rate
    line = audio.to_int16(0.03 * np.sin(2 * np.pi * 240 * t) * (1 + np.sin(2 * np.pi * 3 * t)))
    x = line.astype(np.float64) / 32768.0
    gain = min(10 ** ((-20.0 - pyloudnorm.Meter(rate).integrated_loudness(x)) / 20), 10 ** (audio.PEAK_DBFS / 20)
               / float(np.abs(x).max()))
    assert np.array_equal(audio.level(line, rate, -20.0), audio.to_int16(x * gain))


def test_measuring_imports_no_scipy_signal():
    code = ("import sys, numpy as np; from showrunner import audio; "
            "audio.level((np.sin(np.arange(48000) / 9) * 3000).astype(np.int16), 48000, -20.0); "
            "print('scipy.signal' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_without_the_compiled_filter_it_falls_back_to_scipy_signal(monkeypatch):
    x = np.sin(np.arange(30000) / 7.0) * 0.1
    fast = bs1770.integrated_loudness(x, 24000)
    assert bs1770._lfilter().__code__.co_freevars == ("linear_filter",)
    bs1770._lfilter.cache_clear()
    monkeypatch.setattr(bs1770.importlib.machinery, "EXTENSION_SUFFIXES", [])  # no _sigtools file is found
    try:
        assert bs1770._lfilter().__code__.co_freevars == ("lfilter",)  # scipy.signal's, not the compiled one
        assert bs1770.integrated_loudness(x, 24000) == fast
    finally:
        bs1770._lfilter.cache_clear()
