"""The ADC (datasheet 24), the analog comparator (23), the analog input API and ``--analog``.

Programs come from ``analog_prog.build``: register writes and NOPs at known cycles, so a flag
raised at cycle c is visible after ``run(c)`` and not after ``run(c - 1)``. The ADC clock's
rising edges are at ``base + k * div`` (k >= 1), ``base`` = the cycle ADEN was set.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from analog_prog import build, entries, flag_rises_at
from conftest import firmware_path

from breadboard.avr.regs import (
    ACSR,
    ADCH,
    ADCL,
    ADCSRA,
    ADCSRB,
    ADMUX,
    EICRA,
    S_AIN0_UV,
    S_AIN1_UV,
    S_ANALOG,
    S_AREF_UV,
    S_TIMER0,
    SMCR,
    T_LAST_TOV,
    TCCR0B,
    TIFR0,
)
from breadboard.cli import main
from breadboard.sim import Simulation

ADEN, ADSC, ADATE, ADIF, ADIE = 0x80, 0x40, 0x20, 0x10, 0x08
REFS_AREF, REFS_AVCC, REFS_1V1 = 0x00, 0x40, 0xC0
ADLAR = 0x20
ACO, ACI, ACIE, ACBG, ACD = 0x20, 0x10, 0x08, 0x40, 0x80
ACME = 0x40
ADC_VECTOR, ACOMP_VECTOR = 21, 23
DIV = [2, 2, 4, 8, 16, 32, 64, 128]
PORT_D = 2


def adc_value(m) -> int:
    return m.read(ADCL) | (m.read(ADCH) << 8)


def next_edge(base: int, cycle: int, div: int) -> int:
    """First ADC clock rising edge after ``cycle``."""
    return base + ((cycle - base) // div + 1) * div


def convert_once(admux: int, setup=None, cycles: int = 200):
    """One conversion with the ADC clock at clk/4; returns the chip after it."""
    m, _ = build([(ADMUX, admux), (ADCSRA, ADEN | ADSC | 2)])
    if setup:
        setup(m)
    m.run(cycles)
    assert m.read(ADCSRA) & (ADIF | ADSC) == ADIF
    return m


# ---- conversion timing (24.4, 24.5, figures 24-4 and 24-5, table 24-1) --------------------


@pytest.mark.parametrize("adps", [0, 1, 2, 5, 7])
def test_adsc_starts_on_next_adc_clock_edge_first_25_clocks_then_13(adps):
    """24.4/24.5: the prescaler counts from ADEN; ADSC starts a conversion at the next rising
    edge of the ADC clock (clk/2..128 from ADPS2:0); the first conversion after ADEN takes 25
    ADC clocks, a normal one 13; at the end ADIF is set and ADSC cleared."""
    div = DIV[adps]
    gap = 26 * div + 5  # NOPs: the second ADSC comes after the first conversion ended
    m, ends = build(
        [
            (ADMUX, REFS_AVCC),
            (ADCSRA, ADEN | adps),
            (ADCSRA, ADEN | ADSC | adps),
            gap,
            (ADCSRA, ADEN | ADSC | ADIF | adps),  # clear ADIF (write one), start again
        ]
    )
    m.set_analog(0, 2.5)
    base = ends[1]
    end1 = next_edge(base, ends[2], div) + 25 * div
    m.run(ends[2])
    assert m.read(ADCSRA) & ADSC, "ADSC reads one while a conversion is pending"
    assert flag_rises_at(m, ADCSRA, ADIF, end1)
    assert not m.read(ADCSRA) & ADSC, "ADSC clears at the end of a single conversion"
    assert adc_value(m) == 512
    end2 = next_edge(base, ends[4], div) + 13 * div
    m.run(ends[4])
    assert m.read(ADCSRA) & (ADSC | ADIF) == ADSC
    assert flag_rises_at(m, ADCSRA, ADIF, end2)
    assert not m.read(ADCSRA) & ADSC


def test_arduino_prescaler_128_conversion_is_1664_cycles():
    """24.4 with the Arduino core's setting (ADPS = 111, clk/128 = 125 kHz): a conversion is
    13 * 128 = 1664 cycles = 104 us; the first after ADEN 25 * 128 = 3200 cycles."""
    m, ends = build(
        [
            (ADMUX, REFS_AVCC),
            (ADCSRA, ADEN | 7),
            (ADCSRA, ADEN | ADSC | 7),
            3400,
            (ADCSRA, ADEN | ADSC | ADIF | 7),
        ]
    )
    base = ends[1]
    assert flag_rises_at(m, ADCSRA, ADIF, next_edge(base, ends[2], 128) + 3200)
    assert flag_rises_at(m, ADCSRA, ADIF, next_edge(base, ends[4], 128) + 1664)


def test_writing_adsc_and_aden_together_starts_the_first_conversion():
    """24.9.2: ADSC may be written in the same write that sets ADEN; the 25-clock first
    conversion then starts one ADC clock after ADEN."""
    m, ends = build([(ADMUX, REFS_AVCC), (ADCSRA, ADEN | ADSC | 3)])
    assert flag_rises_at(m, ADCSRA, ADIF, ends[1] + 8 + 25 * 8)


@pytest.mark.parametrize("at_sh", [False, True])
def test_input_is_sampled_at_sample_and_hold(at_sh):
    """24.4 / figure 24-4: the sample-and-hold happens 13.5 ADC clocks after the start of the
    first conversion: a voltage change before that cycle is converted, one at it is not."""
    m, ends = build([(ADMUX, REFS_AVCC), (ADCSRA, ADEN | ADSC | 7)])
    start = ends[1] + 128
    sh, end = start + 1728, start + 3200
    m.set_analog(0, 1.0)
    m.run(sh if at_sh else sh - 1)
    m.set_analog(0, 4.0)
    m.run(end)
    assert adc_value(m) == (204 if at_sh else 819)  # floor(1.0 or 4.0 * 1024 / 5)


def test_clearing_aden_aborts_the_conversion():
    """24.9.2: writing ADEN to zero turns the ADC off and terminates a conversion in progress:
    ADSC clears and no result or ADIF comes."""
    m, ends = build([(ADMUX, REFS_AVCC), (ADCSRA, ADEN | ADSC | 2), 30, (ADCSRA, 2)])
    m.set_analog(0, 2.5)
    m.run(ends[3])
    assert m.read(ADCSRA) == 2
    m.run(ends[1] + 4 + 25 * 4 + 20)
    assert m.read(ADCSRA) == 2
    assert adc_value(m) == 0


# ---- the result (24.7) and the input/reference selection (24.9.1, table 24-3/24-4) ------


@pytest.mark.parametrize(
    "refs, vin, vref, expected",
    [
        (REFS_AVCC, 2.5, 5.0, 512),
        (REFS_AVCC, 1.0, 5.0, 204),  # 204.8
        (REFS_AVCC, 0.0049, 5.0, 1),
        (REFS_AVCC, 4.999, 5.0, 1023),
        (REFS_AVCC, 5.0, 5.0, 1023),  # 1024 clamps to 0x3FF
        (REFS_AVCC, 0.0, 5.0, 0),
        (REFS_AVCC, 1.0, 3.3, 310),  # AVcc = 3.3 V: 310.3
        (REFS_AREF, 1.65, 3.3, 512),
        (REFS_AREF, 3.0, 3.3, 930),  # 930.9
        (REFS_1V1, 0.5, None, 465),  # 465.45
        (REFS_1V1, 1.2, None, 1023),
    ],
)
def test_result_is_floor_vin_times_1024_over_vref(refs, vin, vref, expected):
    """24.7: ADC = Vin * 1024 / Vref (truncated; 0x3FF for Vin >= Vref); REFS1:0 = 00 AREF
    pin, 01 AVcc, 11 internal 1.1 V."""

    def setup(m):
        m.set_analog(0, vin)
        if refs == REFS_AVCC:
            m.set_vcc(vref)
        elif refs == REFS_AREF:
            m.set_aref(vref)

    assert adc_value(convert_once(refs, setup)) == expected


@pytest.mark.parametrize(
    "mux, refs, setup, expected",
    [
        (8, REFS_1V1, lambda m: None, 292),  # 314 mV at 25 C: 292.3
        (8, REFS_1V1, lambda m: m.set_temperature(85), 348),  # 374 mV: 348.2
        (8, REFS_1V1, lambda m: m.set_temperature(-45), 227),  # 244 mV: 227.1
        (14, REFS_AVCC, lambda m: None, 225),  # 1.1 V bandgap against 5 V: 225.3
        (15, REFS_AVCC, lambda m: m.set_analog(0, 5.0), 0),  # GND
        (5, REFS_AVCC, lambda m: m.set_analog(5, 2.5), 512),  # A5
        (6, REFS_AVCC, lambda m: m.set_analog(6, 2.5), 512),  # ADC6: not on the DIP, st value
        (6, REFS_AVCC, lambda m: None, 0),  # ... 0 V by default
    ],
)
def test_mux_selects_channel_temperature_sensor_bandgap_and_gnd(mux, refs, setup, expected):
    """24.9.1 table 24-4: MUX3:0 = 0-7 ADC0-7, 1000 temperature sensor (24.8: ~314 mV at
    25 C, ~1 mV/C), 1110 the 1.1 V bandgap, 1111 0 V (GND)."""
    assert adc_value(convert_once(refs | mux, setup)) == expected


def test_adlar_left_adjusts_and_takes_effect_at_once():
    """24.9.3: ADLAR = 1 left-adjusts the result (ADCH = bits 9:2, ADCL bits 7:6 = bits 1:0);
    changing ADLAR changes the data registers immediately."""
    m = convert_once(REFS_AVCC | ADLAR, lambda m: m.set_analog(0, 4.999))  # 1023
    assert (m.read(ADCH), m.read(ADCL)) == (0xFF, 0xC0)
    m, ends = build([(ADMUX, REFS_AVCC | ADLAR), (ADCSRA, ADEN | ADSC | 2), 150, (ADMUX, 0x40)])
    m.set_analog(0, 2.5)  # 512 = 0x200
    m.run(ends[2])
    assert (m.read(ADCH), m.read(ADCL)) == (0x80, 0x00)
    m.run(ends[3])
    assert (m.read(ADCH), m.read(ADCL)) == (0x02, 0x00)


def test_reading_adcl_locks_the_data_registers_until_adch_is_read():
    """24.9.3: after ADCL is read the data registers are not updated until ADCH is read; a
    conversion that completes meanwhile is lost (ADIF is still set). Free running at clk/2:
    conversions end at 64 (first), 90, 116 ..."""
    m, ends = build(
        [
            (ADMUX, REFS_AVCC),
            (ADCSRA, ADEN | ADSC | ADATE | 1),
            60,
            ("LDS", 16, ADCL),
            20,
            ("LDS", 17, ADCH),
        ]
    )
    base = ends[1]
    first_end = base + 2 + 50
    m.set_analog(0, 1.0)  # 204
    m.run(first_end)
    assert adc_value(m) == 204
    m.set_analog(0, 2.0)  # 409 from the second conversion on
    assert ends[3] < first_end + 26 < ends[5] < first_end + 52
    m.run(first_end + 26)
    assert m.reg(16) == 204
    assert adc_value(m) == 204, "locked: the second conversion's result is lost"
    assert m.read(ADCSRA) & ADIF
    m.run(ends[5])
    assert (m.reg(17), adc_value(m)) == (0, 204)
    m.run(first_end + 52)
    assert adc_value(m) == 409, "ADCH read: the next result is stored again"


def test_mux_and_refs_are_latched_when_the_conversion_starts():
    """24.5: MUX and REFS are continuously updated until a conversion starts, then locked for
    it: an ADMUX write after the start but before the sample-and-hold applies to the next
    conversion only (free running at clk/2: the second conversion starts at cycle 64, samples
    at 67, ends at 90)."""
    m, ends = build([(ADMUX, REFS_AVCC), (ADCSRA, ADEN | ADSC | ADATE | 1), 51, (ADMUX, 0x41)])
    m.set_analog(0, 1.0)  # 204
    m.set_analog(1, 3.0)  # 614
    second_start = ends[1] + 2 + 50
    assert second_start < ends[3] < second_start + 3
    m.run(second_start + 26)
    assert adc_value(m) == 204
    m.run(second_start + 52)
    assert adc_value(m) == 614


# ---- auto trigger (24.4, 24.9.4) and the interrupt ----------------------------------------


def test_free_running_conversions_every_13_adc_clocks_with_adc_interrupts():
    """24.4: in free running mode (ADATE, ADTS = 0) a new conversion starts as soon as one
    ends, ADSC stays one; ADIF (vector 21, cleared on entry) rises every 13 ADC clocks: with
    clk/128, 1664 cycles; each entry 4 cycles after the flag (7.7.1)."""
    m, ends = build([(ADMUX, REFS_AVCC), (ADCSRA, ADEN | ADSC | ADATE | ADIE | 7), ("BSET", 7)])
    first_end = ends[1] + 128 + 3200
    m.run(first_end + 5 * 1664 + 10)
    assert entries(m, ADC_VECTOR) == [first_end + 4 + 1664 * k for k in range(6)]
    assert m.read(ADCSRA) & (ADSC | ADIF) == ADSC


def test_timer0_overflow_triggers_a_conversion_at_the_flag():
    """24.4 / table 24-1: with ADATE and ADTS = 100 a rising TOV0 starts a conversion; the
    prescaler is reset at the trigger; an auto-triggered conversion ends 13.5 ADC clocks after
    it (25.5 for the first after ADEN). Timer0 at clk/1 overflows every 256 cycles."""
    m, ends = build([(ADMUX, REFS_AVCC), (ADCSRB, 4), (ADCSRA, ADEN | ADATE | 1), (TCCR0B, 1)])
    m.run(ends[3] + 200)
    assert not m.read(ADCSRA) & ADIF
    m.run(ends[3] + 290)
    t1 = int(m.st[S_TIMER0 + T_LAST_TOV])
    assert ends[3] < t1 <= ends[3] + 257, "Timer0 overflow stamp (timers module)"
    assert flag_rises_at(m, ADCSRA, ADIF, t1 + 51)
    m.write(ADCSRA, ADEN | ADATE | 1)  # clear ADIF (a poke)
    m.run(t1 + 256 + 5)
    t2 = int(m.st[S_TIMER0 + T_LAST_TOV])
    assert t2 == t1 + 256
    assert flag_rises_at(m, ADCSRA, ADIF, t2 + 27)


def test_trigger_during_a_conversion_is_ignored():
    """24.4: a trigger edge while a conversion is in progress is ignored: with clk/128 the
    first conversion takes 25.5 * 128 = 3264 cycles, Timer0 overflows every 256, so the next
    conversion starts at the first overflow after the end."""
    m, ends = build([(ADMUX, REFS_AVCC), (ADCSRB, 4), (ADCSRA, ADEN | ADATE | 7), (TCCR0B, 1)])
    m.run(ends[3] + 260)
    t1 = int(m.st[S_TIMER0 + T_LAST_TOV])
    assert flag_rises_at(m, ADCSRA, ADIF, t1 + 3264)
    m.write(ADCSRA, ADEN | ADATE | 7)
    nxt = t1 + 256 * 13  # first overflow after t1 + 3264
    assert flag_rises_at(m, ADCSRA, ADIF, nxt + 1728)


def test_comparator_ac_i_triggers_a_conversion():
    """24.9.4: ADTS = 001: a rising ACI (analog comparator, 23) starts a conversion."""
    m, ends = build([(ACSR, 3), (ADMUX, REFS_AVCC), (ADCSRB, 1), (ADCSRA, ADEN | ADATE | 1), 100])
    m.set_comparator_input(1, 1.0)
    m.run(ends[3] + 20)
    assert not m.read(ADCSRA) & ADIF
    t = m.cycle
    m.set_comparator_input(0, 2.0)  # AIN0 > AIN1: ACO rises, ACI (rising edge mode)
    assert flag_rises_at(m, ADCSRA, ADIF, t + 51)
    assert m.read(ACSR) & (ACO | ACI) == ACO | ACI


def test_int0_flag_triggers_a_conversion():
    """24.9.4: ADTS = 010: a rising INTF0 (external interrupt 0, here on a rising edge of
    D2 = PD2) starts a conversion."""
    m, ends = build([(EICRA, 3), (ADMUX, REFS_AVCC), (ADCSRB, 2), (ADCSRA, ADEN | ADATE | 1), 100])
    m.run(ends[3] + 20)
    t = m.cycle
    m.drive_pin(PORT_D, 2, 1)
    assert flag_rises_at(m, ADCSRA, ADIF, t + 51)


def test_switching_trigger_source_to_a_set_flag_starts_a_conversion():
    """24.9.4: "switching from a trigger source that is cleared to a trigger source that is
    set, will generate a positive edge on the trigger signal" and starts a conversion."""
    m, ends = build([(ADMUX, REFS_AVCC), (ADCSRA, ADEN | ADATE | 1), (ADCSRB, 4)])
    m.write(TIFR0, 0x01)  # TOV0 set, Timer0 stopped
    assert flag_rises_at(m, ADCSRA, ADIF, ends[2] + 51)


def test_adc_noise_reduction_sleep_starts_a_conversion_and_its_interrupt_wakes():
    """24.6 / 10.2: entering ADC noise reduction mode with ADEN set starts a conversion (at the
    next ADC clock edge); its interrupt wakes the CPU: the response takes 4 more cycles."""
    m, ends = build(
        [
            (ADMUX, REFS_AVCC),
            (ADCSRA, ADEN | ADIE | 1),
            (SMCR, 0x03),  # SM = 001 ADC noise reduction, SE
            ("BSET", 7),
            ("SLEEP",),
        ]
    )
    m.set_analog(0, 2.5)
    end = next_edge(ends[1], ends[4], 2) + 50
    m.run(end - 1)
    assert m.sleeping
    m.run(end + 20)
    assert entries(m, ADC_VECTOR) == [end + 8]
    assert adc_value(m) == 512


# ---- the analog comparator (23) -------------------------------------------------------------


def settle(m):
    m.run(m.cycle + 1)
    return m.read(ACSR)


def test_aco_is_one_while_ain0_is_above_ain1():
    """23.3.1: ACO is the comparator output: 1 while V(AIN0) > V(AIN1)."""
    m, _ = build([10])
    m.set_comparator_input(0, 2.0)
    m.set_comparator_input(1, 1.0)
    assert settle(m) & ACO
    m.set_comparator_input(1, 2.5)
    assert not settle(m) & ACO
    m.set_comparator_input(1, 2.0)
    assert not settle(m) & ACO, "equal inputs: not above"


def test_acbg_puts_the_bandgap_on_the_positive_input():
    """23.3.1: ACBG = 1 replaces AIN0 by the 1.1 V bandgap reference."""
    m, ends = build([(ACSR, ACBG), 10])
    m.run(ends[0])
    m.set_comparator_input(0, 0.0)
    m.set_comparator_input(1, 1.0)
    assert settle(m) & ACO
    m.set_comparator_input(1, 1.2)
    assert not settle(m) & ACO


def test_acme_takes_the_negative_input_from_the_adc_mux_while_aden_is_clear():
    """23.2 table 23-1: ACME = 1 and ADEN = 0: the negative input is ADCn (MUX2:0); with ADEN
    = 1 it is AIN1 again."""
    m, ends = build([(ADMUX, 3), (ADCSRB, ACME), 10, (ADCSRA, ADEN), 10])
    m.set_comparator_input(0, 2.0)
    m.set_comparator_input(1, 1.0)
    m.set_analog(3, 3.0)
    m.run(ends[0])
    assert m.read(ACSR) & ACO
    m.run(ends[1])
    assert not m.read(ACSR) & ACO, "A3 (3 V) is above AIN0"
    m.run(ends[2])
    assert not m.read(ACSR) & ACO
    m.run(ends[3])
    assert m.read(ACSR) & ACO, "ADEN set: AIN1 (1 V) again"


@pytest.mark.parametrize("acis, on_rise, on_fall", [(0, 1, 1), (2, 0, 1), (3, 1, 0), (1, 0, 0)])
def test_acis_selects_the_output_edge_that_sets_aci(acis, on_rise, on_fall):
    """23.3.1 table 23-2: ACIS1:0 = 00 toggle, 01 reserved, 10 falling edge, 11 rising."""
    m, ends = build([(ACSR, acis), 10])
    m.run(ends[0])
    m.set_comparator_input(1, 1.0)
    m.run(m.cycle + 10)
    m.set_comparator_input(0, 2.0)
    assert bool(settle(m) & ACI) == bool(on_rise)
    m.write(ACSR, m.read(ACSR) & ~ACI)
    m.set_comparator_input(0, 0.5)
    assert bool(settle(m) & ACI) == bool(on_fall)


def test_aci_requests_the_analog_comp_interrupt_and_clears_on_entry():
    """23.3.1 / 12: ACI with ACIE set requests vector 23, entered 4 cycles after the edge;
    ACI is cleared by hardware on entry. Writing one to ACI clears it too."""
    m, ends = build([(ACSR, ACIE | 3), ("BSET", 7), 10])
    m.set_comparator_input(1, 1.0)
    m.run(ends[1] + 5)
    t = m.cycle
    m.set_comparator_input(0, 2.0)
    m.run(t + 20)
    assert entries(m, ACOMP_VECTOR) == [t + 4]
    assert m.read(ACSR) & (ACO | ACI) == ACO


def test_acd_switches_the_comparator_off():
    """23.3.1: ACD = 1 switches the comparator off: ACO reads 0 whatever the inputs."""
    m, ends = build([10, (ACSR, ACD), 10])
    m.set_comparator_input(0, 2.0)
    m.run(ends[0])
    assert m.read(ACSR) & ACO
    m.run(ends[1])
    assert m.read(ACSR) & (ACO | ACD) == ACD


# ---- the Python API --------------------------------------------------------------------------


def test_set_voltage_maps_pins_and_applies_at_the_scheduled_cycle():
    """Simulation.set_voltage: A0-A5 = ADC0-5, D6/D7 = AIN0/AIN1, AREF; timed like drive()."""
    sim = Simulation()
    sim.set_voltage("A3", 1.5)
    sim.set_voltage("PC4", 0.25)
    sim.set_voltage("D6", 3.0)
    sim.set_voltage("d7", 2.0)
    sim.set_voltage("AREF", 3.3)
    st = sim.mcu.st
    assert st[S_ANALOG + 3] == 1_500_000
    assert st[S_ANALOG + 4] == 250_000
    assert (st[S_AIN0_UV], st[S_AIN1_UV], st[S_AREF_UV]) == (3_000_000, 2_000_000, 3_300_000)
    sim.set_voltage("A0", 4.0, at=1000)
    assert st[S_ANALOG] == 0
    with pytest.raises(ValueError):
        sim.set_voltage("D2", 1.0)
    with pytest.raises(KeyError):
        sim.set_voltage("X9", 1.0)
    with pytest.raises(ValueError):
        sim.mcu.set_analog(8, 1.0)


# ---- committed firmware (tests/firmware/README.md) ---------------------------------------


def lines(sim) -> list[str]:
    return sim.serial_bytes().decode("latin-1").split("\r\n")


def test_analog_read_firmware_prints_floor_of_vin_over_5v_times_1024(firmware):
    """analog_read: analogRead(A0) every 50 ms with AVcc = 5 V: floor(Vin * 1024 / 5)."""
    sim = Simulation.open(firmware("analog_read"))
    ms = 16_000
    sim.set_voltage("A0", 0.0)
    sim.set_voltage("A0", 2.5, at=75 * ms)
    sim.set_voltage("A0", 5.0, at=175 * ms)
    sim.set_voltage("A0", 1.0, at=275 * ms)
    sim.run_until(320 * ms)
    assert lines(sim)[:6] == ["0", "512", "512", "1023", "1023", "204"]


def test_adc_isr_firmware_free_runs_every_1664_cycles(firmware):
    """adc_isr: free running at clk/128 with the ADC interrupt: ADIF every 13 * 128 = 1664
    cycles exactly (the entries jitter only by the other ISRs' latency, never drift), about 962
    conversions per 100 ms line."""
    sim = Simulation.open(firmware("adc_isr"))
    sim.set_voltage("A0", 0.8)  # 163.84
    sim.run_until(16_000 * 320)
    text = lines(sim)
    assert len(text) >= 4
    for line in text[:3]:
        m = re.fullmatch(r"A0=(\d+) conversions=(\d+)", line)
        assert m, line
        assert int(m.group(1)) == 163
    for line in text[1:3]:
        n = int(line.split("=")[-1])
        assert 950 <= n <= 974
    e = sim.interrupt_entries("ADC").astype(np.int64)
    assert len(e) > 1800
    offsets = e - 1664 * np.arange(len(e))
    assert offsets.max() - offsets.min() < 250, "ADC interrupts drift off the 1664-cycle grid"
    assert np.count_nonzero(offsets == offsets.min()) > len(e) // 4


def test_cli_analog_option_sets_voltages(firmware, capsys):
    """``breadboard run --analog A0=2.5 --analog A0=1@75ms``: voltages from the start and at
    a simulated time."""
    code = main(
        [
            "run",
            str(firmware("analog_read")),
            "--time",
            "120ms",
            "--serial",
            "--analog",
            "A0=2.5",
            "--analog",
            "A0=1.0V@75ms",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.split("\r\n")[:2] == ["512", "204"]


@pytest.mark.parametrize("bad", ["A0", "A0=x", "D2=1.0", "Q7=1"])
def test_cli_analog_option_rejects_bad_input(firmware, capsys, bad):
    code = main(["run", str(firmware("analog_read")), "--cycles", "10", "--analog", bad])
    assert code == 2
    assert "breadboard:" in capsys.readouterr().err


def test_applied_voltages_are_recorded_for_the_scope_analog_lanes():
    """Simulation.analog keeps each analog input's applied voltage with its cycle."""

    from breadboard.sim import Simulation

    sim = Simulation.open(firmware_path("analog_read"))
    sim.set_voltage("A0", 2.5)
    sim.set_voltage("A0", 1.25, at=40_000)
    sim.run_until(50_000)
    assert sim.analog["A0"].rows.tolist() == [[0, 2_500_000], [40_000, 1_250_000]]
