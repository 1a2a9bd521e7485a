"""The ATmega328P: numba kernels over numpy arrays, driven through one class, ``Mcu``.

This package is the only one that imports numba. Importing it points numba's cache at a
directory keyed on the kernel's sources (see ``_cache``); the first ``Mcu`` of a process loads
the compiled kernel from there, or compiles it on two cores (see ``warm``).

Adding a peripheral is one new module plus one table row:

1. Write ``breadboard/avr/<module>.py`` with the contract of periph.py: ``<module>_reset``,
   ``_read``, ``_write`` and, if it has timed events, ``_update`` (and ``_pin_change`` if it
   watches pin edges), all ``@inner``; name the entries of its state block as offsets from
   ``regs.S_<NAME>``.
2. Add its row to ``regs.PERIPHERALS`` (name, module, a new owner id, its registers, its state
   block size, update?, pin change?) and allocate its block with ``_periph("<name>")`` in the
   layout (``regs.LAYOUT``). ``OWNER`` and warm's compile stages follow from the row.
3. Add its calls to periph.py's flat chains (``io_read``, ``io_write``, ``update``,
   ``chip_reset``: numba needs them written out). tests/test_peripherals_table.py fails until
   the chains, the module's functions and the row agree.
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
