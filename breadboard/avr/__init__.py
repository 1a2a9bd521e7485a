"""The ATmega328P: numba kernels over numpy arrays, driven through one class, ``Mcu``.

This package is the only one that imports numba. Importing it points numba's cache at a
directory keyed on the kernel's sources (see ``_cache``); the first ``Mcu`` of a process loads
the compiled kernel from there, or compiles it on two cores (see ``warm``).
"""

from ._cache import configure as _configure_cache

CACHE_DIR = _configure_cache()

from . import isa, regs  # noqa: E402
from .mcu import Mcu  # noqa: E402
from .regs import F_CPU, VECTOR_BY_NAME, VECTOR_NAMES  # noqa: E402
from .warm import kernel_ready, warm_up  # noqa: E402

__all__ = [
    "Mcu",
    "warm_up",
    "kernel_ready",
    "CACHE_DIR",
    "isa",
    "regs",
    "F_CPU",
    "VECTOR_NAMES",
    "VECTOR_BY_NAME",
]
