"""The analog-to-digital converter (datasheet 24).

Input and reference (ADMUX): MUX3:0 0-7 = ADC0-7 (A0-A5 on the Uno; ADC6/7 do not reach the
DIP package's pins and read what ``st`` holds, 0 V by default), 8 = temperature sensor
(314 mV at 25 C, 1 mV per degree, 24.8), 14 = the 1.1 V bandgap, 15 = GND, 9-13 (reserved)
read 0 V. REFS1:0: 00 the AREF pin, 01 AVcc, 11 the internal 1.1 V, 10 (reserved) AREF.
Result = floor(Vin * 1024 / Vref), clamped to 0..1023 (24.7). Voltages are microvolts in
``st`` (``Mcu.set_analog`` and friends).

Timing, in CPU cycles (24.4, 24.5, figures 24-4 to 24-6, table 24-1):
- The ADC prescaler starts counting when ADEN is set and keeps running while ADEN = 1: the
  ADC clock has its rising edges at ``base + k * div`` (k >= 1), ``base`` the cycle ADEN was
  set, ``div`` = 2, 2, 4, 8, 16, 32, 64, 128 from ADPS2:0.
- Writing ADSC = 1 starts a conversion at the first ADC clock edge after the write. It takes
  13 ADC clocks (the first after ADEN: 25); the sample-and-hold happens 1.5 clocks after the
  start (13.5 for the first): the input voltage and reference are sampled at that cycle.
  MUX and REFS are latched when the conversion starts.
- At the end: ADCH/ADCL get the result (unless locked, below), ADIF is set, ADSC clears.
- Auto trigger (ADATE = 1, ADCSRB.ADTS2:0): 0 free running, a new conversion starts the cycle
  the previous one ends (so one every 13 ADC clocks, ADSC stays 1); 1-7 a conversion starts
  on a rising edge of the trigger flag (1 ACI, 2 INTF0, 3 OCF0A, 4 TOV0, 5 OCF1B, 6 TOV1,
  7 ICF1): the prescaler is reset at the trigger, sample-and-hold 2 ADC clocks later and the
  end 13.5 ADC clocks after the trigger (table 24-1). A trigger during a conversion is ignored.
  The timers' flag cycles are read from their blocks (``T_LAST_*`` stamps): each new stamp is
  a rising edge, so the datasheet's "clear the flag before the next trigger" rule holds as far
  as the timers module stamps only 0 -> 1 transitions. INT0's is recognised from the pin
  change that sets INTF0; the comparator's from ACI rising (exact). Switching ADTS from a
  source whose flag is clear to one whose flag is set triggers a conversion (24.9.4).
- Entering ADC noise reduction sleep with ADEN = 1 starts a conversion (24.6) at the next ADC
  clock edge (``adc_sleep``, called by the dispatcher at SLEEP).
- Clearing ADEN aborts a conversion. The ADC clock is not stopped in the deeper sleep modes
  (the datasheet advises clearing ADEN first), and PRR.PRADC is not modelled.

ADCL/ADCH (24.9.3): reading ADCL locks both until ADCH is read; a conversion that ends
meanwhile loses its result (ADIF is still set). ADLAR changes the presentation at once.
"""

from __future__ import annotations

import numpy as np

from .acomp import AC_ACI_AT, acomp_eval
from .common import FALSE, NEVER, TRUE, raise_flags, schedule
from .jit import inner
from .regs import (
    ACSR,
    ADCH,
    ADCL,
    ADCSRA,
    ADCSRB,
    ADMUX,
    EICRA,
    EIFR,
    S_ADC,
    S_ANALOG,
    S_AREF_UV,
    S_AVCC_UV,
    S_LEVELS,
    S_LEVELS_AT,
    S_LEVELS_PREV,
    S_TEMP_MC,
    S_TIMER0,
    S_TIMER1,
    T_LAST_ICF,
    T_LAST_OCFA,
    T_LAST_OCFB,
    T_LAST_TOV,
    TIFR0,
    TIFR1,
)

# Fields of the ADC's block in ``st``
A_NEXT = S_ADC + 0  # next cycle something is due (NEVER: idle)
A_BASE = S_ADC + 1  # cycle the ADC prescaler started (ADEN set, or reset by a trigger)
A_FIRST = S_ADC + 2  # 1: the next conversion is the first since ADEN was set (25 clocks)
A_PHASE = S_ADC + 3  # 0 idle, 1 waiting for the start edge, 2 before S/H, 3 before the end
A_START = S_ADC + 4  # start cycle of the pending/ongoing conversion
A_SH = S_ADC + 5  # its sample-and-hold cycle
A_END = S_ADC + 6  # its end cycle
A_MUX = S_ADC + 7  # MUX3:0 latched at the start
A_REFS = S_ADC + 8  # REFS1:0 latched at the start
A_SAMPLE = S_ADC + 9  # result of the sample taken at S/H
A_RESULT = S_ADC + 10  # the 10-bit value in ADCH:ADCL
A_LOCK = S_ADC + 11  # 1: ADCL was read, the data registers wait for ADCH to be read
A_SRC = S_ADC + 12  # auto-trigger source watched (1-7), or -1
A_SEEN = S_ADC + 13  # the watched source's stamp already acted on

ADEN, ADSC, ADATE, ADIF = 0x80, 0x40, 0x20, 0x10
DIV = np.array([2, 2, 4, 8, 16, 32, 64, 128], dtype=np.int64)
BANDGAP_UV = 1_100_000
TEMP_UV_25C = 314_000  # 24.8: 314 mV at 25 C, about 1 mV per degree
# Trigger sources 0-7: the flag whose rising edge starts a conversion (0: ADIF) ...
TRIG_ADDR = np.array([ADCSRA, ACSR, EIFR, TIFR0, TIFR0, TIFR1, TIFR1, TIFR1], dtype=np.int64)
TRIG_BIT = np.array([4, 4, 0, 1, 0, 2, 0, 5], dtype=np.int64)
# ... and the st index of the cycle stamp of its last rising edge (0: none)
TRIG_STAMP = np.array(
    [
        0,
        AC_ACI_AT,
        S_LEVELS_AT + 2,
        S_TIMER0 + T_LAST_OCFA,
        S_TIMER0 + T_LAST_TOV,
        S_TIMER1 + T_LAST_OCFB,
        S_TIMER1 + T_LAST_TOV,
        S_TIMER1 + T_LAST_ICF,
    ],
    dtype=np.int64,
)


@inner
def _convert(st, mux, refs):
    """The 10-bit result for input ``mux`` against reference ``refs``, from st's voltages."""
    if mux < 8:
        vin = st[S_ANALOG + mux]
    elif mux == 8:
        vin = TEMP_UV_25C + (st[S_TEMP_MC] - 25_000)
    elif mux == 14:
        vin = np.int64(BANDGAP_UV)
    else:
        vin = np.int64(0)
    if refs == 1:
        vref = st[S_AVCC_UV]
    elif refs == 3:
        vref = np.int64(BANDGAP_UV)
    else:
        vref = st[S_AREF_UV]
    if vin <= 0:
        return np.int64(0)
    if vref <= 0:
        return np.int64(1023)
    return min(vin * 1024 // vref, np.int64(1023))


@inner
def _show(data, st):
    """ADCH:ADCL from the result and ADLAR."""
    r = st[A_RESULT]
    if np.int64(data[ADMUX]) & 0x20:
        data[ADCH] = r >> 2
        data[ADCL] = (r & 3) << 6
    else:
        data[ADCH] = r >> 8
        data[ADCL] = r & 0xFF


@inner
def _begin(data, st, s, auto):
    """A conversion starts at cycle ``s`` (``auto``: started by an auto-trigger event)."""
    half = DIV[np.int64(data[ADCSRA]) & 7] >> 1  # half an ADC clock, in CPU cycles
    sh = 4 if auto else 3
    end = 27 if auto else 26
    if st[A_FIRST]:
        st[A_FIRST] = 0
        sh += 24
        end += 24
    mux = np.int64(data[ADMUX])
    st[A_MUX] = mux & 0x0F
    st[A_REFS] = mux >> 6
    st[A_START] = s
    st[A_SH] = s + sh * half
    st[A_END] = s + end * half
    st[A_PHASE] = 2
    data[ADCSRA] = np.int64(data[ADCSRA]) | ADSC


@inner
def _complete(data, st, e):
    if st[A_LOCK] == 0:
        st[A_RESULT] = st[A_SAMPLE]
        _show(data, st)
    raise_flags(data, st, ADCSRA, ADIF, e)
    adcsra = np.int64(data[ADCSRA])
    if adcsra & (ADEN | ADATE) == ADEN | ADATE and np.int64(data[ADCSRB]) & 7 == 0:
        _begin(data, st, e, FALSE)  # free running: the next one starts at once
    else:
        st[A_PHASE] = 0
        data[ADCSRA] = adcsra & ~ADSC


@inner
def _run(data, st, cycle):
    """Process the conversion's events due at or before ``cycle``, in time order."""
    while True:
        ph = st[A_PHASE]
        if ph == 1:
            if st[A_START] > cycle:
                break
            _begin(data, st, st[A_START], FALSE)
        elif ph == 2:
            if st[A_SH] > cycle:
                break
            st[A_SAMPLE] = _convert(st, st[A_MUX], st[A_REFS])
            st[A_PHASE] = 3
        elif ph == 3:
            if st[A_END] > cycle:
                break
            _complete(data, st, st[A_END])
        else:
            break
    ph = st[A_PHASE]
    if ph == 1:
        st[A_NEXT] = st[A_START]
    elif ph == 2:
        st[A_NEXT] = st[A_SH]
    elif ph == 3:
        st[A_NEXT] = st[A_END]
    else:
        st[A_NEXT] = NEVER


@inner
def _start_at_edge(data, st, cycle):
    """ADSC (or sleep): start at the first ADC clock edge after ``cycle``."""
    div = DIV[np.int64(data[ADCSRA]) & 7]
    base = st[A_BASE]
    st[A_START] = base + ((cycle - base) // div + 1) * div
    st[A_PHASE] = 1
    data[ADCSRA] = np.int64(data[ADCSRA]) | ADSC


@inner
def _trigger(data, st, t):
    """An auto-trigger event at cycle ``t``: start a conversion unless one is running."""
    if st[A_PHASE] == 0 and np.int64(data[ADCSRA]) & (ADEN | ADATE) == ADEN | ADATE:
        st[A_BASE] = t  # the trigger resets the ADC prescaler
        _begin(data, st, t, TRUE)


@inner
def _flag(data, src):
    return (np.int64(data[TRIG_ADDR[src]]) >> TRIG_BIT[src]) & 1


@inner
def _watch(data, st):
    """Follow the trigger source ADCSRA/ADCSRB select now; old events do not count."""
    src = np.int64(-1)
    if np.int64(data[ADCSRA]) & (ADEN | ADATE) == ADEN | ADATE:
        src = np.int64(data[ADCSRB]) & 7
        if src == 0:
            src = -1
    if src != st[A_SRC]:
        st[A_SRC] = src
        if src > 0:
            st[A_SEEN] = st[TRIG_STAMP[src]]


@inner
def _check_trigger(data, st, cycle):
    src = st[A_SRC]
    t = st[TRIG_STAMP[src]]
    if t == st[A_SEEN]:
        return
    st[A_SEEN] = t
    if src == 2:
        # A port D change: did INT0 (PD2) change in the way that sets INTF0 (EICRA)?
        new = st[S_LEVELS + 2]
        if ((st[S_LEVELS_PREV + 2] ^ new) >> 2) & 1 == 0 or np.int64(data[EIFR]) & 1 == 0:
            return
        mode = np.int64(data[EICRA]) & 3
        level = (new >> 2) & 1
        if not (mode == 1 or (mode == 2 and level == 0) or (mode == 3 and level == 1)):
            return
    if t > cycle:
        t = cycle
    _run(data, st, t)
    _trigger(data, st, t)


@inner
def adc_reset(data, st, cycle):
    for i in range(32):
        st[S_ADC + i] = 0
    st[A_NEXT] = NEVER
    st[A_SRC] = -1


@inner
def adc_read(data, st, addr, cycle):
    _run(data, st, cycle)
    if addr == ADCL:
        st[A_LOCK] = 1
    elif addr == ADCH:
        st[A_LOCK] = 0
    return np.int64(data[addr])


@inner
def adc_write(data, st, addr, value, cycle, pinlog, uartlog):
    _run(data, st, cycle)
    if addr == ADCSRA:
        old = np.int64(data[ADCSRA])
        # ADIF is cleared by writing one; ADSC cannot be cleared by writing zero.
        data[ADCSRA] = (value & ~(ADSC | ADIF)) | (old & (ADSC | (ADIF & ~value)))
        if value & ADEN:
            if old & ADEN == 0:
                st[A_BASE] = cycle  # the prescaler starts counting
                st[A_FIRST] = 1
            if value & ADSC and st[A_PHASE] == 0:
                _start_at_edge(data, st, cycle)
        else:
            st[A_PHASE] = 0  # ADEN = 0 ends any conversion
            st[A_FIRST] = 0
            data[ADCSRA] = np.int64(data[ADCSRA]) & ~ADSC
        _watch(data, st)
    elif addr == ADCSRB:
        old_src = np.int64(data[ADCSRB]) & 7
        data[ADCSRB] = value & 0x47
        src = value & 7
        if src != 0 and src != old_src and _flag(data, old_src) == 0 and _flag(data, src):
            _trigger(data, st, cycle)  # 24.9.4: switching to a set flag is a rising edge
        _watch(data, st)
    elif addr == ADMUX:
        data[ADMUX] = value & 0xEF
        _show(data, st)
    elif addr == ADCL or addr == ADCH:
        return False  # read-only
    else:
        data[addr] = value  # DIDR0, DIDR1
        return False
    _run(data, st, cycle)
    if acomp_eval(data, st, cycle):  # ACME/ADEN/MUX may switch the comparator's input
        schedule(st, cycle)
    schedule(st, st[A_NEXT])
    return True


@inner
def adc_update(data, st, cycle, pinlog, uartlog):
    if st[A_SRC] > 0:
        _check_trigger(data, st, cycle)
    elif cycle < st[A_NEXT]:
        return st[A_NEXT]
    _run(data, st, cycle)
    return st[A_NEXT]


@inner
def adc_sleep(data, st, cycle):
    """The CPU enters ADC noise reduction sleep: with ADEN set, a conversion starts (24.6)."""
    _run(data, st, cycle)
    if np.int64(data[ADCSRA]) & ADEN and st[A_PHASE] == 0:
        _start_at_edge(data, st, cycle)
        _run(data, st, cycle)
        schedule(st, st[A_NEXT])
