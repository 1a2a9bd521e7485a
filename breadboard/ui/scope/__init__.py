"""The virtual oscilloscope / logic analyzer: stacked lanes of pin levels, analog voltages and
interrupt handlers, in simulated time.

``ScopeWidget`` is fed ``TraceChunk``s (drained from a ``SimulationWorker`` at 60 Hz) and keeps a
bounded history of every pin. It draws:

* digital lanes (any Uno pin), analog lanes (A0-A5, from ``TraceChunk.analog``) and an interrupt
  lane (one row per vector, a bar from each ISR's entry to its return, one colour per vector);
* a roll display while running, or triggered sweeps (edge trigger on any channel: rising,
  falling or either; holdoff; auto / normal / single);
* persistence: the triggered sweeps accumulate in a "phosphor" image (fading or infinite), so
  edge jitter shows as a smear whose brightness is how often an edge landed there;
* two cursors (dt and 1/dt), automatic measurements per channel (frequency, period, +width,
  -width, duty; count/mean/min/max/std/p2p), a duration histogram, reference traces, and
  export to VCD, CSV and PNG.

Edges are decimated to pixel resolution by ``breadboard.sim.capture`` (at most 3 points per
pixel column and lane, from per-column min/max of the levels), never by pyqtgraph, whose
downsampling assumes evenly spaced samples.

Several simulations can share one scope (compare mode): each ``feed`` names its *source*, the
channel ids become "<source> <pin>", and each source is triggered on its own copy of the
trigger pin, so two firmwares line up on their own edges.

The modules: ``widget`` (``ScopeWidget``: the public API, the plot, its lanes), ``toolbar``
(the knobs), ``panels`` (measurement table, histogram), ``lanes`` and ``render`` (the lanes and
how they are drawn), ``phosphor`` (persistence), ``items`` (the plot items: trace, bars,
labels, image), ``style`` (colours, number formats), ``display`` (the screen grid) and ``dock``
(``ScopeDock``). The capture itself (storage, trigger, sweeps, decimation, exports) is ``breadboard.sim.capture``,
which needs no Qt.
"""

from ...sim.capture import ANALOG_PINS, DIGITAL_PINS, IRQ, decimate_steps
from .display import READOUT_INTERVAL_S, TIMEBASES
from .dock import ScopeDock
from .style import ALARM, DIM_TEXT, LANE_COLORS, TEXT, format_si
from .widget import ScopeWidget

__all__ = [
    "ScopeWidget",
    "READOUT_INTERVAL_S",
    "ScopeDock",
    "TIMEBASES",
    "DIGITAL_PINS",
    "ANALOG_PINS",
    "IRQ",
    "format_si",
    "decimate_steps",
    "DIM_TEXT",
    "TEXT",
    "LANE_COLORS",
    "ALARM",
]
