"""The analog comparator (datasheet 23).

The comparator compares the positive input (AIN0 = PD6, or the 1.1 V bandgap when ACSR.ACBG
is set) with the negative input (AIN1 = PD7, or with ADCSRB.ACME = 1 and ADCSRA.ADEN = 0 the
ADC channel that ADMUX.MUX2:0 selects, table 23-1). ACO = 1 while V+ > V-. An output change
that matches ACIS1:0 (00 toggle, 10 falling, 11 rising; 01 reserved: none) sets ACI
(interrupt vector 23 ANALOG_COMP with ACIE; cleared on vector entry or by writing one).
ACD = 1 switches the comparator off: ACO then reads 0 (so setting or clearing ACD can itself
raise ACI, as the datasheet warns in 23.3.1).

Inputs change only from outside (``Mcu.set_analog`` / ``set_comparator_input``, which set
``S_ANALOG_DIRTY`` and ``S_ANALOG_AT``) or when ACSR, ADCSRB, ADMUX or ADEN change; the
output is re-evaluated then, and the change is stamped at that cycle (the 1-2 cycle
synchroniser delay of ACO is not modelled). ``AC_ACI_AT`` keeps the cycle at which ACI last
rose (the ADC's auto-trigger source 1) and ``AC_EDGE_AT`` the cycle of the last output change.
Timer1's input capture from the comparator (ACSR.ACIC) belongs to the timers module.
"""

from __future__ import annotations

import numpy as np

from .common import NEVER, raise_flags, schedule
from .jit import inner
from .regs import (
    ACSR,
    ADCSRA,
    ADCSRB,
    ADMUX,
    S_ACOMP,
    S_AIN0_UV,
    S_AIN1_UV,
    S_ANALOG,
    S_ANALOG_AT,
    S_ANALOG_DIRTY,
)

# Fields of the comparator's block in ``st``
AC_OUT = S_ACOMP + 0  # present output (ACO)
AC_EDGE_AT = S_ACOMP + 1  # cycle of the last output change
AC_ACI_AT = S_ACOMP + 2  # cycle at which ACI last went from 0 to 1
BANDGAP_UV = 1_100_000

ACD, ACBG, ACO, ACI = 0x80, 0x40, 0x20, 0x10


@inner
def acomp_output(data, st):
    """The comparator's output for the present inputs and register settings."""
    acsr = np.int64(data[ACSR])
    if acsr & ACD:
        return np.int64(0)
    vp = np.int64(BANDGAP_UV) if acsr & ACBG else st[S_AIN0_UV]
    if (np.int64(data[ADCSRB]) & 0x40) and (np.int64(data[ADCSRA]) & 0x80) == 0:
        vm = st[S_ANALOG + (np.int64(data[ADMUX]) & 7)]
    else:
        vm = st[S_AIN1_UV]
    return np.int64(1) if vp > vm else np.int64(0)


@inner
def acomp_eval(data, st, cycle):
    """Re-evaluate the output at ``cycle``; set ACO, and ACI on a matching edge.

    Returns True when ACI went from 0 to 1 (an ADC auto-trigger event, source 1)."""
    out = acomp_output(data, st)
    acsr = np.int64(data[ACSR])
    rose = False
    if out != st[AC_OUT]:
        st[AC_OUT] = out
        st[AC_EDGE_AT] = cycle
        mode = acsr & 3
        if mode == 0 or (mode == 2 and out == 0) or (mode == 3 and out == 1):
            if acsr & ACI == 0:
                rose = True
                st[AC_ACI_AT] = cycle
            data[ACSR] = acsr & ~ACO
            raise_flags(data, st, ACSR, ACI, cycle)
            acsr |= ACI
    data[ACSR] = (acsr & ~ACO) | (out << 5)
    return rose


@inner
def acomp_reset(data, st, cycle):
    """ACSR = 0 except ACO, which shows the comparator's output at once (no ACI)."""
    st[AC_OUT] = acomp_output(data, st)
    st[AC_EDGE_AT] = cycle
    st[AC_ACI_AT] = -1
    data[ACSR] = st[AC_OUT] << 5


@inner
def _catch_up(data, st):
    """Apply an analog input change made from outside, at the cycle it was made."""
    if st[S_ANALOG_DIRTY]:
        st[S_ANALOG_DIRTY] = 0
        return acomp_eval(data, st, st[S_ANALOG_AT])
    return False


@inner
def acomp_read(data, st, addr, cycle):
    _catch_up(data, st)
    return np.int64(data[addr])


@inner
def acomp_write(data, st, addr, value, cycle, pinlog, uartlog):
    rose = _catch_up(data, st)
    old = np.int64(data[ACSR])
    # ACO is read-only; ACI is cleared by writing one (23.3.1).
    data[ACSR] = (value & ~(ACO | ACI)) | (old & ACO) | (old & ACI & ~value)
    if acomp_eval(data, st, cycle) or rose:
        schedule(st, cycle)  # the ADC may trigger on ACI: let it look
    return True


@inner
def acomp_update(data, st, cycle, pinlog, uartlog):
    if _catch_up(data, st):
        # ACI rose: if the ADC triggers on it, let the ADC see the stamp at the next look.
        adcsra = np.int64(data[ADCSRA])
        if adcsra & 0xA0 == 0xA0 and np.int64(data[ADCSRB]) & 7 == 1:
            return cycle
    return NEVER
