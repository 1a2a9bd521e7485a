"""Timer/Counter0, Timer/Counter1 and Timer/Counter2 (datasheet 15-18).

The timers are lazy. Each keeps in its 32-entry block of ``st``: the counter value, the
counting direction, the cycle that value is valid at, and the next "interesting" timer clock:
the one on which the counter leaves an OCRx value, TOP, BOTTOM or MAX. Between those nothing is
simulated: TCNT is computed on access, and ``timers_update`` jumps from event to event (in time
order across the three timers, so the pin log stays ordered).

Timer clocks (datasheet 18). Timer0 and Timer1 share one free-running prescaler; Timer2 has its
own. A prescaler reset at cycle B (chip reset, GTCCR.PSRSYNC / PSRASY) makes clk/N tick at
B + k*N (k >= 1); with clk/1 every cycle. Changing CS does not touch the prescaler. GTCCR.TSM
holds the resets asserted: no tick until TSM is cleared. External clocks T0 (PD4) / T1 (PD5)
tick 3 cycles after the selected edge (synchronizer and edge detector: 2.5-3.5 cycles).

Conventions: a timer clock at cycle t is seen by an instruction completing at t; a register
write completing at t happens after the clock at t. Flags follow the timing diagrams (15-8..
15-11, 16-10..16-13): every flag is set on the timer clock *after* the counter held the value
that causes it, i.e. when the counter leaves that value:
- compare match x: when TCNT leaves OCRx (in CTC: the clock that clears TCNT to 0);
- TOV: normal/CTC when MAX -> 0; fast PWM when TOP -> BOTTOM; phase (and frequency) correct
  when the counter leaves BOTTOM (figure 16-12 renamed for BOTTOM, as its text says);
- ICF1 at TOP (when leaving TOP) in modes with TOP = ICR1; OCF1A at TOP with TOP = OCR1A is
  an ordinary compare match.
The first timer clock after a CPU write to TCNTn makes no compare match (15.7.3). OCRx is
double-buffered in PWM modes and loaded (after that clock's compare) at TOP (phase correct),
when TOP -> BOTTOM (fast PWM) or when leaving BOTTOM (phase and frequency correct).

Output compare pins take the port pin (``pins.set_override``) while COMnx selects an action;
COMnx = 1 in PWM modes drives OCnA (toggle) only where the tables allow it, else the pin is
left to the port. In phase-correct modes the output is also set, at TOP, to the result of an
up-counting match unless OCRx = TOP (datasheet 15.7.4, the two transitions without a match).

Reads of TCNTn, TIFRn and ICR1 give the state at the read's cycle: if an event falls due
inside the reading instruction, it is run on a copy of the block (a dry run; timers_update
runs it for real, at its cycle). Timer1's 16-bit registers go through TEMP (16.3).

Input capture (16.6): an ICP1 (PB0) edge selected by ICES1 copies TCNT1 into ICR1 and sets ICF1
at the cycle of the edge; with ICNC1 the level must hold 4 cycles and the capture comes 4
cycles later. Disabled in modes with TOP = ICR1.

Sleep modes that stop clk_I/O stop the counters and prescalers (``timers_clock``): every time
base moves on by the time spent stopped.

Not modelled: the analog comparator as capture source (ACSR.ACIC), PRR (timers run whatever
PRTIMn says), Timer2's asynchronous mode (ASSR.AS2: no 32 kHz crystal on the Uno).
"""

from __future__ import annotations

import numpy as np

from . import pins
from .common import NEVER, raise_flags, schedule, w1c
from .jit import inner
from .regs import (
    GTCCR,
    ICR1H,
    ICR1L,
    OCR0A,
    OCR0B,
    OCR1AL,
    OCR1BL,
    OCR2A,
    OCR2B,
    OWN_TIMER0,
    OWNER,
    S_LEVELS,
    S_OVR_MASK,
    S_PIN_N,
    S_PSR2_BASE,
    S_PSR10_BASE,
    S_TIMER0,
    S_TIMER1,
    S_TIMER2,
    T_LAST_ICF,
    T_LAST_TOV,
    TCCR0A,
    TCCR0B,
    TCCR1A,
    TCCR1B,
    TCCR1C,
    TCCR2A,
    TCCR2B,
    TCNT0,
    TCNT1H,
    TCNT1L,
    TCNT2,
    TIFR0,
    TIFR1,
    TIFR2,
    TIMSK0,
    TIMSK1,
    TIMSK2,
    W1C_MASK,
)

# --- Offsets inside each timer's block (28-31 are regs.T_LAST_*) ---------------------------
F_CNT = 0  # counter value at F_AT
F_UP = 1  # 1 counting up, 0 down (phase correct modes)
F_AT = 2  # cycle F_CNT is valid at
F_NEXT = 3  # cycle of the next interesting timer clock (NEVER: none)
F_TGT = 4  # the counter value that clock leaves
F_OCA = 5  # compare values in effect (OCRx; the data registers hold the buffers)
F_OCB = 6
F_OUTA = 7  # the OCnA / OCnB output compare registers
F_OUTB = 8
F_BLOCKED = 9  # 1: TCNT was written at F_AT, the next clock makes no compare match
F_TEMP = 10  # Timer1: the TEMP register of the 16-bit accesses
F_ICR = 11  # Timer1: ICR1
F_CAP_AT = 12  # Timer1: cycle the (noise-cancelled) ICP1 level changes to F_CAP_LVL
F_CAP_LVL = 13
F_FILT = 14  # Timer1: ICP1 level after the noise canceler, as the edge detector saw it
F_EXT0 = 15  # cycles of up to two pending external clock (T0/T1) ticks, NEVER if none
F_EXT1 = 16
F_CONN = 17  # bit ch: OCnA (0) / OCnB (1) drives its pin
F_MODE = 18  # row of MODE_KIND / MODE_TOP for the WGM bits (kept up to date on writes)
F_DIV = 19  # clock divisor from CS: 0 stopped, N (clk/N), -1 / -2 external falling / rising
# Module-wide fields, kept in Timer0's block
G_DUE = S_TIMER0 + 20  # earliest event of the three timers
G_STOP = S_TIMER0 + 21  # cycle the I/O clock stopped at (sleep), NEVER while it runs

BLOCK = 32
BASE = np.array([S_TIMER0, S_TIMER1, S_TIMER2], dtype=np.int64)
# Each timer's registers by timer number (the addresses are regs.py's; Timer1's 16-bit
# registers by their low byte, the high byte at +1)
TCCRA = np.array([TCCR0A, TCCR1A, TCCR2A], dtype=np.int64)
TCCRB = np.array([TCCR0B, TCCR1B, TCCR2B], dtype=np.int64)
TCNT = np.array([TCNT0, TCNT1L, TCNT2], dtype=np.int64)
OCRA = np.array([OCR0A, OCR1AL, OCR2A], dtype=np.int64)
OCRB = np.array([OCR0B, OCR1BL, OCR2B], dtype=np.int64)
TIFR = np.array([TIFR0, TIFR1, TIFR2], dtype=np.int64)
TIMSK = np.array([TIMSK0, TIMSK1, TIMSK2], dtype=np.int64)
# TIMSKn's bits are TIFRn's: TOIE/OCIEA/OCIEB (+ ICIE1 on Timer1)
TIMSK_MASK = np.array([W1C_MASK[TIFR0], W1C_MASK[TIFR1], W1C_MASK[TIFR2]], dtype=np.int64)
MAXV = np.array([0xFF, 0xFFFF, 0xFF], dtype=np.int64)
PSR = np.array([S_PSR10_BASE, S_PSR10_BASE, S_PSR2_BASE], dtype=np.int64)
# Output compare pins (port 0=B, 2=D; bit): OC0A PD6, OC0B PD5, OC1A PB1, OC1B PB2, OC2A PB3,
# OC2B PD3
PIN_PORT = np.array([[2, 2], [0, 0], [0, 2]], dtype=np.int64)
PIN_BIT = np.array([[6, 5], [1, 2], [3, 3]], dtype=np.int64)
# Clock select -> divisor; 0 stopped, -1 external falling edge, -2 external rising edge
CSDIV = np.array(
    [[0, 1, 8, 64, 256, 1024, -1, -2], [0, 1, 8, 64, 256, 1024, -1, -2],
     [0, 1, 8, 32, 64, 128, 256, 1024]], dtype=np.int64,
)  # fmt: skip
EXT_DELAY = 3  # cycles from a T0/T1 edge to the counter update (datasheet 18.3: 2.5-3.5)
ICNC_DELAY = 4  # the noise canceler: four equal samples (datasheet 16.6.2)

# Waveform generation modes: row = WGM (Timer0/2: 0-7; Timer1: 8 + WGM13:0)
NORMAL, CTC, FAST, PC, PFC = 0, 1, 2, 3, 4
TOP_OCRA, TOP_ICR = -1, -2
MODE_KIND = np.array(
    [NORMAL, PC, CTC, FAST, NORMAL, PC, NORMAL, FAST,
     NORMAL, PC, PC, PC, CTC, FAST, FAST, FAST, PFC, PFC, PC, PC, CTC, NORMAL, FAST, FAST],
    dtype=np.int64,
)  # fmt: skip
MODE_TOP = np.array(
    [0xFF, 0xFF, TOP_OCRA, 0xFF, 0xFF, TOP_OCRA, 0xFF, TOP_OCRA,
     0xFFFF, 0xFF, 0x1FF, 0x3FF, TOP_OCRA, 0xFF, 0x1FF, 0x3FF,
     TOP_ICR, TOP_OCRA, TOP_ICR, TOP_OCRA, TOP_ICR, 0xFFFF, TOP_ICR, TOP_OCRA],
    dtype=np.int64,
)  # fmt: skip
# PWM modes where COMnA = 1 toggles OCnA on compare match (tables 15-4/15-7, 16-3/16-4,
# 17-4/17-7): Timer0/2 with WGMn2 = 1 (modes 5, 7); Timer1 modes 9, 11, 14, 15.
TOGGLE_A = np.zeros(24, dtype=np.int64)
TOGGLE_A[5] = TOGGLE_A[7] = 1
TOGGLE_A[8 + 9] = TOGGLE_A[8 + 11] = TOGGLE_A[8 + 14] = TOGGLE_A[8 + 15] = 1

TOV, OCFA, OCFB, ICF = 0x01, 0x02, 0x04, 0x20
FLAG_BITS = np.array([TOV, OCFA, OCFB, ICF], dtype=np.int64)
# Fields holding future cycles (NEVER: none), moved on when the I/O clock restarts
TIMES = np.array([F_NEXT, F_CAP_AT, F_EXT0, F_EXT1], dtype=np.int64)
assert T_LAST_ICF == T_LAST_TOV + 3  # TOV, OCFA, OCFB, ICF in this order


@inner
def _config(data, i, tb):
    """Note the WGM mode and clock divisor after a TCCRnA/B write; non-PWM modes have no
    double buffering, so the compare values are the registers themselves."""
    a = np.int64(data[TCCRA[i]])
    b = np.int64(data[TCCRB[i]])
    if i == 1:
        m = 8 + ((a & 3) | ((b >> 1) & 0xC))
    else:
        m = (a & 3) | ((b >> 1) & 4)
    tb[F_MODE] = m
    tb[F_DIV] = CSDIV[i, b & 7]
    if MODE_KIND[m] <= CTC:
        _load(data, i, tb)


@inner
def _load(data, i, tb):
    """Copy the OCRxA / OCRxB buffer registers into the compare values in effect."""
    if i == 1:
        tb[F_OCA] = np.int64(data[OCRA[1]]) | (np.int64(data[OCRA[1] + 1]) << 8)
        tb[F_OCB] = np.int64(data[OCRB[1]]) | (np.int64(data[OCRB[1] + 1]) << 8)
    else:
        tb[F_OCA] = np.int64(data[OCRA[i]])
        tb[F_OCB] = np.int64(data[OCRB[i]])


@inner
def _sync(st, i, tb, c):
    """Bring the counter to cycle ``c`` (no interesting clock may lie in between)."""
    at = tb[F_AT]
    if c <= at:
        return
    n_div = tb[F_DIV]
    n = np.int64(0)
    if n_div > 0:
        b = st[PSR[i]]
        if b < NEVER:
            n = ((c - b) // n_div if c > b else 0) - ((at - b) // n_div if at > b else 0)
    elif n_div < 0:
        if tb[F_EXT1] <= c:
            n = 2
            tb[F_EXT0] = NEVER
            tb[F_EXT1] = NEVER
        elif tb[F_EXT0] <= c:
            n = 1
            tb[F_EXT0] = tb[F_EXT1]
            tb[F_EXT1] = NEVER
    if n > 0:
        tb[F_CNT] += n if tb[F_UP] else -n
        tb[F_BLOCKED] = 0
    tb[F_AT] = c


@inner
def _resched(st, i, tb):
    """Find the next interesting timer clock from the counter's state at F_AT."""
    n_div = tb[F_DIV]
    if n_div == 0:
        tb[F_NEXT] = NEVER
        return
    m = tb[F_MODE]
    top = MODE_TOP[m]
    if top == TOP_OCRA:
        top = tb[F_OCA]
    elif top == TOP_ICR:
        top = tb[F_ICR]
    v = tb[F_CNT]
    oca = tb[F_OCA]
    ocb = tb[F_OCB]
    if tb[F_UP]:
        best = MAXV[i]
        if v <= top < best:
            best = top
        if v <= oca < best:
            best = oca
        if v <= ocb < best:
            best = ocb
        if v == 0 and MODE_KIND[m] >= PC:
            best = 0
        k = best - v + 1
    else:
        best = np.int64(0)
        if best < oca <= v:
            best = oca
        if best < ocb <= v:
            best = ocb
        k = v - best + 1
    tb[F_TGT] = best
    if n_div < 0:
        tb[F_NEXT] = tb[F_EXT0]  # external clock: every tick is an event
        return
    b = st[PSR[i]]
    if b >= NEVER:
        tb[F_NEXT] = NEVER  # prescaler held in reset (GTCCR.TSM)
        return
    at = tb[F_AT]
    k0 = (at - b) // n_div if at > b else 0
    tb[F_NEXT] = min(b + n_div * (k0 + k), NEVER)


@inner
def _set_due(st):
    due = NEVER
    for i in range(3):
        b = BASE[i]
        due = min(due, st[b + F_NEXT], st[b + F_CAP_AT])
    st[G_DUE] = due
    return due


@inner
def _pins(data, st, i, tb, pinlog, cycle):
    """Give OCnA / OCnB their output compare values, or the pins back to the port."""
    a = np.int64(data[TCCRA[i]])
    m = tb[F_MODE]
    pwm = MODE_KIND[m] >= FAST
    conn = tb[F_CONN]
    for ch in range(2):
        com = (a >> (6 - 2 * ch)) & 3
        on = com != 0 and not (pwm and com == 1 and (ch == 1 or TOGGLE_A[m] == 0))
        if on or (conn >> ch) & 1:
            pins.set_override(
                data, st, pinlog, PIN_PORT[i, ch], PIN_BIT[i, ch], on, tb[F_OUTA + ch], cycle
            )
        conn = (conn | (1 << ch)) if on else (conn & ~(1 << ch))
    tb[F_CONN] = conn


@inner
def _event(data, st, i, tb):
    """Process timer ``i``'s next event (a capture or an interesting timer clock) in its block
    ``tb`` (the live one or a copy: this writes nothing else); return the TIFR bits it sets."""
    t = tb[F_NEXT]
    tc = tb[F_CAP_AT]
    m = tb[F_MODE]
    if tc < t:
        # ICP1 (after the noise canceler) changes level: input capture on the selected edge.
        _sync(st, i, tb, tc)
        tb[F_CAP_AT] = NEVER
        lvl = tb[F_CAP_LVL]
        if lvl == tb[F_FILT]:
            return np.int64(0)
        tb[F_FILT] = lvl
        if MODE_TOP[m] == TOP_ICR or lvl != (np.int64(data[TCCR1B]) >> 6) & 1:
            return np.int64(0)
        tb[F_ICR] = tb[F_CNT]
        tb[T_LAST_ICF] = tb[F_AT]
        return np.int64(ICF)

    u = tb[F_TGT]
    v = tb[F_CNT]
    if tb[F_DIV] < 0:
        if u != v:  # an external clock tick that is not interesting
            _sync(st, i, tb, t)
            _resched(st, i, tb)
            return np.int64(0)
        tb[F_EXT0] = tb[F_EXT1]
        tb[F_EXT1] = NEVER
    kind = MODE_KIND[m]
    maxv = MAXV[i]
    topsel = MODE_TOP[m]
    top = tb[F_OCA] if topsel == TOP_OCRA else (tb[F_ICR] if topsel == TOP_ICR else topsel)
    up = tb[F_UP]
    first = tb[F_BLOCKED] != 0 and u == v
    ma = u == tb[F_OCA] and not first
    mb = u == tb[F_OCB] and not first
    flags = np.int64(0)
    load = False  # OCRx double buffers loaded on this clock
    bottom = False  # fast PWM: the counter went to BOTTOM
    at_top = False  # phase correct: turned at TOP
    if kind == NORMAL:
        nv = (u + 1) & maxv
        if u == maxv:
            flags |= TOV
    elif kind == CTC:
        nv = 0 if u == top or u == maxv else u + 1
        if u == maxv:
            flags |= TOV
        if u == top and topsel == TOP_ICR:
            flags |= ICF
    elif kind == FAST:
        if u == top or u == maxv:
            nv = 0
            bottom = True
            load = True
            if u == top:
                flags |= TOV
                if topsel == TOP_ICR:
                    flags |= ICF
        else:
            nv = u + 1
    else:
        if up and u == top:
            nv = u - 1 if u > 0 else 0
            up = 0
            at_top = True
            load = kind == PC
            if topsel == TOP_ICR:
                flags |= ICF
        elif up and u == maxv:
            nv = 0
        elif u == 0:
            nv = 1 if top > 0 else 0
            up = 1
            flags |= TOV
            load = kind == PFC
        else:
            nv = u + 1 if up else u - 1
    if ma:
        flags |= OCFA
    if mb:
        flags |= OCFB
    if load:
        _load(data, i, tb)
        if topsel == TOP_OCRA:
            top = tb[F_OCA]
    a = np.int64(data[TCCRA[i]])
    for ch in range(2):
        com = (a >> (6 - 2 * ch)) & 3
        if com == 0:
            continue
        match = ma if ch == 0 else mb
        out = tb[F_OUTA + ch]
        if kind <= CTC:
            if match:
                out = out ^ 1 if com == 1 else com - 2
        elif com == 1:
            if match and ch == 0 and TOGGLE_A[m]:
                out ^= 1
        elif kind == FAST:
            if match:
                out = com - 2  # clear (COM 2) / set (COM 3) on compare match ...
            if bottom:
                out = 3 - com  # ... set / clear at BOTTOM
        else:
            # Phase correct: clear on the up-counting match, set on the down-counting one
            # (COMnx = 2; inverted for 3); at TOP, the result of an up-counting match unless
            # OCRx = TOP.
            if match:
                out = (1 - up) if com == 2 else up
            if at_top:
                same = 1 if tb[F_OCA + ch] == top else 0
                out = same if com == 2 else 1 - same
        tb[F_OUTA + ch] = out
    for k in range(4):
        if flags & FLAG_BITS[k]:
            tb[T_LAST_TOV + k] = t
    tb[F_CNT] = nv
    tb[F_UP] = up
    tb[F_AT] = t
    tb[F_BLOCKED] = 0
    _resched(st, i, tb)
    return flags


@inner
def _run(data, st, until, pinlog, cap):
    """Process every event due at or before ``until``, in time order across the timers.
    Stops early when the pin log reaches ``cap`` entries. Returns the next due cycle."""
    while st[S_PIN_N] < cap:
        best = NEVER
        bi = np.int64(-1)
        for i in range(3):
            b = BASE[i]
            d = min(st[b + F_NEXT], st[b + F_CAP_AT])
            if d < best:
                best = d
                bi = i
        if bi < 0 or best > until:
            break
        b = BASE[bi]
        tb = st[b : b + BLOCK]
        f = _event(data, st, bi, tb)
        if f:
            raise_flags(data, st, TIFR[bi], f, tb[F_AT])
            if f & ICF:
                data[ICR1L] = tb[F_ICR] & 0xFF
                data[ICR1H] = tb[F_ICR] >> 8
        _pins(data, st, bi, tb, pinlog, tb[F_AT])
    return _set_due(st)


@inner
def timers_reset(data, st, cycle):
    """Reset values of the registers and of this module's state block at ``cycle``."""
    for i in range(3):
        b = BASE[i]
        for k in range(BLOCK):
            st[b + k] = 0
        st[b + F_UP] = 1
        st[b + F_AT] = cycle
        for k in TIMES:
            st[b + k] = NEVER
        for k in range(T_LAST_TOV, T_LAST_ICF + 1):
            st[b + k] = -1
        for ch in range(2):
            # Release the output compare pins (the dispatcher refreshes the ports next).
            st[S_OVR_MASK + PIN_PORT[i, ch]] &= ~(np.int64(1) << PIN_BIT[i, ch])
        if i == 1:
            st[b + F_MODE] = 8
    st[S_TIMER1 + F_FILT] = st[S_LEVELS] & 1  # ICP1 is PB0: its level as the edge detector sees it
    st[S_PSR10_BASE] = cycle
    st[S_PSR2_BASE] = cycle
    st[G_DUE] = NEVER
    st[G_STOP] = NEVER


@inner
def timers_read(data, st, addr, cycle):
    """Value read by the CPU at I/O data address ``addr`` (an instruction completing at ``cycle``)."""
    if addr == GTCCR:
        return np.int64(data[addr])
    i = np.int64(OWNER[addr]) - OWN_TIMER0
    if addr == TCNT[i] or addr == TIFR[i] or addr == ICR1L:
        # The block as of ``cycle``: the live one brought there if no event is due by then,
        # else a dry run on a copy (the events are processed for real by timers_update).
        b = BASE[i]
        tb = st[b : b + BLOCK]
        flags = np.int64(0)
        if min(tb[F_NEXT], tb[F_CAP_AT]) <= cycle:
            tb = tb.copy()
            while min(tb[F_NEXT], tb[F_CAP_AT]) <= cycle:
                flags |= _event(data, st, i, tb)
        _sync(st, i, tb, cycle)
        if addr == TIFR[i]:
            return np.int64(data[addr]) | flags
        v = tb[F_ICR] if addr == ICR1L else tb[F_CNT]
        if i == 1:
            st[S_TIMER1 + F_TEMP] = v >> 8  # reading the low byte latches the high byte
        return v & 0xFF
    if addr == TCNT1H or addr == ICR1H:
        return st[S_TIMER1 + F_TEMP]
    return np.int64(data[addr])


@inner
def timers_write(data, st, addr, value, cycle, pinlog, uartlog):
    """CPU write; True if interrupt requests or the schedule may have changed."""
    if st[G_DUE] <= cycle:
        _run(data, st, cycle, pinlog, pinlog.shape[0] - 2)
    if addr == GTCCR:
        for i in range(3):
            b = BASE[i]
            _sync(st, i, st[b : b + BLOCK], cycle)
        old = np.int64(data[GTCCR])
        tsm = value & 0x80
        for bit in range(2):
            idx = S_PSR10_BASE if bit == 0 else S_PSR2_BASE
            if tsm and (value >> bit) & 1:
                st[idx] = NEVER  # held in reset until TSM is cleared
            elif (value >> bit) & 1 or ((old & 0x80) and (old >> bit) & 1):
                st[idx] = cycle
        data[GTCCR] = value & 0x83 if tsm else 0
        for i in range(3):
            b = BASE[i]
            _resched(st, i, st[b : b + BLOCK])
        schedule(st, _set_due(st))
        return True
    i = np.int64(OWNER[addr]) - OWN_TIMER0
    b = BASE[i]
    tb = st[b : b + BLOCK]
    _sync(st, i, tb, cycle)
    if addr == TIFR[i]:
        data[addr] = w1c(data, addr, value)
        return True
    if addr == TIMSK[i]:
        data[addr] = value & TIMSK_MASK[i]
        return True
    if addr == TCCRA[i] or addr == TCCRB[i] or addr == TCCR1C:
        foc = 0
        if addr == TCCRA[i]:
            data[addr] = value & 0xF3
        elif addr == TCCR1C:
            foc = value
        else:
            if i != 1:
                foc = value
            if (np.int64(data[addr]) ^ value) & 7:
                tb[F_EXT0] = NEVER  # another clock source: pending external ticks are void
                tb[F_EXT1] = NEVER
            data[addr] = value & (0xDF if i == 1 else 0x0F)
        _config(data, i, tb)
        if MODE_KIND[tb[F_MODE]] <= CTC:
            # FOCnA / FOCnB (bits 7 / 6): a forced compare match on the output only, in
            # non-PWM modes (no flag, no CTC clear).
            a = np.int64(data[TCCRA[i]])
            for ch in range(2):
                if (foc >> (7 - ch)) & 1:
                    com = (a >> (6 - 2 * ch)) & 3
                    if com == 1:
                        tb[F_OUTA + ch] ^= 1
                    elif com >= 2:
                        tb[F_OUTA + ch] = com - 2
        _pins(data, st, i, tb, pinlog, cycle)
    elif i == 1 and (addr & 1) == 1:
        st[S_TIMER1 + F_TEMP] = value  # high byte of a 16-bit register: into TEMP
        return False
    elif addr == TCNT[i]:
        if i == 1:
            value |= st[S_TIMER1 + F_TEMP] << 8
        tb[F_CNT] = value
        tb[F_BLOCKED] = 1
    elif addr == OCRA[i] or addr == OCRB[i]:
        data[addr] = value
        if i == 1:
            data[addr + 1] = st[S_TIMER1 + F_TEMP]
        if MODE_KIND[tb[F_MODE]] <= CTC:
            _load(data, i, tb)
    elif addr == ICR1L:
        # ICR1 can be written only in modes that use it as TOP (datasheet 16.11.7).
        if MODE_TOP[tb[F_MODE]] == TOP_ICR:
            v = value | (st[S_TIMER1 + F_TEMP] << 8)
            tb[F_ICR] = v
            data[ICR1L] = value
            data[ICR1H] = v >> 8
    else:  # ASSR: asynchronous operation is not modelled, the busy flags read 0
        data[addr] = value & 0x60
        return False
    _resched(st, i, tb)
    schedule(st, _set_due(st))
    return True


@inner
def timers_update(data, st, cycle, pinlog, uartlog):
    """Process everything due at or before ``cycle``; return the next due cycle (or NEVER)."""
    if cycle < st[G_DUE]:
        return st[G_DUE]
    stop = st[G_STOP]
    due = _run(data, st, min(cycle, stop), pinlog, pinlog.shape[0] - pins.LOG_MARGIN)
    if stop >= NEVER or due <= stop:
        return due
    # The I/O clock is stopped: bring the counters to the stop and wait for timers_clock.
    for i in range(3):
        b = BASE[i]
        _sync(st, i, st[b : b + BLOCK], stop)
    st[G_DUE] = NEVER
    return NEVER


@inner
def timers_pin_change(data, st, port, old, new, cycle):
    """Pins changed: ICP1 (PB0) input capture, T0 (PD4) / T1 (PD5) external clocks."""
    if st[G_STOP] < NEVER:
        return  # the edge detectors need the I/O clock
    changed = old ^ new
    if port == 0 and changed & 1:
        b = S_TIMER1
        lvl = new & 1
        if np.int64(data[TCCR1B]) & 0x80:
            # Noise canceler: the level must hold for four samples.
            if lvl != st[b + F_FILT]:
                st[b + F_CAP_AT] = max(cycle + ICNC_DELAY, st[b + F_AT])
                st[b + F_CAP_LVL] = lvl
            else:
                st[b + F_CAP_AT] = NEVER
        else:
            st[b + F_CAP_AT] = max(cycle, st[b + F_AT])
            st[b + F_CAP_LVL] = lvl
    if port == 2 and changed & 0x30:
        for i in range(2):
            bit = 4 + i
            b = BASE[i]
            n_div = st[b + F_DIV]
            if n_div < 0 and (changed >> bit) & 1 and ((new >> bit) & 1) == (n_div == -2):
                t = max(cycle + EXT_DELAY, st[b + F_AT] + 1)
                if st[b + F_EXT0] >= NEVER:
                    st[b + F_EXT0] = t
                elif st[b + F_EXT1] >= NEVER:
                    st[b + F_EXT1] = max(t, st[b + F_EXT0] + 1)
                _resched(st, i, st[b : b + BLOCK])
    _set_due(st)


@inner
def timers_clock(data, st, cycle, running):
    """The I/O clock stops (sleep other than idle) or starts again at ``cycle``.

    Stopped, the timers and their prescalers keep their state: on restart every time base
    (counter cycle, pending events, prescaler phases) moves on by the time spent stopped.
    """
    if not running:
        st[G_STOP] = cycle
        st[G_DUE] = min(st[G_DUE], cycle)
        schedule(st, cycle)
        return
    stop = st[G_STOP]
    if stop >= NEVER:
        return
    delta = cycle - stop
    st[G_STOP] = NEVER
    for i in range(3):
        b = BASE[i]
        tb = st[b : b + BLOCK]
        if min(tb[F_NEXT], tb[F_CAP_AT]) > stop:
            _sync(st, i, tb, stop)
        if tb[F_AT] == stop:
            tb[F_AT] = cycle
        for f in TIMES:
            if stop < tb[f] < NEVER:
                tb[f] = min(tb[f] + delta, NEVER)
        if i != 1 and st[PSR[i]] < NEVER:
            st[PSR[i]] += delta  # the prescalers (Timer0's is Timer1's too)
    schedule(st, _set_due(st))
