"""Differential test of the input path (issue 16): random pin-change schedules run on
breadboard and on Debian's simavr 1.6, compared per burst, and on breadboard against a timed
model of the datasheet's rules, entry by entry.

``schedule(seed)`` (numpy ``default_rng``) picks one port (B, C or D), 2-4 of its pins, an
EICRA with INT0 and INT1 each in an edge mode (any change, falling, rising: 13.2.1 table
13-1), EIMSK, PCICR and PCMSK0-2 subsets, and six bursts 160 cycles apart: in a burst each pin
toggles at most once, 0-3 cycles after the burst's start, so changes fall on the same and on
neighbouring cycles, applied in a random order within a cycle. ``wide_schedule(seed)`` adds
pulses (a pin toggling twice, 2-30 cycles apart) and changes on several ports at once. The
firmware (tests/firmware/extint_diff) reads its configuration from the EEPROM and spins in a
loop of NOPs; its handlers are bare RETIs. Both simulators report the cycle of every vector
entry (breadboard's IRQ log; simavr: the program counter reaching the vector).

The model. ``requests``: INTn is requested by each edge of PD2/PD3 that ISCn1:0 selects (13.2.1;
INT0 and INT1 have edge detectors of their own), PCIFk by a change of any pin enabled in
PCMSKk (13.2.4-13.2.8), whatever else changes on the port. ``expected``: the datasheet's
bounds per burst (a requested vector is entered at least once and at most once per distinct
cycle of its requests; an unrequested one never). ``timed_entries``: the exact cycles, with the
flag set on the change's cycle (PINx shows the change two cycles later, 14.2.4), served at the
first instruction boundary at or after it, lowest vector first (12.1), the first handler
instruction 4 cycles later (12.7.1; the flag clears then, so a change on that boundary is
folded in and a later one is a new request), one main instruction after each RETI. breadboard
must match it entry for entry; simavr must match breadboard's counts and order per burst,
except for its known deviations:

1. Response time: simavr applies a change at an instruction boundary and enters the handler
   one cycle later with no four-cycle response (back-to-back handlers 9 cycles apart, not 12),
   so entry cycles are never compared with simavr, and in wide schedules (chained handlers)
   only which vectors a burst entered.
2. Two requests of one PCINT vector one cycle apart: one request or two depends on the cycle
   the first is accepted (12.7.1), one instruction later in simavr, so either may count one
   where the other counts two. Those bursts are left out (seeds ``SIMAVR_MERGES``).
3. Low level (ISCn1:0 = 00): simavr 1.6 never enters the handler in this harness (neither for
   a pin low when INTn is enabled nor for a later fall), where 13.2.1 requests it as long as
   the pin is low. Low level is checked against the model only
   (``test_low_level_requests_while_low_and_one_main_instruction_runs_between``).
4. With several interrupts pending at once simavr can enter one vector again and again, every
   9 cycles, with its flag clear and nothing requesting it (wide seed 388: INT0 in "any
   change" mode entered 16 times for two edges, starving INT1). A burst where simavr enters
   a vector more often than the datasheet's bound is not compared (``SIMAVR_SPURIOUS``).
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
#: Number of ``wide_schedule`` seeds.
N_WIDE = 2000
#: Seeds where simavr and breadboard count two one-cycle-apart PCINT changes differently
#: (deviation 2 above); both stay within the model. Kept as regression cases.
SIMAVR_MERGES = [227, 335, 667]
#: Wide seeds where simavr enters a vector with nothing requesting it (deviation 4).
SIMAVR_SPURIOUS = [388]
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


def wide_schedule(seed: int) -> Schedule:
    """A wider random schedule: INT0, INT1 and three more pins of any ports, each toggling 0-2
    times per burst (pulses of 2-30 cycles), bursts starting 0-3 cycles apart per pin."""
    rng = np.random.default_rng([7, seed])
    eicra = int(rng.integers(1, 4)) | int(rng.integers(1, 4)) << 2
    eimsk, pcicr = int(rng.integers(4)), int(rng.integers(8))
    pcmsk = [int(rng.integers(256)) & (0xFF if p == 2 else 0x3F) for p in range(3)]
    others = [(int(p), int(rng.choice(list(PORT_BITS[int(p)])))) for p in rng.integers(3, size=3)]
    pins = sorted({(2, 2), (2, 3), *others})
    level = {pb: int(rng.integers(2)) for pb in pins}
    changes = [(0, p, b, level[(p, b)]) for p, b in pins]
    for k in range(BURSTS):
        burst = []
        for pb in pins:
            t = START + k * GAP + int(rng.integers(4))
            for _ in range(int(rng.integers(3))):
                level[pb] ^= 1
                burst.append((t, *pb, level[pb]))
                t += int(rng.integers(2, 31))
        order = rng.permutation(len(burst))
        changes += sorted((burst[i] for i in order), key=lambda c: c[0])
    return Schedule(seed, 2, (eicra, eimsk, pcicr, *pcmsk), tuple(changes))


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


LOOP_RJMP = 0x11E // 2  # word address of the RJMP closing extint_diff's main loop (32 NOPs)
LOOP = 34  # cycles per pass: 32 NOPs and the 2-cycle RJMP


def timed_entries(s: Schedule, rjmp_at: int) -> list[tuple[int, int]]:
    """The exact (cycle, vector) entries the datasheet's rules give for ``s``: a flag is set on
    the cycle of its change (13.2); it is served at the first instruction boundary at or after
    that cycle when I is set, the lowest vector first (12.1); the vector's first instruction
    comes 4 cycles later (12.7.1, the flag is cleared then, so a change on that boundary is
    folded in and a later one is a new request); the handler (JMP 3 + RETI 4) returns with I
    set and one main instruction runs before the next request is served (12.7.1). The main
    loop's phase is where its RJMP starts, ``rjmp_at`` (+ k * 34, no interrupt before START)."""
    raises = sorted((c, v) for (_b, v), cycles in requests(s).items() for c in cycles)
    k = (START - rjmp_at) % LOOP
    t, pos = START, (32 if k == 0 else k - 2)  # pos 0-31: a NOP, 32: the RJMP
    if k == 1:  # START falls inside the RJMP
        t, pos = START + 1, 0
    pending: set[int] = set()
    out, i = [], 0
    while t < END:
        while i < len(raises) and raises[i][0] <= t:
            pending.add(raises[i][1])
            i += 1
        if pending:
            v = min(pending)
            pending.discard(v)
            out.append((t + 4, v))
            t += 4 + 3 + 4
        t += 2 if pos == 32 else 1
        pos = (pos + 1) % 33
    return [e for e in out if e[0] < END]


def model_errors(s: Schedule, entries: list[tuple[int, int]], rjmp_at: int) -> list[str]:
    """Where breadboard's entries differ from the timed model (the model's own counts are
    checked against the datasheet's bounds, ``expected``)."""
    want = timed_entries(s, rjmp_at)
    bounds = expected(s)
    counts = per_burst(want)
    for key in set(bounds) | set(counts):
        lo, hi = bounds.get(key, (0, 0))
        assert lo <= counts.get(key, 0) <= hi, (s.seed, key, counts.get(key), (lo, hi))
    if entries == want:
        return []
    extra = sorted(set(entries) - set(want))
    missing = sorted(set(want) - set(entries))
    return [f"entries {extra} not in the model, model entries {missing} missing"]


def simavr_comparable(s: Schedule, burst: int) -> bool:
    """False where deviation 2 applies (module docstring): two requests of one PCINT vector
    one cycle apart."""
    for (b, v), cycles in requests(s).items():
        c = sorted(set(cycles))
        if b == burst and v >= PCINT0 and any(y - x == 1 for x, y in zip(c, c[1:], strict=False)):
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


def simavr_differences(s: Schedule, ours, theirs, counts: bool = True) -> list[str]:
    """Per burst where simavr is comparable: the number of entries per vector and their order
    (``counts``), else only which vectors were entered (wide schedules, where simavr's
    shorter response, deviation 1, changes which requests chained handlers fold together)."""
    got, ref = per_burst(ours), per_burst(theirs)
    seq_ours, seq_ref = order(ours), order(theirs)
    bounds = expected(s)
    out = []
    for burst in range(BURSTS):
        a = {v: n for (b, v), n in got.items() if b == burst}
        r = {v: n for (b, v), n in ref.items() if b == burst}
        if any(n > bounds.get((burst, v), (0, 0))[1] for v, n in r.items()):
            continue  # deviation 4: simavr enters a vector more often than it was requested
        if not counts:
            if set(a) != set(r):
                out.append(f"burst {burst}: vectors {sorted(a)}, simavr {sorted(r)}")
        elif not simavr_comparable(s, burst):
            continue
        elif a != r:
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


@pytest.fixture(scope="module")
def rjmp_at(mcu) -> int:
    """Cycle the firmware's main-loop RJMP first starts (its start-up code's length, stepped
    once with no input)."""
    mcu.reset(power_on=True)
    while mcu.pc != LOOP_RJMP:
        mcu.step()
        assert mcu.cycle < START
    return mcu.cycle


def _check(seeds, exe, mcu, rjmp_at, make=schedule):
    schedules = [make(seed) for seed in seeds]
    counts = make is schedule
    theirs = run_simavr(exe, schedules)
    failures = []
    for s, ref in zip(schedules, theirs, strict=True):
        ours = run_mcu(s, mcu)
        problems = model_errors(s, ours, rjmp_at) + simavr_differences(s, ours, ref, counts)
        if problems:
            failures.append(f"seed {s.seed}: " + "; ".join(problems))
    return failures


def test_random_schedules_follow_the_datasheet_and_simavr(harness, mcu, rjmp_at):
    """13.2.1 (INT0/INT1 each detect their own edges), 13.2.4-13.2.8 (PCIFn follows every
    enabled pin), 12.1 (priority), 12.7.1 (response): thousands of random schedules of
    changes on the same and neighbouring cycles of one port, every entry at the model's
    cycle, and the same counts and order as simavr."""
    failures = _check(range(N_SCHEDULES), harness, mcu, rjmp_at)
    assert not failures, f"{len(failures)} of {N_SCHEDULES} schedules:\n" + "\n".join(failures[:20])


def test_wide_schedules_pulses_on_several_ports_follow_the_model_and_simavr(harness, mcu, rjmp_at):
    """The same rules with pulses (a pin toggling twice in a burst) and changes on several
    ports at once, requests folded into a pending flag (13.2: a flag set again while set is
    one request) and served during or after other handlers."""
    failures = _check(range(N_WIDE), harness, mcu, rjmp_at, make=wide_schedule)
    assert not failures, f"{len(failures)} of {N_WIDE} schedules:\n" + "\n".join(failures[:20])


@pytest.mark.parametrize("seed", SIMAVR_MERGES + LOST_EDGE_SEEDS)
def test_regression_seeds(seed, harness, mcu, rjmp_at):
    """Seeds that once showed a disagreement (see the module docstring)."""
    assert _check([seed], harness, mcu, rjmp_at) == []


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


def test_simavr_enters_a_vector_nothing_requested_in_the_spurious_seeds(harness, mcu, rjmp_at):
    """Deviation 4 is real: simavr exceeds the datasheet's bound there; breadboard follows the
    timed model (and so the bound)."""
    for seed in SIMAVR_SPURIOUS:
        s = wide_schedule(seed)
        ref = per_burst(run_simavr(harness, [s])[0])
        bounds = expected(s)
        assert any(n > bounds.get(key, (0, 0))[1] for key, n in ref.items()), seed
        assert model_errors(s, run_mcu(s, mcu), rjmp_at) == []


def test_simavr_low_level_mode_enters_nothing(harness):
    """Deviation 3 is real: INT0 in low-level mode with D2 low from before INT0 is enabled,
    then high, then low again for 800 cycles: 13.2.1 requests it all the time D2 is low,
    simavr 1.6 enters it never."""
    s = Schedule(0, 2, (0, 1, 0, 0, 0, 0), ((0, 2, 2, 0), (0, 2, 3, 1), (1000, 2, 2, 1),
                                             (1200, 2, 2, 0)))  # fmt: skip
    assert run_simavr(harness, [s])[0] == []


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
