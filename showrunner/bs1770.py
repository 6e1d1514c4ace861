"""The integrated loudness (ITU-R BS.1770-4, K-weighted, gated) of a mono line, as pyloudnorm
measures it, without importing scipy.signal.

Every voice job levels each line to audio.voice_lufs, and `import pyloudnorm` imports
scipy.signal, whose package import (scipy.stats, the windows, the array API docstrings) costs
about 1 CPU second, more than the rest of the job's imports together: 6 of them in a cold ep1
build, one on the critical path of a one-scene edit. The filter itself is one call into scipy's
compiled IIR filter (`scipy.signal._sigtools._linear_filter`, what `scipy.signal.lfilter` calls
for these coefficients), loaded on its own; where that module cannot be loaded (another scipy),
`scipy.signal.lfilter` is used instead. The arithmetic below follows pyloudnorm 0.2.0's
`Meter.integrated_loudness` and `IIRfilter` (MIT, Christian Steinmetz) step for step, for one
channel, so the loudness is the same float and a levelled line the same samples:
tests/test_bs1770.py compares the two on many signals.
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

BLOCK_S = 0.400  # gating block
OVERLAP = 0.75
ABSOLUTE_GATE_LUFS = -70.0


def _biquad(gain_db: float, q: float, fc: float, rate: float, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """pyloudnorm's IIRfilter.generate_coefficients (RBJ cookbook) for its K-weighting stages."""
    A = 10 ** (gain_db / 40.0)
    w0 = 2.0 * np.pi * (fc / rate)
    alpha = np.sin(w0) / (2.0 * q)
    if kind == "high_shelf":
        b0 = A * ((A + 1) + (A - 1) * np.cos(w0) + 2 * np.sqrt(A) * alpha)
        b1 = -2 * A * ((A - 1) + (A + 1) * np.cos(w0))
        b2 = A * ((A + 1) + (A - 1) * np.cos(w0) - 2 * np.sqrt(A) * alpha)
        a0 = (A + 1) - (A - 1) * np.cos(w0) + 2 * np.sqrt(A) * alpha
        a1 = 2 * ((A - 1) - (A + 1) * np.cos(w0))
        a2 = (A + 1) - (A - 1) * np.cos(w0) - 2 * np.sqrt(A) * alpha
    else:  # high_pass
        b0 = (1 + np.cos(w0)) / 2
        b1 = -(1 + np.cos(w0))
        b2 = (1 + np.cos(w0)) / 2
        a0 = 1 + alpha
        a1 = -2 * np.cos(w0)
        a2 = 1 - alpha
    return np.array([b0, b1, b2]) / a0, np.array([a0, a1, a2]) / a0


def k_weighting(rate: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """The two K-weighting stages, in pyloudnorm's order: the head's shelf, then the high pass."""
    return [_biquad(4.0, 1 / np.sqrt(2), 1500.0, rate, "high_shelf"), _biquad(0.0, 0.5, 38.0, rate, "high_pass")]


@functools.cache
def _lfilter() -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """scipy's compiled direct-form II transposed filter, without scipy.signal's package import."""
    try:
        spec = importlib.util.find_spec("scipy")
        folder = Path(spec.origin).parent / "signal" if spec and spec.origin else None
        found = [p for suffix in importlib.machinery.EXTENSION_SUFFIXES
                 for p in ([folder / f"_sigtools{suffix}"] if folder else []) if p.is_file()]
        if found:
            loader = importlib.machinery.ExtensionFileLoader("scipy.signal._sigtools", str(found[0]))
            module = importlib.util.module_from_spec(importlib.machinery.ModuleSpec(loader.name, loader,
                                                                                    origin=loader.path))
            loader.exec_module(module)
            linear_filter = module._linear_filter
            return lambda b, a, x: linear_filter(b, a, x, -1)
    except (ImportError, AttributeError, OSError):
        pass
    from scipy.signal import lfilter  # type: ignore[import-untyped]  # BSD-3-Clause

    return lambda b, a, x: lfilter(b, a, x)


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """LUFS of float64 mono samples in [-1, 1], at least one gating block long (-inf for silence)."""
    data = np.array(samples, dtype=np.float64)
    if data.ndim != 1 or data.shape[0] < BLOCK_S * rate:
        raise ValueError("a mono signal at least one gating block long")
    for b, a in k_weighting(rate):
        data = 1.0 * _lfilter()(b, a, data)  # pyloudnorm's passband gain
    step = 1.0 - OVERLAP
    duration = data.shape[0] / rate
    blocks = int(np.round((duration - BLOCK_S) / (BLOCK_S * step))) + 1
    z = np.zeros(blocks)
    for j in range(blocks):
        lower = int(BLOCK_S * (j * step) * rate)
        upper = int(BLOCK_S * (j * step + 1) * rate)
        z[j] = (1.0 / (BLOCK_S * rate)) * np.sum(np.square(data[lower:upper]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        loudness = [-0.691 + 10.0 * np.log10(np.sum([1.0 * z[j]])) for j in range(blocks)]
        gated = [j for j, value in enumerate(loudness) if value >= ABSOLUTE_GATE_LUFS]
        relative = -0.691 + 10.0 * np.log10(np.sum([1.0 * np.mean([z[j] for j in gated])])) - 10.0
        gated = [j for j, value in enumerate(loudness) if value > relative and value > ABSOLUTE_GATE_LUFS]
        mean = np.nan_to_num(np.array([np.mean([z[j] for j in gated])]))
    with np.errstate(divide="ignore"):
        # a numpy float, as pyloudnorm returns: the gain computed from it is the same arithmetic
        return -0.691 + 10.0 * np.log10(np.sum([1.0 * mean[0]]))
