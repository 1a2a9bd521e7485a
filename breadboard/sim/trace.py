"""Cycle-stamped records of what the simulation did, whole or as a sliding window.

Memory model: a ``Trace`` keeps every row unless it is given ``keep`` (cycles of history):
then, whenever its buffer is full, the rows older than ``keep`` cycles before the newest row
are dropped (their count is kept in ``dropped``), so it never holds much more than the rows of
``keep`` cycles however long the run. Consumers that poll for news index rows absolutely
(``since(end)``), so a window that slides under them loses nothing they have not read yet
unless they fall ``keep`` cycles behind.
"""

from __future__ import annotations

import numpy as np

LOW, HIGH, FLOATING = 0, 1, 2
LEVEL_CHARS = "01z"


class Trace:
    """A table of int64 rows whose column 0 is a cycle stamp (amortised doubling; views are
    cheap to take). With ``keep`` (cycles), only about the last ``keep`` cycles are held."""

    def __init__(self, columns: int, capacity: int = 1024, keep: int | None = None) -> None:
        self._rows = np.zeros((capacity, columns), dtype=np.int64)
        self._n = 0
        #: Cycles of history held (None: all of it).
        self.keep = keep
        #: Rows dropped from the front so far (absolute index of the first row held).
        self.dropped = 0

    def __len__(self) -> int:
        """Rows held now."""
        return self._n

    @property
    def end(self) -> int:
        """Absolute index one past the newest row: rows ever appended."""
        return self.dropped + self._n

    def extend(self, rows: np.ndarray) -> None:
        k = rows.shape[0]
        if k == 0:
            return
        need = self._n + k
        cap = self._rows.shape[0]
        if need > cap:
            limit = cap
            if self.keep is not None:  # a window: drop the old rows first, grow if still full
                self._drop_before(int(rows[-1, 0]) - self.keep)
                need = self._n + k
                limit = cap - cap // 4  # leave a quarter free so trims stay amortised O(1)
            if need > limit:
                grown = np.zeros((max(need, 2 * cap), self._rows.shape[1]), dtype=np.int64)
                grown[: self._n] = self._rows[: self._n]
                self._rows = grown
        self._rows[self._n : need] = rows
        self._n = need

    def _drop_before(self, cycle: int) -> None:
        """Forget the rows stamped before ``cycle``."""
        cut = int(np.searchsorted(self._rows[: self._n, 0], cycle, side="left"))
        if cut == 0:
            return
        self._dropping(cut)
        rest = self._n - cut
        self._rows[:rest] = self._rows[cut : self._n]
        self._n = rest
        self.dropped += cut

    def _dropping(self, count: int) -> None:
        """Hook: the first ``count`` rows are about to be dropped."""

    def clear(self) -> None:
        self.dropped += self._n
        self._n = 0

    @property
    def rows(self) -> np.ndarray:
        """A read-only view of the rows so far."""
        view = self._rows[: self._n]
        view.flags.writeable = False
        return view

    def since(self, start: int) -> np.ndarray:
        """Rows from absolute index ``start`` on (a copy), for consumers that poll for news:
        pass the ``end`` seen last time. Rows already dropped are skipped."""
        return self._rows[max(0, start - self.dropped) : self._n].copy()


class PinTrace(Trace):
    """Level changes of one pin: rows (cycle, level) with level LOW, HIGH or FLOATING.

    ``initial`` is the level before the first row held (the power-on level until rows are
    dropped from a windowed trace, then the level the last dropped row set)."""

    def __init__(self, initial: int = FLOATING, keep: int | None = None) -> None:
        super().__init__(2, keep=keep)
        self.initial = initial
        self.level = initial

    def _dropping(self, count: int) -> None:
        self.initial = int(self._rows[count - 1, 1])

    def append_changes(self, cycles: np.ndarray, levels: np.ndarray) -> np.ndarray | None:
        """Append the rows of (cycles, levels) where the level differs from the one before;
        return those rows (None when nothing changed)."""
        if cycles.shape[0] == 0:
            return None
        prev = np.empty_like(levels)
        prev[0] = self.level
        prev[1:] = levels[:-1]
        keep = levels != prev
        if not np.any(keep):
            return None
        rows = np.stack([cycles[keep], levels[keep]], axis=1)
        self.extend(rows)
        self.level = int(levels[-1])
        return rows

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
        if self._n == 0 or self._rows[self._n - 1, 0] <= start:  # no change since start
            return float(self.level == HIGH)
        cyc = self.cycles
        lv = self.levels
        i0 = int(np.searchsorted(cyc, start, side="right"))
        i1 = int(np.searchsorted(cyc, end, side="left"))
        times = np.concatenate([[start], cyc[i0:i1], [end]])
        first = self.initial if i0 == 0 else int(lv[i0 - 1])
        levels = np.concatenate([[first], lv[i0:i1]])
        high = np.sum(np.diff(times)[levels == HIGH])
        return float(high) / (end - start)
