"""The interrupt inspector: a dock that shows *why* interrupts ran when they did.

It shows an ``Inspection`` (``breadboard.sim.inspection``) taken on the worker thread a few
times a second while the dock is open, and posts typed commands (``breadboard.sim.commands``)
for everything it changes: the GUI thread never touches the chip.

The modules: ``dock`` (``InspectorDock``: the tabs, the debug buttons, the commands it posts),
``vectors`` (the vector table and the teaching warnings), ``registers`` (named registers and
bits, editable while paused), ``memory`` (the data space / EEPROM hex view with the ELF's
variables), ``disassembly`` (the listing around PC, breakpoints and watchpoints) and ``text``
(how cycles, times and bytes are written).
"""

from .dock import InspectorDock
from .registers import REGISTER_GROUPS

__all__ = ["InspectorDock", "REGISTER_GROUPS"]
