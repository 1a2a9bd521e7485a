"""MicroPython mode: a script (not AVR firmware) drives the Uno's pins.

``Runtime`` runs one script in a thread of its own on a simulated clock and provides the
``machine``, ``micropython``, ``time``/``utime``, ``gc`` and ``sys`` modules with MicroPython's
(rp2 port's) names, defaults and error messages. No Qt, no numba; stand-alone: the Uno's pin
names and ADC channels are given by the caller (``breadboard.sim.micropython_board``).
"""

from .runtime import HALTED, IDLE, LINE_TIME, RUNNING, SCHEDULER_DEPTH, Runtime

__all__ = ["Runtime", "LINE_TIME", "SCHEDULER_DEPTH", "RUNNING", "IDLE", "HALTED"]
