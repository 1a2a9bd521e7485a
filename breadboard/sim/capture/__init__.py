"""The scope's capture, without Qt: bounded per-pin records fed from the worker's trace chunks,
the edge trigger and its sweeps, decimation to pixel columns, and exports.

``ScopeWidget`` (``breadboard.ui.scope``) draws from a ``Captures``; everything here is tested
without a display.
"""

from .capture import (
    DURATIONS,
    EDGES,
    HISTORY_SECONDS,
    IOFF_US,
    LONG_ISR_US,
    MAX_ROWS,
    MEASURE_MAX_ROWS,
    MODES,
    Capture,
    Captures,
    Intervals,
    durations,
    ioff_text,
    long_isr_text,
)
from .channels import (
    ANALOG_PINS,
    DIGITAL_PINS,
    DIGITAL_SUFFIX,
    IRQ,
    canonical_pin,
    channel_id,
    default_kind,
    parse_channel,
)
from .export import write_channels_vcd, write_edges_csv
from .series import RANK, Series, decimate_steps

__all__ = [
    "Capture",
    "Captures",
    "Intervals",
    "Series",
    "decimate_steps",
    "durations",
    "long_isr_text",
    "ioff_text",
    "LONG_ISR_US",
    "IOFF_US",
    "RANK",
    "MODES",
    "EDGES",
    "DURATIONS",
    "HISTORY_SECONDS",
    "MAX_ROWS",
    "MEASURE_MAX_ROWS",
    "ANALOG_PINS",
    "DIGITAL_PINS",
    "DIGITAL_SUFFIX",
    "IRQ",
    "canonical_pin",
    "channel_id",
    "default_kind",
    "parse_channel",
    "write_edges_csv",
    "write_channels_vcd",
]
