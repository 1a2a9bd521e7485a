"""Scope channel names: the Uno pins, the interrupt lane, "A0 dig" for an analog pin shown as
a digital lane, and "<source> D2" for a pin of one of several simulations (compare mode)."""

from __future__ import annotations

from collections.abc import Iterable

DIGITAL_PINS: tuple[str, ...] = tuple(f"D{i}" for i in range(14)) + tuple(f"A{i}" for i in range(6))
ANALOG_PINS: tuple[str, ...] = tuple(f"A{i}" for i in range(6))
#: The interrupt lane's channel name: every ISR from entry to return, one row per vector.
IRQ = "IRQ"
#: Suffix of the channel id of a pin A0-A5 shown as a digital lane ("A0 dig").
DIGITAL_SUFFIX = " dig"
#: What a channel shows.
KINDS = ("digital", "analog", "irq")


def canonical_pin(pin: str) -> str:
    """ "d13" -> "D13", "14" -> "A0", "A0 dig" -> "A0", "irq" -> "IRQ"; KeyError naming the pin
    for anything that is not an Uno pin."""
    p = str(pin).strip()
    up = p.upper()
    if up == IRQ:
        return IRQ
    if up.endswith(DIGITAL_SUFFIX.upper()):
        up = up[: -len(DIGITAL_SUFFIX)].strip()
    if up.isdigit():
        n = int(up)
        up = f"D{n}" if n < 14 else f"A{n - 14}"
    elif up.startswith("D") and up[1:].isdigit() and int(up[1:]) >= 14:
        up = f"A{int(up[1:]) - 14}"
    if up not in DIGITAL_PINS:
        raise KeyError(f"unknown Uno pin {pin!r}: use D0-D13, A0-A5 or IRQ")
    return up


def default_kind(pin: str) -> str:
    """The kind a pin's channel has unless asked otherwise: A0-A5 analog, IRQ irq, else digital."""
    pin = canonical_pin(pin)
    return "irq" if pin == IRQ else "analog" if pin in ANALOG_PINS else "digital"


def channel_id(pin: str, source: str = "", kind: str = "auto") -> str:
    """The id of ``pin``'s channel of simulation ``source``: "D2", "A0 dig", "CTC D2"."""
    pin = canonical_pin(pin)
    name = pin + (DIGITAL_SUFFIX if kind == "digital" and pin in ANALOG_PINS else "")
    return f"{source} {name}" if source else name


def parse_channel(channel: str, sources: Iterable[str]) -> tuple[str, str, str]:
    """(source, pin, kind) of a channel id, given the source labels in use (the longest
    matching label wins; none matches: the main source "")."""
    source, rest = "", channel
    for label in sorted(sources, key=len, reverse=True):
        if label and channel.startswith(label + " "):
            source, rest = label, channel[len(label) + 1 :]
            break
    digital = rest.endswith(DIGITAL_SUFFIX)
    pin = canonical_pin(rest)
    kind = "irq" if pin == IRQ else "digital" if digital or pin not in ANALOG_PINS else "analog"
    return source, pin, kind
