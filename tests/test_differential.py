"""Differential test of the input path (issue 16): random pin-change schedules run on
breadboard and on Debian's simavr 1.6, compared per burst and against a model of the
datasheet's rules.

Each schedule (``schedule(seed)``, numpy ``default_rng``) picks one port (B, C or D), 2-4 of
its pins, an EICRA with INT0 and INT1 each in an edge mode (any change, falling, rising: 13.2.1
table 13-1), EIMSK, PCICR and PCMSK0-2 subsets, and six bursts 160 cycles apart: in a burst
each pin toggles at most once, 0-3 cycles after the burst's start, so changes fall on the same
and on neighbouring cycles, applied in a random order within a cycle. The firmware
(tests/firmware/extint_diff) reads its configuration from the EEPROM and spins in one-cycle
NOPs; its handlers are bare RETIs. Both simulators report the cycle of every vector entry;
the tests compare, per burst and vector, the number of entries, and the order of the
vectors entered.

The model (``expected``), from the datasheet: INTn is requested once per edge of PD2/PD3 that
its ISCn1:0 selects (13.2.1; INT0 and INT1 have edge detectors of their own); PCIFk is
requested by a change of any pin enabled in PCMSKk (13.2.4-13.2.8), so a burst with enabled
changes on c distinct cycles enters the vector at least once and at most c times (changes
on one cycle are one request; a change after the request was accepted is a new one). A
vector with no qualifying change is never entered. Requests raised on one cycle are served
in priority order (lowest vector first, 12.1 / 16.1 "Interrupt Vectors").

Known simavr 1.6 deviations (the comparison with simavr skips exactly these; the model still
checks breadboard there):

1. Pin changes land at instruction boundaries and a raised interrupt is served after a fixed
   "pending_wait" of one instruction, so simavr enters a handler one cycle after the change,
   three cycles before breadboard (which counts the four-cycle response of 12.7.1 from the
   change); entry cycles are therefore not compared, only counts and order.
2. Two changes of enabled pins of one PCINT port exactly one cycle apart: whether they are
   one request or two depends on when the first one is accepted (12.7.1: the flag is
   cleared when the vector is taken, so a change after that is a new request). breadboard
   accepts at the first instruction boundary at or after the change, simavr one instruction
   later, so either may count one where the other counts two (both within the model).
   Seeds ``SIMAVR_MERGES``.
3. Low-level INT0/INT1 (ISCn1:0 = 00) is not modelled by simavr 1.6 as a level: a pin that is
   already low when INTn is enabled never requests it, and a low pin does not re-request
   after RETI. Low level is therefore checked against the model only
   (``test_low_level_requests_while_low_and_one_main_instruction_runs_between``).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from breadboard.avr.mcu import Mcu
from breadboard.circuit.pins import BY_PORT_BIT
from breadboard.firmware import load_firmware
from breadboard.sim import Simulation

HERE = Path(__file__).parent
ELF = HERE / "firmware" / "extint_diff.elf"
HARNESS = HERE / "differential" / "harness.c"
SIMAVR_HEADER = Path("/usr/include/simavr/sim_avr.h")

START = 1000  # first burst; the firmware is configured and spinning by cycle ~200
GAP = 160  # cycles between bursts: every handler of a burst has returned before the next
BURSTS = 6
END = START + BURSTS * GAP
PORT_BITS = {0: range(6), 1: range(6), 2: range(8)}  # the bits that reach the Uno's header
INT0, INT1, PCINT0 = 1, 2, 3

#: Number of random schedules the suite runs (seeds 0 .. N_SCHEDULES - 1).
N_SCHEDULES = 4000
#: Seeds where simavr and breadboard count two one-cycle-apart PCINT changes differently
#: (deviation 2 above); both stay within the model. Kept as regression cases.
SIMAVR_MERGES = [227, 335, 667]
#: Seeds on which breadboard before commit 818727e (issue 16's port snapshot bug) lost edges
#: of INT0, INT1 or PCINT when another pin of the port changed in the same or next cycles:
#: each broke the model and disagreed with simavr then.
LOST_EDGE_SEEDS = [1, 2, 5, 6, 9, 10, 15, 18, 20]


@dataclass(frozen=True)
class Schedule:
    seed: int
    port: int
    config: tuple[int, int, int, int, int, int]  # EICRA EIMSK PCICR PCMSK0 PCMSK1 PCMSK2
    changes: tuple[tuple[int, int, int, int], ...]  # (cycle, port, bit, level), time order


def schedule(seed: int, level_mode: bool = False) -> Schedule:
    """A random schedule: one port, 2-4 of its pins, six bursts of changes 0-3 cycles apart."""
    rng = np.random.default_rng(seed)
    port = int(rng.integers(3))
    if level_mode:
        eicra = 0
    else:
        eicra = int(rng.integers(1, 4)) | int(rng.integers(1, 4)) << 2
    eimsk = int(rng.integers(4))
    pcicr = int(rng.integers(8)) | 1 << port
    pcmsk = [int(rng.integers(256)) & (0xFF if p == 2 else 0x3F) for p in range(3)]
    pins = sorted(int(b) for b in rng.choice(list(PORT_BITS[port]), int(rng.integers(2, 5)), False))
    if port == 2 and rng.random() < 0.7:  # mostly with INT0 and INT1 among them
        pins = sorted({*pins[:-2], 2, 3} if len(pins) > 2 else {2, 3})
    level = {b: int(rng.integers(2)) for b in pins}
    # Cycle 0, before the firmware configures anything: every used pin at its first level,
    # INT0/INT1 held high when not part of the schedule (no floating inputs).
    changes = [(0, port, b, level[b]) for b in pins]
    changes += [(0, 2, b, 1) for b in (2, 3) if port != 2 or b not in pins]
    for k in range(BURSTS):
        burst = []
        for b in pins:
            if rng.random() < 0.6:
                level[b] ^= 1
                burst.append((START + k * GAP + int(rng.integers(4)), port, b, level[b]))
        order = rng.permutation(len(burst))  # the order changes of one cycle are applied in
        changes += sorted((burst[i] for i in order), key=lambda c: c[0])
    return Schedule(seed, port, (eicra, eimsk, pcicr, *pcmsk), tuple(changes))


# ---- the model ---------------------------------------------------------------------------------
def requests(s: Schedule) -> dict[tuple[int, int], list[int]]:
    """(burst, vector) -> cycles of the changes that request the vector (13.2)."""
    eicra, eimsk, pcicr, *pcmsk = s.config
    level = {}
    out: dict[tuple[int, int], list[int]] = {}
    for cycle, port, bit, lv in s.changes:
        old = level.get((port, bit))
        level[(port, bit)] = lv
        if cycle < START or old is None or old == lv:
            continue
        burst = (cycle - START) // GAP
        if port == 2 and bit in (2, 3):
            n = bit - 2
            mode = eicra >> (2 * n) & 3
            if eimsk >> n & 1 and (mode == 1 or mode == 2 + lv):
                out.setdefault((burst, INT0 + n), []).append(cycle)
        if pcicr >> port & 1 and pcmsk[port] >> bit & 1:
            out.setdefault((burst, PCINT0 + port), []).append(cycle)
    return out


def expected(s: Schedule) -> dict[tuple[int, int], tuple[int, int]]:
    """(burst, vector) -> (fewest, most) entries the datasheet allows."""
    return {key: (1, len(set(cycles))) for key, cycles in requests(s).items()}


def per_burst(entries: list[tuple[int, int]]) -> dict[tuple[int, int], int]:
    counts: dict[tuple[int, int], int] = {}
    for cycle, vector in entries:
        key = ((cycle - START) // GAP if cycle >= START else -1, vector)
        counts[key] = counts.get(key, 0) + 1
    return counts


def order(entries: list[tuple[int, int]]) -> dict[int, list[int]]:
    seq: dict[int, list[int]] = {}
    for cycle, vector in entries:
        seq.setdefault((cycle - START) // GAP, []).append(vector)
    return seq


def model_errors(s: Schedule, entries: list[tuple[int, int]]) -> list[str]:
    """Where breadboard's entries break the model."""
    want = expected(s)
    got = per_burst(entries)
    errors = []
    for key in sorted(set(want) | set(got)):
        lo, hi = want.get(key, (0, 0))
        if not lo <= got.get(key, 0) <= hi:
            errors.append(f"burst {key[0]} vector {key[1]}: {got.get(key, 0)} entries, "
                          f"model {lo}..{hi}")  # fmt: skip
    for burst, seq in order(entries).items():
        same_cycle = {v for (b, v), cyc in requests(s).items() if b == burst and len(set(cyc)) == 1}
        firsts = [v for v in seq if v in same_cycle]
        raised = {v: min(c) for (b, v), c in requests(s).items() if b == burst}
        ties = [v for v in dict.fromkeys(firsts) if raised[v] == min(raised.values())]
        if ties != sorted(ties):
            errors.append(f"burst {burst}: vectors raised on one cycle entered as {seq}")
    return errors


def simavr_comparable(s: Schedule, burst: int) -> bool:
    """False where a known simavr deviation applies (module docstring, item 2)."""
    for (b, v), cycles in requests(s).items():
        if b == burst and v >= PCINT0:
            c = sorted(set(cycles))
            if any(y - x == 1 for x, y in zip(c, c[1:], strict=False)):
                return False
    return True


# ---- breadboard ------------------------------------------------------------------------------
_FW = load_firmware(ELF)


def run_mcu(s: Schedule, mcu: Mcu) -> list[tuple[int, int]]:
    """The schedule on the kernel: each change applied at its cycle, in the listed order."""
    for port in range(3):
        for bit in range(8):
            mcu.drive_pin(port, bit, None)
    mcu.eeprom[:6] = s.config
    mcu.reset(power_on=True)
    mcu.take_pin_log()
    mcu.take_irq_log()
    for cycle, port, bit, level in s.changes:
        if cycle > mcu.cycle:
            mcu.run(cycle)
            mcu.take_pin_log()
        mcu.drive_pin(port, bit, level, at=cycle)
    mcu.run(END)
    mcu.take_pin_log()
    rows = mcu.take_irq_log()
    rows = rows[rows[:, 2] == 1]
    return [(int(c), int(v)) for c, v in rows[:, :2]]


def run_simulation(s: Schedule, sim: Simulation) -> list[tuple[int, int]]:
    """The schedule through the Simulation API (``drive(pin, level, at=cycle)``)."""
    sim.load(_FW)
    sim.mcu.eeprom[:6] = s.config
    sim.reset(power_on=True)
    for cycle, port, bit, level in s.changes:
        sim.drive(BY_PORT_BIT[(port, bit)], level, at=cycle)
    sim.run_until(END)
    rows = sim.interrupts.rows
    rows = rows[rows[:, 2] == 1]
    return [(int(c), int(v)) for c, v in rows[:, :2]]


# ---- simavr -----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def harness(tmp_path_factory) -> Path:
    """tests/differential/harness.c compiled against libsimavr (skipped only without gcc or
    simavr's headers: .ci/run installs gcc and libsimavr-dev)."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not installed (the simavr harness is C)")
    if not SIMAVR_HEADER.exists():
        pytest.skip(f"simavr's headers are not installed ({SIMAVR_HEADER}: libsimavr-dev)")
    key = hashlib.sha256(HARNESS.read_bytes()).hexdigest()[:12]
    exe = tmp_path_factory.mktemp("simavr") / f"harness-{key}"
    done = subprocess.run(
        ["gcc", "-O2", "-Wall", "-o", str(exe), str(HARNESS), "-lsimavr"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, f"compiling {HARNESS} failed:\n{done.stderr}"
    return exe


def run_simavr(exe: Path, schedules: list[Schedule]) -> list[list[tuple[int, int]]]:
    """All ``schedules`` in one simavr process (a fresh chip each)."""
    lines = []
    for s in schedules:
        lines.append(f"S {len(s.changes)} {END} " + " ".join(map(str, s.config)))
        lines += [" ".join(map(str, c)) for c in s.changes]
    done = subprocess.run(
        [str(exe), str(ELF)], input="\n".join(lines) + "\n", capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    results: list[list[tuple[int, int]]] = []
    for line in done.stdout.splitlines():
        parts = line.split()
        if parts[:1] == ["R"]:
            results.append([])
        elif results and len(parts) == 2 and parts[0].isdigit():
            results[-1].append((int(parts[0]), int(parts[1])))
    assert len(results) == len(schedules), done.stdout[-2000:]
    return results


def simavr_differences(s: Schedule, ours, theirs) -> list[str]:
    got, ref = per_burst(ours), per_burst(theirs)
    seq_ours, seq_ref = order(ours), order(theirs)
    out = []
    for burst in range(BURSTS):
        if not simavr_comparable(s, burst):
            continue
        a = {v: n for (b, v), n in got.items() if b == burst}
        r = {v: n for (b, v), n in ref.items() if b == burst}
        if a != r:
            out.append(f"burst {burst}: breadboard {a}, simavr {r}")
        elif seq_ours.get(burst, []) != seq_ref.get(burst, []):
            out.append(f"burst {burst}: order {seq_ours.get(burst)} vs simavr {seq_ref.get(burst)}")
    return out


# ---- the tests ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mcu() -> Mcu:
    m = Mcu()
    m.load_flash(_FW.flash)
    return m


def _check(seeds, exe, mcu):
    schedules = [schedule(seed) for seed in seeds]
    theirs = run_simavr(exe, schedules)
    failures = []
    for s, ref in zip(schedules, theirs, strict=True):
        ours = run_mcu(s, mcu)
        problems = model_errors(s, ours) + simavr_differences(s, ours, ref)
        if problems:
            failures.append(f"seed {s.seed}: " + "; ".join(problems))
    return failures


def test_random_schedules_follow_the_datasheet_and_simavr(harness, mcu):
    """13.2.1 (INT0/INT1 each detect their own edges), 13.2.4-13.2.8 (PCIFn follows every
    enabled pin), 12.1 (priority): thousands of random schedules of changes on the same and
    neighbouring cycles, checked against the model and against simavr."""
    failures = _check(range(N_SCHEDULES), harness, mcu)
    assert not failures, f"{len(failures)} of {N_SCHEDULES} schedules:\n" + "\n".join(failures[:20])


@pytest.mark.parametrize("seed", SIMAVR_MERGES + LOST_EDGE_SEEDS)
def test_regression_seeds(seed, harness, mcu):
    """Seeds that once showed a disagreement (see the module docstring)."""
    assert _check([seed], harness, mcu) == []


def test_one_cycle_apart_pin_changes_are_where_simavr_may_count_otherwise(harness, mcu):
    """Deviation 2 is real and narrow: the seeds in ``SIMAVR_MERGES`` differ from simavr only
    in bursts with two enabled PCINT changes one cycle apart (12.7.1), nowhere else."""
    for seed in SIMAVR_MERGES:
        s = schedule(seed)
        ours, ref = run_mcu(s, mcu), run_simavr(harness, [s])[0]
        got, want = per_burst(ours), per_burst(ref)
        differ = {b for (b, _v) in set(got) | set(want) if got.get((b, _v)) != want.get((b, _v))}
        assert differ, seed
        assert all(not simavr_comparable(s, b) for b in differ), seed


def test_the_simulation_api_applies_schedules_as_the_kernel_does(mcu):
    """``Simulation.drive(pin, level, at=cycle)`` (the CLI's --input, the app's buttons) gives
    the same entries as the kernel driven directly, whatever the order of application."""
    sim = Simulation()
    for seed in range(0, N_SCHEDULES, 40):
        s = schedule(seed)
        assert run_simulation(s, sim) == run_mcu(s, mcu), seed


def _intervals(s: Schedule, bit: int) -> list[tuple[int, int]]:
    """The [from, to) cycles PD``bit`` is low in ``s``."""
    low, since = [], None
    for cycle, port, b, lv in s.changes:
        if (port, b) == (2, bit):
            if lv == 0 and since is None:
                since = cycle
            elif lv == 1 and since is not None:
                low.append((since, cycle))
                since = None
    return low + ([(since, END)] if since is not None else [])


def _minus(spans: list[tuple[int, int]], cut: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for a, b in spans:
        pieces = [(a, b)]
        for x, y in cut:
            pieces = [p for u, v in pieces for p in ((u, min(v, x)), (max(u, y), v)) if p[0] < p[1]]
        out += pieces
    return out


READY = 300  # the firmware has set I by then (it is configured from the EEPROM first)


@pytest.mark.parametrize("seed", range(60))
def test_low_level_requests_while_low_and_one_main_instruction_runs_between(seed, mcu):
    """13.2.1: ISCn1:0 = 00 requests INTn while the pin is low; 12.7.1: after RETI one main
    instruction runs before the next request is served, so the handler (4 response + 3 JMP +
    4 RETI cycles) is entered every 12 cycles (13 when that instruction is the loop's RJMP)
    from the cycle the pin goes low until it goes high again; INT1 waits while INT0 requests
    (priority, 12.1). Deviation 3: checked against this model only."""
    s = schedule(seed, level_mode=True)
    entries = run_mcu(s, mcu)
    eimsk = s.config[1]
    busy: list[tuple[int, int]] = []  # when a higher-priority INT keeps requesting
    for n in range(2):
        mine = [c for c, v in entries if v == INT0 + n]
        low = _intervals(s, 2 + n)
        if not eimsk >> n & 1:
            assert mine == [], (seed, n)
            continue
        for c in mine:  # accepted (4 cycles before the entry) while the pin was low
            assert any(a <= c - 4 <= b for a, b in low), (seed, n, c, low)
        for a, b in _minus(low, busy):
            a = max(a, READY)
            if b - a < 40:
                continue
            inside = [c for c in mine if a < c <= b + 4]
            assert inside and inside[0] <= a + 4 + 13 and inside[-1] >= b - 13, (seed, n, a, b)
            assert {y - x for x, y in zip(inside, inside[1:], strict=False)} <= {12, 13}, (
                seed,
                n,
                inside,
            )
        busy = low
