"""What the GUI can ask of a ``SimulationWorker``: one small immutable class per command,
queued with ``SimulationWorker.post`` and applied at the next slice boundary."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..circuit import Circuit
from ..firmware import Firmware

if TYPE_CHECKING:
    from .simulation import Simulation


@dataclass(frozen=True)
class Open:
    """Load the .hex or .elf file at ``path`` and run it (a bad file becomes the error)."""

    path: str | os.PathLike


@dataclass(frozen=True)
class Load:
    """Load ``firmware`` (already read) and run it."""

    firmware: Firmware


@dataclass(frozen=True)
class Reset:
    """Press the reset button: the firmware restarts, simulated time goes on."""


@dataclass(frozen=True)
class PowerCycle:
    """Power off and on: time and traces start again at cycle 0."""


@dataclass(frozen=True)
class Run:
    """Run (again) from here, paced by the speed."""


@dataclass(frozen=True)
class Pause:
    """Stop the clock; the state is kept."""


@dataclass(frozen=True)
class Step:
    """Pause and execute one instruction."""


@dataclass(frozen=True)
class StepOver:
    """Pause; at a CALL/RCALL/ICALL run until it returns, else execute one instruction."""


@dataclass(frozen=True)
class RunToInterrupt:
    """Run until ``vector`` (number or name; None: any vector) is entered, then pause with
    PC at its handler's first instruction."""

    vector: int | str | None = None


@dataclass(frozen=True)
class SetBreakpoint:
    """Set (``on``) or remove a breakpoint at ``where``: an address, an ELF function or a
    vector name (``Simulation.resolve_code_address``)."""

    where: int | str
    on: bool = True


@dataclass(frozen=True)
class SetWatch:
    """Set (``on``) or remove a watchpoint on a data address, I/O register or variable."""

    where: int | str
    on: bool = True


@dataclass(frozen=True)
class WriteRegister:
    """Write an I/O register (by name) or a data address as the program would (while paused:
    ``registers.write_register``)."""

    where: int | str
    value: int


@dataclass(frozen=True)
class SetSpeed:
    """Simulated seconds per wall second: 1.0 real time, 0.001 slow motion, 0 flat out."""

    factor: float


@dataclass(frozen=True)
class Press:
    """Push the pushbutton ``part_id`` down (with its bounce, if it has one)."""

    part_id: str


@dataclass(frozen=True)
class Release:
    """Let the pushbutton ``part_id`` go."""

    part_id: str


@dataclass(frozen=True)
class SetCircuit:
    """Use ``circuit`` (the worker's own copy) from now on: its pins are driven again."""

    circuit: Circuit


@dataclass(frozen=True)
class SetPosition:
    """Turn the potentiometer ``part_id`` to ``position`` (0..1)."""

    part_id: str
    position: float


@dataclass(frozen=True)
class SendSerial:
    """Send ``data`` to the chip's USART receiver, at the configured baud rate."""

    data: bytes


@dataclass(frozen=True)
class Call:
    """Call ``fn(simulation)`` on the worker thread, between slices (tests, tools)."""

    fn: Callable[[Simulation], object]


@dataclass(frozen=True)
class Stop:
    """End the worker thread."""


Command = (
    Open | Load | Reset | PowerCycle | Run | Pause | Step | SetSpeed | Press | Release
    | SetCircuit | SetPosition | SendSerial | Call | Stop
    | StepOver | RunToInterrupt | SetBreakpoint | SetWatch | WriteRegister
)  # fmt: skip

__all__ = [
    "Command",
    "Open",
    "Load",
    "Reset",
    "PowerCycle",
    "Run",
    "Pause",
    "Step",
    "SetSpeed",
    "Press",
    "Release",
    "SetCircuit",
    "SetPosition",
    "SendSerial",
    "Call",
    "Stop",
    "StepOver",
    "RunToInterrupt",
    "SetBreakpoint",
    "SetWatch",
    "WriteRegister",
]
