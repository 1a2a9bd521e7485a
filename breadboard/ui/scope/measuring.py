"""The scope's measurements: automatic measurements of its digital channels, the histogram,
what an example expects of them, and keeping the measurement panels up to date (a part of
``ScopeWidget``, kept apart to keep each file one thing)."""

from __future__ import annotations

import time

import numpy as np

from ...sim import measure as msr
from ...sim.capture import durations
from .lanes import Lane
from .style import format_si


class MeasuringMixin:
    """``ScopeWidget``'s measurement methods (they use its capture, lanes and panels)."""

    def measurements(self, pin: str) -> dict[str, msr.Stats]:
        """Automatic measurements of digital channel ``pin`` over the capture:
        {"frequency", "period", "+width", "-width", "duty"} -> Stats (count, mean, min, max,
        std, p2p; seconds, Hz, or a fraction for duty)."""
        return self.measure(pin).as_dict()

    def measure(self, pin: str) -> msr.Measurements:
        """The full ``Measurements`` of a digital channel over the capture."""
        return self.captures.measure(pin)

    def durations(self, pin: str, quantity: str = "period") -> np.ndarray:
        """Durations in cycles over the capture: "period", "half period", "+width", "-width"."""
        return self.captures.durations(pin, quantity)

    def histogram(self, pin: str, quantity: str = "period") -> msr.Histogram:
        """Histogram of a channel's durations (automatic bins)."""
        return msr.histogram(self.durations(pin, quantity), self.f_cpu)

    def set_histogram(self, quantity: str, channel: str = "auto") -> None:
        """What the histogram panel shows: a duration ("period", "half period", "+width",
        "-width") of a digital channel, or of the trigger channel and its like ("auto")."""
        self._histogram.set_choice(quantity, channel)

    def histogram_labels(self) -> list[str]:
        """The class labels on the histogram panel ("5.12 ms ×97")."""
        return self._histogram.labels()

    def set_expectations(self, expect: dict[str, dict[str, float]]) -> None:
        """What the open example expects of its channels' spread, in seconds: {"D2": {"std":
        2e-6, "p2p": 5e-6, "+width p2p": ..., "-width p2p": ...}}. A value beyond its limit is
        drawn in alarm red; without a limit nothing is red."""
        self._expect = {ch: dict(limits) for ch, limits in (expect or {}).items()}
        self._update_panels(force=True)

    def set_measure_from(self, seconds: float) -> None:
        """Measure only edges from this simulated time on (0: all), e.g. after a start-up
        transient the example explains."""
        self.captures.measure_from = max(0, int(round(float(seconds) * self.f_cpu)))
        self._measure_cache.clear()
        self._update_panels(force=True)

    def measurement_table(self) -> list[list[str]]:
        """The measurement table's cells, row by row."""
        return self._table.texts()

    def refresh_panels(self) -> None:
        """Bring the measurement table and the histogram up to date now."""
        self._update_panels(force=True)

    def _update_panels(self, force: bool = False) -> None:
        """Refresh the measurement table and the histogram (at most 4 times a second, and
        only for channels whose capture changed)."""
        now = time.perf_counter()
        if not force and now - self._last_measure < 0.25:
            return
        # Spread the work over the frames: the table three times a second, the histogram once.
        self._panel_tick += 1
        if force or self._panel_tick % 4:
            self._update_table()
        if force or self._panel_tick % 4 == 0:
            self._update_histogram()
        self._last_measure = time.perf_counter()

    def _cached_measure(self, lane: Lane) -> msr.Measurements:
        src = self.captures.sources[lane.source]
        s = src.series(lane.pin)
        key = (src.resets, s.n, int(s.cycles[s.n - 1]) if s.n else -1)
        hit = self._measure_cache.get(lane.id)
        if hit is not None and hit[0] == key:
            return hit[1]
        m = self.measure(lane.id)
        self._measure_cache[lane.id] = (key, m)
        return m

    def _update_table(self) -> None:
        rows: list[tuple[str, str, str, msr.Stats]] = []
        for lane in self._digital_lanes():
            m = self._cached_measure(lane)
            for q, st in m.as_dict().items():
                rows.append((lane.id, lane.color, q, st))
            if lane.readout is not None:
                p = m.period
                text = (
                    f"f {format_si(m.frequency.mean, 'Hz', 5)}   period {format_si(p.mean, 's', 5)}"
                    f"   σ {format_si(p.std, 's', 3)}   p2p {format_si(p.p2p, 's', 4)}"
                    if p.count
                    else ""
                )
                lane.readout.setText(text)
        self._table.show_rows(rows, fit=self._panel_tick < 8, expect=self._expect)

    def _update_histogram(self) -> None:
        quantity = self._histogram.quantity()
        data = []
        for lane in self._digital_lanes():
            d = durations(self._cached_measure(lane).edges, quantity)
            if len(d):
                data.append((lane.id, lane.color, d))
        self._histogram.show_data(self._histogram.select(data, self._trigger), self.f_cpu)
