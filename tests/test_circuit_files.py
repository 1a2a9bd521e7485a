"""Circuit files are untrusted input (issue 15): every field's type, range and enum is checked
by the schema, sizes are capped, every failure is a CircuitError naming the file, the part and
the field, and whatever loads can be used without failing later."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from breadboard.circuit import Circuit, CircuitError, schema

ROOT = Path(__file__).resolve().parents[1]

GOOD = {
    "format": "breadboard-circuit",
    "version": 1,
    "title": "t",
    "firmware": "",
    "parts": [
        {
            "id": "button1",
            "kind": "pushbutton",
            "x": 4,
            "y": 2,
            "pin": "D2",
            "to": "GND",
            "pull": "none",
            "key": "Space",
            "bounce": {"enabled": True, "duration_ms": 3.0, "count": 6, "seed": 7},
        },
        {"id": "led1", "kind": "led", "pin": "D13", "color": "red", "resistor_ohms": 220},
        {"id": "pot1", "kind": "potentiometer", "pin": "A0", "position": 0.25},
        {"id": "tl", "kind": "traffic_light", "red": "D10", "yellow": "D9", "green": "D8"},
    ],
}


def write(tmp_path, data, name="c.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def with_field(index: int, field: str, value, sub: str | None = None) -> dict:
    data = copy.deepcopy(GOOD)
    target = data["parts"][index]
    if sub is not None:
        target = target[sub]
    target[field] = value
    return data


def refused(tmp_path, data) -> str:
    path = write(tmp_path, data)
    with pytest.raises(CircuitError) as info:
        Circuit.load(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    return message


def test_a_good_file_and_every_example_load_and_round_trip(tmp_path):
    c = Circuit.load(write(tmp_path, GOOD))
    assert [p.kind for p in c.parts] == ["pushbutton", "led", "potentiometer", "traffic_light"]
    c.save(tmp_path / "again.json")
    assert Circuit.load(tmp_path / "again.json").to_dict() == c.to_dict()
    for f in (ROOT / "resources" / "examples").glob("*/circuit.json"):
        Circuit.load(f)


# ---- the cases of issue 15's "Why", each once an escaped exception or a later crash ------


def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path):
    deep = '{"format": "breadboard-circuit", "version": 1, "x": ' + "[" * 100_000 + "]" * 100_000
    assert "nested too deeply" in refused(tmp_path, deep + "}")


def test_a_5000_digit_integer_is_refused_not_a_value_error(tmp_path):
    text = json.dumps(GOOD).replace('"x": 4', '"x": ' + "9" * 5000)
    assert "cannot read the JSON" in refused(tmp_path, text)


@pytest.mark.parametrize("where", ["pin", "label", "version", "negative-version"])
def test_a_huge_integer_given_to_from_dict_is_refused_with_a_readable_message(where):
    """Found by tests/test_fuzz_mutations.py: the message itself must not fail on a number
    Python will not print (over 4,300 digits)."""
    huge = 10**5000
    value = {"pin": huge, "label": {"n": huge}, "version": huge, "negative-version": -huge}[where]
    where = where.removeprefix("negative-")
    data = copy.deepcopy(GOOD)
    (data if where == "version" else data["parts"][0])[where] = value
    with pytest.raises(CircuitError) as info:
        Circuit.from_dict(data, "big.json")
    assert str(info.value).startswith("big.json: ") and len(str(info.value)) < 300


def test_a_list_as_kind_is_refused_naming_the_field(tmp_path):
    msg = refused(tmp_path, with_field(0, "kind", []))
    assert "part 1, field 'kind'" in msg and "pushbutton" in msg


def test_a_nul_in_the_path_is_a_circuit_error():
    with pytest.raises(CircuitError, match="cannot read"):
        Circuit.load("bad\x00name.json")


def test_a_string_bounce_count_is_refused_not_a_crash_on_the_first_press(tmp_path):
    msg = refused(tmp_path, with_field(0, "count", "6", sub="bounce"))
    assert "part 'button1' (pushbutton), field 'bounce.count': must be a whole number" in msg


def test_a_list_as_resistor_ohms_is_refused(tmp_path):
    msg = refused(tmp_path, with_field(1, "resistor_ohms", [1]))
    assert "part 'led1' (led), field 'resistor_ohms'" in msg


def test_a_word_as_position_is_refused(tmp_path):
    msg = refused(tmp_path, with_field(2, "position", "half"))
    assert "part 'pot1' (potentiometer), field 'position': must be a number" in msg


def test_a_bounce_count_of_a_billion_is_refused(tmp_path):
    msg = refused(tmp_path, with_field(0, "count", 10**9, sub="bounce"))
    assert f"field 'bounce.count': must be <= {schema.MAX_BOUNCES}" in msg


@pytest.mark.parametrize(
    "index, field, value, words",
    [
        (0, "to", "banana", "field 'to': must be one of 'GND' or '5V'"),
        (0, "pull", "sideways", "field 'pull': must be one of"),
        (1, "resistor_ohms", -5, "field 'resistor_ohms': must be >= 1"),
        (2, "position", float("nan"), "field 'position'"),
        (2, "pin", "D13", "field 'pin': a potentiometer's wiper goes to an analog input"),
        (1, "color", "purple", "field 'color'"),
        (1, "pin", "D99", "field 'pin': unknown Uno pin"),
        (3, "green", 8, "field 'green': must be a string"),
        (0, "x", 4.5, "field 'x': must be a whole number"),
        (0, "y", 99, "field 'y': must be <= 9"),
        (0, "id", "", "field 'id': must not be empty"),
        (0, "label", "x" * 10_000, "field 'label': is too long"),
        (0, "key", "a\x00b", "field 'key': must not contain a NUL"),
        (2, "position", True, "field 'position': must be a number"),
    ],
)
def test_nonsense_values_are_refused_naming_part_and_field(tmp_path, index, field, value, words):
    msg = refused(tmp_path, with_field(index, field, value))
    assert words in msg, msg


def test_infinite_bounce_duration_and_zero_duration_are_refused(tmp_path):
    assert "bounce.duration_ms" in refused(
        tmp_path, with_field(0, "duration_ms", float("inf"), sub="bounce")
    )
    assert "bounce.duration_ms" in refused(tmp_path, with_field(0, "duration_ms", 0, sub="bounce"))


def test_sizes_are_capped(tmp_path):
    many = copy.deepcopy(GOOD)
    many["parts"] = [
        {"id": f"led{i}", "kind": "led", "pin": "D13"} for i in range(schema.MAX_PARTS + 1)
    ]
    assert "too many parts" in refused(tmp_path, many)
    big = write(tmp_path, " " * (schema.MAX_FILE_BYTES + 1), "big.json")
    with pytest.raises(CircuitError, match="too large"):
        Circuit.load(big)
    assert "title" in refused(tmp_path, {**GOOD, "title": "t" * 1000})


def test_duplicate_ids_and_bad_header_fields_are_refused(tmp_path):
    dup = copy.deepcopy(GOOD)
    dup["parts"][1]["id"] = "button1"
    assert "used twice" in refused(tmp_path, dup)
    assert "field 'firmware'" in refused(tmp_path, {**GOOD, "firmware": 5})
    assert "format version" in refused(tmp_path, {**GOOD, "version": True})


def test_what_loads_can_be_used(tmp_path):
    """The loaded bounce, LED and potentiometer work: the cases that once crashed on use."""
    data = with_field(0, "duration_ms", schema.MIN_BOUNCE_MS, sub="bounce")
    data["parts"][0]["bounce"]["count"] = schema.MAX_BOUNCES
    c = Circuit.load(write(tmp_path, data))
    edges = c.part("button1").bounce.edges(0, 1000, 16_000_000, 1)
    assert edges[-1][1] == 0 and len(edges) <= schema.MAX_BOUNCES + 2
    assert c.part("led1").current_ma() > 0
    assert c.part("pot1").volts() == pytest.approx(1.25)
    assert c.drives({"button1"})["D2"] == 0
