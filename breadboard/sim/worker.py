"""The simulation thread: paces a ``Simulation`` to real time (or slow motion, or flat out).

GUI thread                               worker thread (this module, no Qt)
  timer 60 Hz -- reads --> latest Snapshot (immutable, swapped by reference)
             <-- drains -- bounded deque of TraceChunks (pin edges, serial, IRQ events)
  clicks/keys -- put ----> command queue --> applied at the next slice boundary

The kernel releases the GIL while it runs, so the GUI stays responsive. Errors never cross as
exceptions: a bad firmware, a halted CPU or a crash in here become text in the snapshot.
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from ..avr import F_CPU
from ..circuit import UNO_PINS, Circuit, Potentiometer, Pushbutton, uno_pin
from ..firmware import Firmware, FirmwareError
from .board import Board, open_board
from .commands import (
    Call,
    Command,
    Load,
    Open,
    Pause,
    PowerCycle,
    Press,
    Release,
    Reset,
    Run,
    RunToInterrupt,
    SendSerial,
    SetBreakpoint,
    SetCircuit,
    SetPosition,
    SetSpeed,
    SetWatch,
    Step,
    StepOver,
    Stop,
    WriteRegister,
)
from .debugger import Debugger
from .inspection import Inspection, inspect
from .registers import write_register
from .simulation import BREAK, HALTED, Simulation
from .trace import HIGH

FRAME_SECONDS = 1 / 60
#: Longest stretch of simulated time run in one go before the worker looks at its commands.
MAX_SLICE_WALL = 0.02
#: Behind real time by more than this, the worker gives up catching up (it is too slow).
MAX_LAG_SECONDS = 0.25
#: Simulated seconds of trace history the worker's Simulation holds: the GUI takes the news
#: every frame (as TraceChunks) and keeps its own bounded history, so older rows are dropped
#: here by design and an app left running for hours holds the same memory as after a minute.
HISTORY_SECONDS = 2
#: While the inspector is open (``SimulationWorker.inspecting``), a fresh ``Inspection`` is
#: taken this often while running (and after every command).
INSPECT_SECONDS = 0.2


@dataclass(frozen=True)
class PinState:
    level: int  # LOW, HIGH, FLOATING
    duty: float  # fraction of the last frame spent HIGH
    mode: str  # "output", "input", "input pull-up"


@dataclass(frozen=True)
class Snapshot:
    """Everything the GUI shows, as of one moment of simulated time."""

    frame: int = 0
    cycle: int = 0
    seconds: float = 0.0
    f_cpu: int = F_CPU
    instructions: int = 0
    status: str = "no firmware"  # running, sleeping, stopped, halted, paused, no firmware
    paused: bool = True
    speed: float = 1.0  # requested: 1.0 = real time, 0.001 = slow motion, 0 = flat out
    real_time_factor: float = 0.0  # measured over the last second of wall time
    halt_reason: str | None = None
    error: str | None = None  # the last problem to show (bad file, crash), with its file
    error_serial: int = 0  # increments with each new error
    firmware: str | None = None
    pins: dict[str, PinState] = field(default_factory=dict)
    pressed: frozenset[str] = frozenset()
    serial_config: dict | None = None
    #: Why the run stopped at a breakpoint/watchpoint (one line), None otherwise
    stop_reason: str | None = None
    #: The chip for the inspector, while ``SimulationWorker.inspecting`` (a few times a second)
    inspection: Inspection | None = None


@dataclass(frozen=True)
class TraceChunk:
    """New trace rows since the previous chunk: per-pin (cycle, level), interrupts
    (cycle, vector, enter=1/return=0), transmitted serial bytes (cycle, byte)."""

    start: int
    end: int
    pins: dict[str, np.ndarray]
    interrupts: np.ndarray
    serial: np.ndarray
    reset: bool = False  # the trace started over (new firmware or power cycle)
    analog: dict[str, np.ndarray] = field(default_factory=dict)  # pin -> (cycle, microvolts)
    #: The board's names of the vectors in ``interrupts`` (AVR vectors, MicroPython handlers)
    vector_names: dict[int, str] = field(default_factory=dict)


class SimulationWorker(threading.Thread):
    """Owns one ``Board`` (an AVR ``Simulation`` or a ``MicroPythonBoard``, chosen by the file
    opened); everything else talks to it through ``post`` and ``snapshot``."""

    def __init__(self, circuit: Circuit | None = None, f_cpu: int = F_CPU) -> None:
        super().__init__(name="breadboard-simulation", daemon=True)
        self.sim: Board = Simulation(f_cpu=f_cpu, history=HISTORY_SECONDS * f_cpu)
        self.circuit = circuit or Circuit()
        self.chunks: deque[TraceChunk] = deque(maxlen=4096)
        self.snapshot = Snapshot(f_cpu=f_cpu)
        self._commands: queue.Queue[Command] = queue.Queue()
        self._stopping = threading.Event()
        self._paused = True
        self._speed = 1.0
        self._pressed: set[str] = set()
        self._presses = 0
        self._error: str | None = None
        self._error_serial = 0
        self._frame = 0
        self._anchor: tuple[float, int] | None = None
        self._history: deque[tuple[float, int]] = deque(maxlen=240)
        self._sent = {p.name: 0 for p in UNO_PINS}
        self._sent_irq = 0
        self._sent_serial = 0
        self._sent_analog: dict[str, int] = {}
        self._last_cycle = 0
        self._chunk_reset = True
        self.debugger = Debugger()
        self._stop_reason: str | None = None
        #: Set by the GUI while the inspector shows: snapshots then carry an ``Inspection``
        self.inspecting = False
        self._inspection: Inspection | None = None
        self._inspected_at = 0.0
        self._inspect_now = True

    # ---- the GUI's side ------------------------------------------------------------------
    def post(self, command: Command) -> None:
        """Queue a command (``breadboard.sim.commands``: ``Open(path)``, ``Press(part_id)``
        ...); it is applied at the next slice boundary."""
        if isinstance(command, str):
            raise TypeError(f"post a command object (breadboard.sim.commands), not {command!r}")
        self._commands.put(command)

    def stop(self) -> None:
        """End the thread at the next slice boundary."""
        self._stopping.set()
        self._commands.put(Stop())

    def drain(self) -> list[TraceChunk]:
        """The trace chunks published since the last call, oldest first."""
        out = []
        while True:
            try:
                out.append(self.chunks.popleft())
            except IndexError:
                return out

    # ---- the thread ----------------------------------------------------------------------
    def run(self) -> None:  # noqa: C901 - one loop, kept flat on purpose
        self._publish()
        while not self._stopping.is_set():
            try:
                timeout = FRAME_SECONDS / 2 if self._running() else FRAME_SECONDS
                self._apply(self._commands.get(timeout=timeout))
                while True:
                    self._apply(self._commands.get_nowait())
            except queue.Empty:
                pass
            if self._stopping.is_set():
                break
            try:
                if self._running():
                    self._advance()
            except Exception:  # the thread must survive anything and say what happened
                self._paused = True
                self._set_error("simulation error: " + traceback.format_exc(limit=3))
            self._publish()
        self.sim.close()  # a MicroPython board's script thread ends with the worker

    def _running(self) -> bool:
        return not self._paused and self.sim.program_path is not None and self.sim.status != HALTED

    def _advance(self) -> None:
        sim = self.sim
        now = time.perf_counter()
        if self._speed <= 0:  # flat out: run for a slice of wall time
            end = now + MAX_SLICE_WALL
            while time.perf_counter() < end and sim.status != HALTED:
                if sim.run_for(sim.f_cpu // 100) == BREAK:
                    self._break()
                    return
            self._anchor = None
            return
        if self._anchor is None:
            self._anchor = (now, sim.cycle)
        t0, c0 = self._anchor
        target = c0 + int((now - t0) * sim.f_cpu * self._speed)
        lag = (target - sim.cycle) / (sim.f_cpu * self._speed)
        if lag > MAX_LAG_SECONDS:  # too slow to keep up: don't try to make up the backlog
            self._anchor = (now, sim.cycle)
            target = sim.cycle + int(MAX_LAG_SECONDS * sim.f_cpu * self._speed)
        if target > sim.cycle and sim.run_until(target) == BREAK:
            self._break()
            return
        if sim.status == HALTED:
            self._paused = True

    def _break(self) -> None:
        """A breakpoint or watchpoint stopped the run: pause and say why."""
        sim = self.sim
        self._paused = True
        self._anchor = None
        reached = self.debugger.stopped(sim)  # type: ignore[arg-type]
        self._stop_reason = reached or (sim.stop_reason.text if sim.stop_reason else "stopped")
        self._inspect_now = True

    def _avr(self, what: str) -> Simulation:
        """The board, which must be an AVR ``Simulation`` for ``what``."""
        if not isinstance(self.sim, Simulation):
            raise self.sim._unsupported(what)
        return self.sim

    # ---- commands ------------------------------------------------------------------------
    def _apply(self, command: Command) -> None:
        self._inspect_now = True
        try:
            self._execute(command)
        except FirmwareError as e:
            self._set_error(str(e))
        except Exception as e:  # a bad command must not kill the thread
            self._set_error(f"{type(command).__name__}: {e}")

    def _execute(self, command: Command) -> None:  # noqa: C901 - one case per command
        sim = self.sim
        match command:
            case Stop():
                self._stopping.set()
                sim.close()
            case Open(path):
                self._open(path)
            case Load(firmware):
                self._load(firmware)
            case Reset():
                sim.reset(power_on=False)
                self._apply_circuit()
            case PowerCycle():
                if sim.program_path is not None:
                    sim.load(sim.firmware)
                    self._after_power_on()
            case Run():
                self._paused = False
                self._anchor = None
                self._stop_reason = None
            case Pause():
                self._paused = True
                if isinstance(sim, Simulation):
                    self.debugger.cancel(sim)
            case Step():
                self._paused = True
                self._stop_reason = None
                if isinstance(sim, Simulation):
                    self.debugger.cancel(sim)
                if sim.program_path is not None:
                    sim.step()
            case StepOver():
                self._paused = True
                self._stop_reason = None
                if sim.program_path is not None and self.debugger.step_over(
                    self._avr("stepping over a call")
                ):
                    self._paused = False
                    self._anchor = None
            case RunToInterrupt(vector):
                if sim.program_path is not None:
                    self.debugger.run_to_interrupt(self._avr("running to an interrupt"), vector)
                    self._stop_reason = None
                    self._paused = False
                    self._anchor = None
            case SetBreakpoint(where, on):
                avr = self._avr("breakpoints")
                avr.add_breakpoint(where) if on else avr.remove_breakpoint(where)
            case SetWatch(where, on):
                avr = self._avr("watchpoints")
                avr.add_watch(where) if on else avr.remove_watch(where)
            case WriteRegister(where, value):
                write_register(self._avr("register writes"), where, value)
            case SetSpeed(factor):
                self._speed = float(factor)
                self._anchor = None
            case Press(part_id):
                self._set_button(part_id, True)
            case Release(part_id):
                self._set_button(part_id, False)
            case SetCircuit(circuit):
                self.circuit = circuit
                self._pressed &= {p.id for p in circuit.buttons()}
                self._apply_circuit()
            case SetPosition(part_id, position):
                part = self.circuit.part(part_id)
                if not isinstance(part, Potentiometer):
                    raise ValueError(f"{part_id} is not a potentiometer")
                part.position = max(0.0, min(1.0, float(position)))
                sim.set_voltage(part.pin, part.volts())
            case SendSerial(data):
                sim.send_serial(bytes(data))
            case Call(fn):
                fn(sim)
            case _:
                raise TypeError(f"unknown command {command!r}")

    def _set_error(self, text: str) -> None:
        self._error = text
        self._error_serial += 1

    def _open(self, path: str) -> None:
        """Open a firmware or a MicroPython script: ``open_board`` picks the board."""
        board = open_board(path, f_cpu=self.sim.f_cpu, history=self.sim.history)
        self.sim.close()
        self.sim = board
        self._after_power_on()
        self._paused = False

    def _load(self, firmware: Firmware) -> None:
        if not isinstance(self.sim, Simulation):
            self.sim.close()
            self.sim = Simulation(f_cpu=self.sim.f_cpu, history=self.sim.history)
        self.sim.load(firmware)
        self._after_power_on()
        self._paused = False

    def _after_power_on(self) -> None:
        self.debugger = Debugger()
        self._stop_reason = None
        self._anchor = None
        self._history.clear()
        self._sent = {p.name: 0 for p in UNO_PINS}
        self._sent_irq = self._sent_serial = 0
        self._sent_analog = {}
        self._last_cycle = 0
        self._chunk_reset = True
        self._apply_circuit()

    def _set_button(self, part_id: str, pressed: bool) -> None:
        part = self.circuit.part(part_id)
        if not isinstance(part, Pushbutton):
            raise ValueError(f"{part_id} is not a pushbutton")
        before = self.circuit.drives(frozenset(self._pressed))
        if pressed:
            self._pressed.add(part_id)
        else:
            self._pressed.discard(part_id)
        after = self.circuit.drives(frozenset(self._pressed))
        pin = uno_pin(part.pin).name
        if before.get(pin) == after.get(pin):
            return
        level = after.get(pin)
        self._presses += 1
        if level is None or not part.bounce.enabled:
            self.sim.drive(pin, level)
            return
        for cycle, lv in part.bounce.edges(level, self.sim.cycle, self.sim.f_cpu, self._presses):
            self.sim.drive(pin, lv, at=cycle)

    def _apply_circuit(self) -> None:
        drives = self.circuit.drives(frozenset(self._pressed))
        for p in UNO_PINS:
            self.sim.drive(p.name, drives.get(p.name))
        for part in self.circuit.parts:
            if isinstance(part, Potentiometer):
                self.sim.set_voltage(part.pin, part.volts())

    # ---- publishing ------------------------------------------------------------------------
    def _publish(self) -> None:
        sim = self.sim
        now = time.perf_counter()
        cycle = sim.cycle
        self._history.append((now, cycle))
        while len(self._history) > 2 and now - self._history[0][0] > 1.0:
            self._history.popleft()
        t_old, c_old = self._history[0]
        rtf = (cycle - c_old) / sim.f_cpu / (now - t_old) if now > t_old else 0.0
        start = self._last_cycle
        pins = {}
        new_rows = {}
        for p in UNO_PINS:
            trace = sim.pins[p.name]
            rows = trace.since(self._sent[p.name])
            self._sent[p.name] = trace.end
            new_rows[p.name] = rows
            level = trace.level
            duty = trace.high_fraction(start, cycle) if cycle > start else float(level == HIGH)
            pins[p.name] = PinState(level, duty, sim.pin_mode(p))
        irq = sim.interrupts.since(self._sent_irq)
        self._sent_irq = sim.interrupts.end
        ser = sim.serial_tx.since(self._sent_serial)
        self._sent_serial = sim.serial_tx.end
        analog = {}
        for name, trace in sim.analog.items():
            analog[name] = trace.since(self._sent_analog.get(name, 0))
            self._sent_analog[name] = trace.end
        names = (
            {int(v): sim.interrupt_name(int(v)) for v in np.unique(irq[:, 1])} if len(irq) else {}
        )
        if cycle != start or self._chunk_reset or len(irq) or len(ser):
            self.chunks.append(
                TraceChunk(start, cycle, new_rows, irq, ser, self._chunk_reset, analog, names)
            )
            self._chunk_reset = False
        self._last_cycle = cycle
        status = "no firmware" if sim.program_path is None else sim.status
        if self._paused and status not in (HALTED, "no firmware"):
            status = "paused"
        self._frame += 1
        if not self.inspecting:
            self._inspection = None
        elif self._inspect_now or now - self._inspected_at >= INSPECT_SECONDS:
            self._inspect_now = False
            self._inspected_at = now
            try:
                self._inspection = inspect(sim)
            except Exception:  # the inspector must never stop the simulation
                text = "inspector error: " + traceback.format_exc(limit=3)
                self._inspection = Inspection(cycle, sim.f_cpu, unavailable=text)
        self.snapshot = Snapshot(
            frame=self._frame,
            cycle=cycle,
            seconds=sim.seconds,
            f_cpu=sim.f_cpu,
            instructions=getattr(sim, "instructions", 0),
            status=status,
            paused=self._paused,
            speed=self._speed,
            real_time_factor=rtf,
            halt_reason=sim.halt_reason,
            error=self._error,
            error_serial=self._error_serial,
            firmware=sim.program_path,
            pins=pins,
            pressed=frozenset(self._pressed),
            serial_config=sim.serial_config(),
            stop_reason=self._stop_reason,
            inspection=self._inspection,
        )
