"""Mutation fuzzing in bulk (issue 15): thousands of seeded mutations of real files per run, the
way the bad-input probe found its cases, cheap enough for every CI run. The hypothesis tests in
test_fuzz.py explore (and shrink) fewer, more varied inputs; these cover volume.

Each input must load or be refused with the project's own error naming the file, nothing else:
no other exception, and what loads must be usable.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
from conftest import firmware_path
from test_fuzz import load_circuit

from breadboard.cli import _parse_analog, _parse_input
from breadboard.firmware import Firmware, FirmwareError, firmware_from_bytes
from breadboard.sim import parse_time

ROOT = Path(__file__).resolve().parents[1]
N = 3000  # mutations per kind and run
N_ELF = 1000  # the ELF parser is slower: fewer, still each a different file


def mutate(rng: np.random.Generator, base: bytes, alphabet: bytes | None = None) -> bytes:
    """``base`` with 1-4 edits: bytes overwritten, inserted, cut, or a span duplicated; new
    bytes from ``alphabet`` (None: any byte)."""
    data = bytearray(base)
    for _ in range(int(rng.integers(1, 5))):
        at = int(rng.integers(0, max(1, len(data))))
        n = int(rng.integers(1, 9))
        if alphabet is None:
            blob = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        else:
            blob = bytes(alphabet[i] for i in rng.integers(0, len(alphabet), n))
        kind = int(rng.integers(0, 4))
        if kind == 0:
            data[at : at + n] = blob
        elif kind == 1:
            data[at:at] = blob
        elif kind == 2:
            del data[at : at + n]
        else:
            data[at:at] = data[at : at + int(rng.integers(1, 64))]
    return bytes(data)


def check_loads_or_refuses(data: bytes) -> bool:
    """True if it loaded (a Firmware), False if refused with a FirmwareError naming it."""
    try:
        fw = firmware_from_bytes(data, "fuzz")
    except FirmwareError as e:
        assert str(e).startswith("fuzz: "), str(e)
        return False
    assert isinstance(fw, Firmware) and len(fw.flash) == 16384
    return True


def test_thousands_of_mutated_hex_files_load_or_are_refused_by_name():
    rng = np.random.default_rng(15)
    base = firmware_path("blink").read_bytes()
    hexchars = b"0123456789ABCDEFabcdef:\n\r "
    outcomes = [check_loads_or_refuses(mutate(rng, base, hexchars if k % 2 else None))
                for k in range(N)]  # fmt: skip
    assert 0 < sum(outcomes) < N  # both paths taken: the mutations reach the loader's checks


def test_thousands_of_mutated_elf_files_load_or_are_refused_by_name():
    rng = np.random.default_rng(16)
    base = (ROOT / "tests" / "data" / "mcu" / "atmega328p.elf").read_bytes()
    outcomes = [check_loads_or_refuses(mutate(rng, base)) for _ in range(N_ELF)]
    assert 0 < sum(outcomes) < N_ELF


#: Values a broken or hostile circuit file may hold where another is expected.
NASTY = [None, True, -1, 0, 10**5000, 1e308, float("nan"), float("inf"), -5.5, "", "banana",
         "D99", "A0", "GND", "\x00", "x" * 10_000, [], [1], {}, {"count": "6"}, [[[[[]]]]],
         {"enabled": True, "count": 10**9}]  # fmt: skip


def mutate_json(rng: np.random.Generator, value):
    """A copy of a parsed JSON document with one node (a value, a key's value or a list item)
    replaced by a nasty value, dropped, or given an unknown key."""
    value = copy.deepcopy(value)
    nodes = []

    def walk(node):
        if isinstance(node, dict):
            for k in list(node):
                nodes.append((node, k))
                walk(node[k])
        elif isinstance(node, list):
            for i in range(len(node)):
                nodes.append((node, i))
                walk(node[i])

    walk(value)
    parent, key = nodes[int(rng.integers(0, len(nodes)))]
    kind = int(rng.integers(0, 4))
    if kind == 0 and isinstance(parent, dict):
        del parent[key]
    elif kind == 1 and isinstance(parent, dict):
        parent["unknown_" + str(key)] = NASTY[int(rng.integers(0, len(NASTY)))]
    else:
        parent[key] = NASTY[int(rng.integers(0, len(NASTY)))]
    return value


def test_thousands_of_mutated_circuit_files_load_or_are_refused_by_name():
    rng = np.random.default_rng(17)
    names = ("int0_button", "bounce", "adc_pot", "traffic_light")
    bases = [json.loads((ROOT / "resources" / "examples" / n / "circuit.json").read_text())
             for n in names]  # fmt: skip
    for k in range(N):
        doc = bases[k % len(bases)]
        for _ in range(int(rng.integers(1, 4))):
            doc = mutate_json(rng, doc)
        load_circuit(doc)


def test_thousands_of_mutated_cli_inputs_parse_or_raise_value_error():
    rng = np.random.default_rng(18)
    bases = [b"D2=0@100ms", b"A0=1@1.5s", b"D13=z@16000c", b"A0=2.5@10ms", b"A1=3.3"]
    alphabet = b"DA0123456789=@.zZemsucx+-_ "
    for k in range(N):
        text = mutate(rng, bases[k % len(bases)], alphabet).decode("latin-1")
        for parse in (_parse_input, _parse_analog, parse_time):
            try:
                parse(text, 16_000_000)
            except (ValueError, KeyError):
                pass
