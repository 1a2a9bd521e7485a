"""SPI master (datasheet DS40002061B section 19) and TWI master on an empty bus (section 22).

Register rules go through the modules' contract functions at chosen cycles (as the kernel
calls them); the whole through tests/firmware/twi_spi_probe (Wire + SPI libraries).
"""

from __future__ import annotations

import pytest

from breadboard.avr import Mcu
from breadboard.avr import spi as s
from breadboard.avr import twi as t
from breadboard.avr.jit import door
from breadboard.avr.regs import (
    PORTB,
    SPCR,
    SPDR,
    SPSR,
    TWBR,
    TWCR,
    TWDR,
    TWSR,
    VECTOR_BY_NAME,
)
from breadboard.sim import Simulation

PORT_B, MISO = 0, 4


class Periph:
    """One peripheral module of a fresh chip, driven through its contract functions."""

    def __init__(self, module, prefix: str) -> None:
        self.m = Mcu()
        self._w = door(getattr(module, f"{prefix}_write"))
        self._r = door(getattr(module, f"{prefix}_read"))
        self._u = door(getattr(module, f"{prefix}_update"))

    def write(self, addr: int, value: int, cycle: int) -> None:
        self.update(cycle)
        self._w(self.m.data, self.m.st, addr, value, cycle, self.m.pin_log, self.m.uart_log)

    def read(self, addr: int, cycle: int) -> int:
        return int(self._r(self.m.data, self.m.st, addr, cycle))

    def update(self, cycle: int) -> int:
        return int(self._u(self.m.data, self.m.st, cycle, self.m.pin_log, self.m.uart_log))

    def reg(self, addr: int, cycle: int) -> int:
        """The register as the kernel holds it after processing everything due by ``cycle``."""
        self.update(cycle)
        return int(self.m.data[addr])


# ---- SPI (19) --------------------------------------------------------------------------------

SPE, MSTR, DORD, CPHA, SPIE = s.SPE, s.MSTR, s.DORD, s.CPHA, s.SPIE
SPIF, WCOL, SPI2X = s.SPIF, s.WCOL, s.SPI2X


def spi(spcr=SPE | MSTR, spsr=0) -> Periph:
    p = Periph(s, "spi")
    p.write(SPSR, spsr, 0)
    p.write(SPCR, spcr, 0)
    return p


@pytest.mark.parametrize(
    "spr, spi2x, period",
    [(0, 0, 4), (1, 0, 16), (2, 0, 64), (3, 0, 128), (0, 1, 2), (1, 1, 8), (2, 1, 32), (3, 1, 64)],
)
def test_transfer_takes_eight_sck_periods_at_the_selected_clock(spr, spi2x, period):
    """19.5.1/19.5.2 table 19-5: SCK = fosc/4, 16, 64, 128 (SPR1:0), doubled by SPI2X; writing
    SPDR as master starts 8 bits; SPIF is set when they are shifted (8 SCK periods)."""
    p = spi(SPE | MSTR | spr, SPI2X if spi2x else 0)
    p.write(SPDR, 0xA5, 100)
    assert p.reg(SPSR, 100 + 8 * period - 1) & SPIF == 0
    assert p.reg(SPSR, 100 + 8 * period) & SPIF


def test_write_during_a_transfer_sets_wcol_and_is_ignored():
    """19.5.2: WCOL is set if SPDR is written during a data transfer."""
    p = spi(SPE | MSTR | 1)  # 16 cycles per bit
    p.write(SPDR, 0x11, 0)
    p.write(SPDR, 0x22, 64)
    assert p.reg(SPSR, 64) & WCOL
    assert p.reg(SPSR, 127) & SPIF == 0 and p.reg(SPSR, 128) & SPIF  # still the first transfer


def test_spif_and_wcol_clear_by_reading_spsr_then_accessing_spdr():
    """19.5.2: SPIF is cleared by first reading SPSR with SPIF set, then accessing SPDR; so
    is WCOL. Reading SPDR alone does not clear it."""
    p = spi()
    p.write(SPDR, 0x11, 0)
    p.write(SPDR, 0x22, 8)  # WCOL
    p.update(40)
    p.read(SPDR, 40)
    assert p.reg(SPSR, 40) & (SPIF | WCOL) == SPIF | WCOL
    assert p.read(SPSR, 41) & SPIF
    p.read(SPDR, 42)
    assert p.reg(SPSR, 42) & (SPIF | WCOL) == 0


def test_spi_interrupt_clears_spif_on_entry():
    """19.5.2: SPIF is cleared by hardware when the SPI interrupt vector is executed."""
    from test_usart import program  # the same test program layout

    main = [
        ("LDI", 16, SPE | MSTR | SPIE), ("OUT", SPCR - 0x20, 16),
        ("BSET", 7), ("OUT", SPDR - 0x20, 16),
    ]  # fmt: skip
    m = program(main)
    m.run(200)
    entries = [
        int(c) for c, v, e, _ in m.take_irq_log() if e == 1 and v == VECTOR_BY_NAME["SPI_STC"]
    ]
    # OUT SPDR completes at cycle 3 + 1 + 1 + 1 + 1 = 7; SPIF at 7 + 8 * 4 = 39; +4 response
    assert entries == [43]
    assert m.data[SPSR] & SPIF == 0


@pytest.mark.parametrize("cpha, dord", [(0, 0), (1, 0), (0, 1)])
def test_miso_is_sampled_at_each_sampling_edge(cpha, dord):
    """19.4 (figures 19-3, 19-4): with CPHA = 0 data is sampled on the leading SCK edge of each
    bit (half a period in), with CPHA = 1 on the trailing edge (at its end); DORD = 1 sends
    and receives the LSB first. MISO changes here at each bit's start, one bit per period."""
    p = spi(SPE | MSTR | 3 | (CPHA if cpha else 0) | (DORD if dord else 0))  # 128 cycles/bit
    m = p.m
    pattern = 0b10110010
    start = 1000
    p.write(SPDR, 0x00, start)
    for k in range(8):
        bit = (pattern >> (k if dord else 7 - k)) & 1
        at = start + 128 * k + (64 if cpha else 0) + 8  # after the previous sample, before the next
        p.update(at - 1)
        m.drive_pin(PORT_B, MISO, bit, at=at)
    p.update(start + 1024)
    assert p.read(SPSR, start + 1024) & SPIF
    assert p.read(SPDR, start + 1024) == pattern


def test_master_forces_miso_to_input_and_keeps_its_pull_up():
    """Table 19-1 / 14-3: as master the SPI overrides MISO's direction to input; PORTB4 still
    selects the pull-up. Without a drive, the pulled-up MISO reads all ones."""
    p = Periph(s, "spi")
    p.m.data[0x24] = 0x10  # DDRB4 = 1
    p.m.data[PORTB] = 0x10
    p.write(SPCR, SPE | MSTR, 0)
    out, ddr, pulled = p.m.port_state(PORT_B)
    assert ddr & 0x10 == 0 and pulled & 0x10
    p.write(SPDR, 0x00, 10)
    p.update(100)
    assert p.read(SPDR, 100) == 0xFF
    p.write(SPCR, 0, 200)
    assert p.m.port_state(PORT_B)[1] & 0x10


def test_no_transfer_without_master_mode():
    """Slave mode is not modelled: an SPDR write with MSTR = 0 starts nothing."""
    p = spi(SPE)
    p.write(SPDR, 0x55, 0)
    assert p.reg(SPSR, 10_000) & SPIF == 0


# ---- TWI (22) -----------------------------------------------------------------------------------

TWINT, TWEA, TWSTA, TWSTO, TWWC, TWEN, TWIE = (
    t.TWINT, t.TWEA, t.TWSTA, t.TWSTO, t.TWWC, t.TWEN, t.TWIE,
)  # fmt: skip


def twi(twbr=72, twps=0) -> Periph:
    p = Periph(t, "twi")
    p.write(TWBR, twbr, 0)
    p.write(TWSR, twps, 0)
    p.write(TWCR, TWEN | TWEA | TWIE, 0)
    return p


def status(p: Periph, cycle: int) -> int:
    return p.reg(TWSR, cycle) & 0xF8


def test_reset_values():
    """22.9: TWSR = 0xF8 (no relevant state), TWDR = 0xFF, TWAR = 0xFE."""
    m = Mcu()
    assert (m.data[TWSR], m.data[TWDR], m.data[0xBA], m.data[TWCR]) == (0xF8, 0xFF, 0xFE, 0)


@pytest.mark.parametrize(
    "twbr, twps, period", [(72, 0, 160), (12, 0, 40), (10, 1, 96), (1, 3, 144)]
)
def test_scl_period_and_the_master_transmitter_with_nobody_answering(twbr, twps, period):
    """22.5.2: SCL = F_CPU / (16 + 2 TWBR 4^TWPS). Table 22-3: START -> TWINT with 0x08;
    SLA+W, 9 SCL periods later, not acknowledged (no slave) -> 0x20; a data byte -> 0x30;
    repeated START -> 0x10; SLA+R not acknowledged -> 0x48; STOP: TWSTO clears when the stop
    condition is done, TWINT stays clear, status 0xF8 (this model: START/STOP one SCL period)."""
    p = twi(twbr, twps)
    c = 1000
    p.write(TWCR, TWINT | TWSTA | TWEN, c)
    assert p.reg(TWCR, c + period - 1) & TWINT == 0
    assert p.reg(TWCR, c + period) & TWINT and status(p, c + period) == 0x08
    c += period
    p.write(TWDR, 0x3C << 1, c)
    p.write(TWCR, TWINT | TWEN, c)
    assert p.reg(TWCR, c + 9 * period - 1) & TWINT == 0
    assert status(p, c + 9 * period) == 0x20
    c += 9 * period
    p.write(TWDR, 0x42, c)
    p.write(TWCR, TWINT | TWEN, c)
    assert status(p, c + 9 * period) == 0x30
    c += 9 * period
    p.write(TWCR, TWINT | TWSTA | TWEN, c)
    assert status(p, c + period) == 0x10
    c += period
    p.write(TWDR, (0x50 << 1) | 1, c)
    p.write(TWCR, TWINT | TWEN, c)
    assert status(p, c + 9 * period) == 0x48
    c += 9 * period
    p.write(TWCR, TWINT | TWSTO | TWEN, c)
    assert p.read(TWCR, c + period - 1) & TWSTO
    assert p.read(TWCR, c + period) & (TWSTO | TWINT) == 0
    assert status(p, c + period) == 0xF8


def test_twdr_write_while_twint_is_low_sets_twwc_and_is_ignored():
    """22.9.2: TWWC is set when TWDR is written while TWINT is low; it clears when TWDR is
    written with TWINT high."""
    p = twi()
    p.write(TWCR, TWINT | TWSTA | TWEN, 0)
    p.write(TWDR, 0x12, 10)
    assert p.reg(TWCR, 10) & TWWC and p.reg(TWDR, 10) == 0xFF
    p.write(TWDR, 0x34, 200)  # START done (TWINT set)
    assert p.reg(TWCR, 200) & TWWC == 0 and p.reg(TWDR, 200) == 0x34


def test_clearing_twen_aborts_the_operation():
    """22.9.2: writing TWEN to zero switches the TWI off and terminates all transmissions."""
    p = twi()
    p.write(TWCR, TWINT | TWSTA | TWEN, 0)
    p.write(TWCR, 0, 50)
    assert p.reg(TWCR, 10_000) & TWINT == 0 and status(p, 10_000) == 0xF8


def test_twi_interrupt_keeps_requesting_while_twint_is_set():
    """22.9.2 / 12: TWINT is not cleared by entering the TWI vector; it requests the interrupt
    until software writes a one to it."""
    from test_usart import program

    main = [
        ("LDI", 16, TWINT | TWSTA | TWEN | TWIE), ("STS", TWCR, 16), ("BSET", 7),
    ]  # fmt: skip
    m = program(main)  # TWBR = 0: SCL period 16 cycles
    m.run(100)
    entries = [int(c) for c, v, e, _ in m.take_irq_log() if e == 1 and v == VECTOR_BY_NAME["TWI"]]
    # STS completes at 3 + 1 + 2 = 6; START done at 22; +4; then every 12 cycles (JMP 3,
    # RETI 4, one main NOP, 4 response)
    assert entries[:3] == [26, 38, 50]


def test_firmware_wire_and_spi_with_nothing_attached(firmware):
    """tests/firmware/twi_spi_probe: Wire.endTransmission() to an absent device returns 2
    (address NACK) instead of hanging, Wire.requestFrom gets 0 bytes, SPI.transfer returns
    the level on MISO (D12). TWI at 100 kHz: the address byte takes 9 * 160 cycles."""
    sim = Simulation.open(firmware("twi_spi_probe"))
    sim.drive("D12", 1)
    sim.run_until(160_000)
    assert sim.serial_bytes() == b"twi_write=2\r\ntwi_read=0\r\nspi=FF\r\ndone\r\n"
    twi_isr = sim.interrupt_entries("TWI")
    assert len(twi_isr) == 4  # START, SLA+W NACK, START, SLA+R NACK
    # the START handler writes TWDR and TWCR some 70 cycles after its entry (the same code
    # for SLA+W and SLA+R), then the address byte takes 9 SCL periods
    assert twi_isr[1] - twi_isr[0] == twi_isr[3] - twi_isr[2]
    assert 1440 < twi_isr[1] - twi_isr[0] < 1440 + 100
    sim = Simulation.open(firmware("twi_spi_probe"))
    sim.drive("D12", 0)
    sim.run_until(160_000)
    assert b"spi=0\r\n" in sim.serial_bytes()
