"""Named I/O registers and their bits, for the register view and ``--watch``.

Read them with ``read_register`` (side-effect free: ``Mcu.peek``) and write them while paused
with ``write_register`` (the program's write, with the peripheral's side effects).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..avr import regs

if TYPE_CHECKING:
    from .simulation import Simulation

#: Register name -> (data address, bit names from bit 7 down to bit 0; "" = unused/none).
REGISTERS: dict[str, tuple[int, tuple[str, ...]]] = {
    "SREG": (regs.SREG, ("I", "T", "H", "S", "V", "N", "Z", "C")),
    "EICRA": (regs.EICRA, ("", "", "", "", "ISC11", "ISC10", "ISC01", "ISC00")),
    "EIMSK": (regs.EIMSK, ("", "", "", "", "", "", "INT1", "INT0")),
    "EIFR": (regs.EIFR, ("", "", "", "", "", "", "INTF1", "INTF0")),
    "PCICR": (regs.PCICR, ("", "", "", "", "", "PCIE2", "PCIE1", "PCIE0")),
    "PCMSK0": (regs.PCMSK0, tuple(f"PCINT{i}" for i in range(7, -1, -1))),
    "PCMSK1": (regs.PCMSK1, ("",) + tuple(f"PCINT{i}" for i in range(14, 7, -1))),
    "PCMSK2": (regs.PCMSK2, tuple(f"PCINT{i}" for i in range(23, 15, -1))),
    "PCIFR": (regs.PCIFR, ("", "", "", "", "", "PCIF2", "PCIF1", "PCIF0")),
}
for _n, _base in ((0, regs.TCCR0A), (2, regs.TCCR2A)):
    REGISTERS[f"TCCR{_n}A"] = (
        _base, (f"COM{_n}A1", f"COM{_n}A0", f"COM{_n}B1", f"COM{_n}B0", "", "", f"WGM{_n}1",
                f"WGM{_n}0"),
    )  # fmt: skip
    REGISTERS[f"TCCR{_n}B"] = (
        _base + 1, (f"FOC{_n}A", f"FOC{_n}B", "", "", f"WGM{_n}2", f"CS{_n}2", f"CS{_n}1",
                    f"CS{_n}0"),
    )  # fmt: skip
    REGISTERS[f"TCNT{_n}"] = (_base + 2, ())
    REGISTERS[f"OCR{_n}A"] = (_base + 3, ())
    REGISTERS[f"OCR{_n}B"] = (_base + 4, ())
for _n in range(3):
    REGISTERS[f"TIMSK{_n}"] = (
        regs.TIMSK0 + _n,
        ("", "", "ICIE1" if _n == 1 else "", "", "", f"OCIE{_n}B", f"OCIE{_n}A", f"TOIE{_n}"),
    )
    REGISTERS[f"TIFR{_n}"] = (
        regs.TIFR0 + _n,
        ("", "", "ICF1" if _n == 1 else "", "", "", f"OCF{_n}B", f"OCF{_n}A", f"TOV{_n}"),
    )
REGISTERS.update(
    {
        "TCCR1A": (regs.TCCR1A, ("COM1A1", "COM1A0", "COM1B1", "COM1B0", "", "", "WGM11", "WGM10")),
        "TCCR1B": (regs.TCCR1B, ("ICNC1", "ICES1", "", "WGM13", "WGM12", "CS12", "CS11", "CS10")),
        "TCNT1L": (regs.TCNT1L, ()),
        "TCNT1H": (regs.TCNT1H, ()),
        "OCR1AL": (regs.OCR1AL, ()),
        "OCR1AH": (regs.OCR1AH, ()),
        "OCR1BL": (regs.OCR1BL, ()),
        "OCR1BH": (regs.OCR1BH, ()),
        "ICR1L": (regs.ICR1L, ()),
        "ICR1H": (regs.ICR1H, ()),
        "ADMUX": (regs.ADMUX, ("REFS1", "REFS0", "ADLAR", "", "MUX3", "MUX2", "MUX1", "MUX0")),
        "ADCSRA": (
            regs.ADCSRA,
            ("ADEN", "ADSC", "ADATE", "ADIF", "ADIE", "ADPS2", "ADPS1", "ADPS0"),
        ),  # fmt: skip
        "ADCL": (regs.ADCL, ()),
        "ADCH": (regs.ADCH, ()),
        "UCSR0A": (regs.UCSR0A, ("RXC0", "TXC0", "UDRE0", "FE0", "DOR0", "UPE0", "U2X0", "MPCM0")),
        "UCSR0B": (
            regs.UCSR0B,
            ("RXCIE0", "TXCIE0", "UDRIE0", "RXEN0", "TXEN0", "UCSZ02", "RXB80", "TXB80"),
        ),  # fmt: skip
        "UCSR0C": (
            regs.UCSR0C,
            ("UMSEL01", "UMSEL00", "UPM01", "UPM00", "USBS0", "UCSZ01", "UCSZ00", "UCPOL0"),
        ),  # fmt: skip
        "UBRR0L": (regs.UBRR0L, ()),
        "UBRR0H": (regs.UBRR0H, ()),
        "SPL": (regs.SPL, ()),
        "SPH": (regs.SPH, ()),
    }
)
for _p, _base in zip(regs.PORT_NAMES, regs.PORT_BASE, strict=True):
    _bits = tuple(f"P{_p}{i}" for i in range(7, -1, -1))
    REGISTERS[f"PIN{_p}"] = (_base, _bits)
    REGISTERS[f"DDR{_p}"] = (_base + 1, _bits)
    REGISTERS[f"PORT{_p}"] = (_base + 2, _bits)


def read_register(sim: Simulation, name: str) -> int:
    """The register's value as the program would read it now, without side effects."""
    return sim.mcu.peek(REGISTERS[name.upper()][0])


def write_register(sim: Simulation, name: str | int, value: int) -> int:
    """Write the register (a name, or any data address / variable: ``resolve_data_address``)
    as the program would (side effects included: OCR2A changes the timer's period, TCCRn its
    clock); use while paused. Returns the stored value."""
    if not 0 <= int(value) <= 0xFF:
        raise ValueError(f"{name}: a register holds a byte (0-255), not {value}")
    return sim.mcu.poke(resolve_data_address(sim, name), int(value))


def resolve_data_address(sim: Simulation, where: str | int) -> int:
    """A data address from an int, "0x1a0", a register name ("OCR2A") or an ELF symbol."""
    if isinstance(where, int):
        return where
    text = where.strip()
    if text.upper() in REGISTERS:
        return REGISTERS[text.upper()][0]
    data_symbols = getattr(sim.firmware, "data_symbols", None) or {}
    if text in data_symbols:
        return data_symbols[text]
    try:
        return int(text, 0)
    except ValueError:
        raise ValueError(f"{where!r} is neither a data address nor a register name") from None


__all__ = ["REGISTERS", "read_register", "write_register", "resolve_data_address"]
