"""Growing, cycle-stamped records of what the simulation did."""

from __future__ import annotations

import numpy as np

LOW, HIGH, FLOATING = 0, 1, 2
LEVEL_CHARS = "01z"


class Trace:
    """A growing table of int64 rows (amortised doubling; views are cheap to take)."""

    def __init__(self, columns: int, capacity: int = 1024) -> None:
        self._rows = np.zeros((capacity, columns), dtype=np.int64)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def extend(self, rows: np.ndarray) -> None:
        k = rows.shape[0]
        if k == 0:
            return
        need = self._n + k
        if need > self._rows.shape[0]:
            cap = max(need, 2 * self._rows.shape[0])
            grown = np.zeros((cap, self._rows.shape[1]), dtype=np.int64)
            grown[: self._n] = self._rows[: self._n]
            self._rows = grown
        self._rows[self._n : need] = rows
        self._n = need

    def clear(self) -> None:
        self._n = 0

    @property
    def rows(self) -> np.ndarray:
        """A read-only view of the rows so far."""
        view = self._rows[: self._n]
        view.flags.writeable = False
        return view

    def since(self, start: int) -> np.ndarray:
        """Rows from index ``start`` on (a copy), for consumers that poll for news."""
        return self._rows[start : self._n].copy()


class PinTrace(Trace):
    """Level changes of one pin: rows (cycle, level) with level LOW, HIGH or FLOATING."""

    def __init__(self, initial: int = FLOATING) -> None:
        super().__init__(2)
        self.initial = initial
        self.level = initial

    def append_changes(self, cycles: np.ndarray, levels: np.ndarray) -> None:
        """Append the rows of (cycles, levels) where the level differs from the one before."""
        if cycles.shape[0] == 0:
            return
        prev = np.empty_like(levels)
        prev[0] = self.level
        prev[1:] = levels[:-1]
        keep = levels != prev
        if not np.any(keep):
            return
        self.extend(np.stack([cycles[keep], levels[keep]], axis=1))
        self.level = int(levels[-1])

    @property
    def cycles(self) -> np.ndarray:
        return self.rows[:, 0]

    @property
    def levels(self) -> np.ndarray:
        return self.rows[:, 1]

    def level_at(self, cycle: int) -> int:
        """The pin's level at ``cycle`` (after any change stamped at that cycle)."""
        i = int(np.searchsorted(self.cycles, cycle, side="right"))
        return self.initial if i == 0 else int(self.levels[i - 1])

    def edges(self, rising: bool = True, falling: bool = True) -> np.ndarray:
        """Cycles of rising (to HIGH from LOW) and/or falling (to LOW from HIGH) edges."""
        lv = self.levels
        prev = np.concatenate([[self.initial], lv[:-1]]) if len(lv) else lv
        mask = np.zeros(len(lv), dtype=bool)
        if rising:
            mask |= (lv == HIGH) & (prev == LOW)
        if falling:
            mask |= (lv == LOW) & (prev == HIGH)
        return self.cycles[mask]

    def high_fraction(self, start: int, end: int) -> float:
        """Fraction of the cycles in [start, end) during which the pin was HIGH."""
        if end <= start:
            return float(self.level_at(start) == HIGH)
        cyc = self.cycles
        lv = self.levels
        i0 = int(np.searchsorted(cyc, start, side="right"))
        i1 = int(np.searchsorted(cyc, end, side="left"))
        times = np.concatenate([[start], cyc[i0:i1], [end]])
        first = self.initial if i0 == 0 else int(lv[i0 - 1])
        levels = np.concatenate([[first], lv[i0:i1]])
        high = np.sum(np.diff(times)[levels == HIGH])
        return float(high) / (end - start)
