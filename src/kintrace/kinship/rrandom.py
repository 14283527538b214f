"""R's default uniform generator (Mersenne-Twister after ``set.seed``), for pedmut's random model.

pedmut's ``random`` model fills its matrix with ``runif`` after ``set.seed(seed)``. To give the
same matrix for the same seed we seed a standard MT19937 exactly as R's ``RNG_Init`` does (50
rounds of the LCG ``seed = 69069 * seed + 1`` to scramble, then 625 more to fill ``mti`` and the
624 state words; ``mti`` is then set to 624) and scale each 32-bit output by 2^-32 as R's
``MT_genrand`` does. Source: R's ``src/main/RNG.c``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_LCG_MULTIPLIER = 69069
_MASK32 = 0xFFFFFFFF
_TWO_TO_MINUS_32 = 2.3283064365386963e-10


class RUniform:
    """Uniform numbers in (0, 1) as R's ``runif`` draws them after ``set.seed(seed)``.

    >>> round(float(RUniform(1).runif(1)[0]), 7)
    0.2655087
    """

    def __init__(self, seed: int) -> None:
        state = seed & _MASK32
        for _ in range(50):
            state = (_LCG_MULTIPLIER * state + 1) & _MASK32
        words = []
        for _ in range(625):
            state = (_LCG_MULTIPLIER * state + 1) & _MASK32
            words.append(state)
        key = np.array(words[1:], dtype=np.uint32)
        if not key.any():
            key[0] = 0x80000000
        self._bits = np.random.MT19937()
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": 624}}

    def runif(self, n: int, low: float = 0.0, high: float = 1.0) -> npt.NDArray[np.float64]:
        """Draw ``n`` uniform numbers in (low, high) as ``runif(n, low, high)`` does."""
        raw = self._bits.random_raw(n).astype(np.float64) * _TWO_TO_MINUS_32
        raw = np.clip(raw, 0.5 * _TWO_TO_MINUS_32, 1.0 - 0.5 * _TWO_TO_MINUS_32)
        result: npt.NDArray[np.float64] = low + (high - low) * raw
        return result
