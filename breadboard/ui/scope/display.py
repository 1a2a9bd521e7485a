"""The scope's screen grid: ten divisions across, the time bases offered, where the trigger
point sits, and the persistence modes."""

from __future__ import annotations

DIVISIONS = 10
TRIGGER_DIV = 1.0  # the trigger point sits this many divisions from the left edge
#: Seconds per division offered by the knob: 1-2-5 steps from 1 µs to 10 s.
TIMEBASES: tuple[float, ...] = tuple(
    m * 10.0**e for e in range(-6, 2) for m in (1, 2, 5) if m * 10.0**e <= 10.0 + 1e-9
)
PERSISTENCE = ("off", "fading", "infinite")
FADE_HALF_LIFE_S = 0.6  # wall seconds for the phosphor to fade to half in "fading" mode
MAX_SWEEPS_PER_FRAME = 64  # sweeps rasterised into the persistence image per frame, at most
PHOSPHOR_INTERVAL_MS = 50  # the persistence image is redrawn at most 20 times a second
#: Running numbers on screen (the scope's sweeps and time, the status bar's clock and rate,
#: the compare window's clocks) are rewritten at most this often (s): ten readings a second
#: are what one can read; each rewrite lays out and repaints its line.
READOUT_INTERVAL_S = 0.1
