"""Fuzz tests (issue 15): the HEX and ELF loaders, the circuit loader and the CLI's argument
parsing, fed random and mutated input by hypothesis; each must succeed or raise the project's
own error, nothing else."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

from conftest import firmware_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from breadboard.circuit import Circuit, CircuitError
from breadboard.cli import _parse_analog, _parse_input, parse_escapes
from breadboard.firmware import Firmware, FirmwareError, firmware_from_bytes
from breadboard.sim import parse_time

ROOT = Path(__file__).resolve().parents[1]
HEX = firmware_path("blink").read_bytes()
ELF = (ROOT / "tests" / "data" / "mcu" / "atmega328p.elf").read_bytes()
CIRCUIT = json.loads((ROOT / "resources" / "examples" / "int0_button" / "circuit.json").read_text())
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def load_bytes(data: bytes) -> None:
    try:
        assert isinstance(firmware_from_bytes(data, "fuzz"), Firmware)
    except FirmwareError as e:
        assert str(e).startswith("fuzz: ")


def mutated(base: bytes):
    """Strategy: ``base`` with a few bytes overwritten, inserted or cut."""
    edit = st.tuples(
        st.sampled_from(["set", "insert", "cut"]),
        st.integers(0, len(base) - 1),
        st.binary(min_size=1, max_size=8),
    )

    def apply(edits):
        data = bytearray(base)
        for kind, at, blob in edits:
            at = min(at, len(data))
            if kind == "set":
                data[at : at + len(blob)] = blob
            elif kind == "insert":
                data[at:at] = blob
            else:
                del data[at : at + len(blob)]
        return bytes(data)

    return st.lists(edit, min_size=1, max_size=4).map(apply)


@FUZZ
@given(st.one_of(mutated(HEX), st.binary(max_size=200)))
def test_fuzz_hex_loader_succeeds_or_raises_firmware_error(data):
    load_bytes(data)


_RECORD = st.builds(
    lambda n, off, t, body: ":" + bytes([n, off >> 8, off & 255, t, *body]).hex()
    + f"{(-(n + (off >> 8) + (off & 255) + t + sum(body))) & 255:02X}",
    st.integers(0, 255), st.integers(0, 0xFFFF), st.integers(0, 6), st.binary(max_size=20),
)  # fmt: skip


@FUZZ
@given(st.lists(_RECORD, max_size=8), st.booleans())
def test_fuzz_hex_records_with_good_checksums(records, eof):
    load_bytes(("\n".join(records + ([":00000001FF"] if eof else []))).encode())


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated(ELF))
def test_fuzz_elf_loader_succeeds_or_raises_firmware_error(data):
    load_bytes(data)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12,
)  # fmt: skip
_FIELDS = ["id", "kind", "label", "x", "y", "pin", "to", "pull", "key", "bounce", "color",
           "resistor_ohms", "position", "ohms", "red", "yellow", "green"]  # fmt: skip


def load_circuit(data) -> None:
    try:
        c = Circuit.from_dict(data, "fuzz.json")
    except CircuitError as e:
        assert str(e).startswith("fuzz.json: ")
        return
    for part in c.parts:  # whatever loads can be used
        for pin in part.pins():
            assert pin
        if hasattr(part, "bounce"):
            part.bounce.edges(0, 0, 16_000_000, 1)
        if hasattr(part, "volts"):
            assert math.isfinite(part.volts())
    c.drives({p.id for p in c.buttons()})
    json.dumps(c.to_dict())


@FUZZ
@given(st.integers(0, 2), st.sampled_from(_FIELDS), _JSON)
def test_fuzz_circuit_fields_succeed_or_raise_circuit_error(index, field, value):
    data = copy.deepcopy(CIRCUIT)
    parts = data["parts"]
    parts[index % len(parts)][field] = value
    load_circuit(data)


@FUZZ
@given(_JSON)
def test_fuzz_circuit_documents_succeed_or_raise_circuit_error(value):
    load_circuit(value)
    load_circuit({"format": "breadboard-circuit", "version": 1, "parts": [value]})


@FUZZ
@given(st.text(max_size=30))
def test_fuzz_cli_argument_parsing_succeeds_or_raises_value_error(text):
    for parse in (
        lambda t: parse_time(t, 16_000_000),
        lambda t: _parse_input(t, 16_000_000),
        lambda t: _parse_analog(t, 16_000_000),
        parse_escapes,
    ):
        try:
            parse(text)
        except (ValueError, KeyError):
            pass


@FUZZ
@given(st.from_regex(r"\A[DA]?[0-9]{1,3}=[01zZ]@[0-9.]{1,8}(e[-+]?[0-9]{1,4})?(c|us|ms|s|x)?\Z"))
def test_fuzz_cli_times_in_inputs(text):
    try:
        pin, level, at = _parse_input(text, 16_000_000)
        assert 0 <= at <= 2**62
    except (ValueError, KeyError):
        pass
