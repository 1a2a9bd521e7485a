"""The circuit file's schema: every field's type, range and enum, and the size caps.

A circuit file is untrusted input. ``validate_circuit`` checks a decoded JSON document against
this schema (pydantic models in strict mode: ``"count": "6"`` is not a count, ``true`` is not
a number, NaN is not a position) and raises ``CircuitError`` naming the file, the part and the
field on the first problem. What passes is safe to use: nothing that loads can fail later.
"""

from __future__ import annotations

import os
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .pins import uno_pin

#: Size caps: a circuit file bigger than these is refused, not slowly digested.
MAX_FILE_BYTES = 1_000_000
MAX_PARTS = 200
MAX_DEPTH = 32  # JSON nesting (a real file nests 4 deep)
MAX_ID = 64
MAX_TEXT = 200  # title, label
MAX_PATH = 4096
MAX_BOUNCES = 100
MAX_BOUNCE_MS = 100.0
MIN_BOUNCE_MS = 0.01  # at 16 MHz, 160 cycles: room for the transitions
MAX_OHMS = 10_000_000
#: The breadboard's holes: columns 0-29, rows 0-9 (a-j).
COLUMNS, ROWS = 30, 10
#: Pins a potentiometer's wiper can go to: the ADC inputs and the comparator's AIN0/AIN1.
ANALOG_PINS = ("A0", "A1", "A2", "A3", "A4", "A5", "D6", "D7")

_STRICT = ConfigDict(strict=True, extra="ignore", frozen=True)

Text = Annotated[str, Field(max_length=MAX_TEXT)]
PartId = Annotated[str, Field(min_length=1, max_length=MAX_ID)]
Column = Annotated[int, Field(ge=0, le=COLUMNS - 1)]
Row = Annotated[int, Field(ge=0, le=ROWS - 1)]
Ohms = Annotated[int, Field(ge=1, le=MAX_OHMS)]
Rail = Literal["GND", "5V"]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    return value


def _pin(value: str) -> str:
    if len(value) > 16:
        raise ValueError("is not an Uno pin name (too long)")
    try:
        uno_pin(value)
    except KeyError as e:
        raise ValueError(e.args[0]) from None
    return value


class BounceModel(BaseModel):
    model_config = _STRICT
    enabled: bool = False
    duration_ms: Annotated[
        float, Field(ge=MIN_BOUNCE_MS, le=MAX_BOUNCE_MS, allow_inf_nan=False)
    ] = 2.0
    count: Annotated[int, Field(ge=0, le=MAX_BOUNCES)] = 6
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 1


class PartModel(BaseModel):
    model_config = _STRICT
    id: PartId
    label: Text = ""
    x: Column = 0
    y: Row = 0

    _check_text = field_validator("id", "label")(_no_nul)


class PushbuttonModel(PartModel):
    kind: Literal["pushbutton"] = "pushbutton"
    pin: str = "D2"
    to: Rail = "GND"
    pull: Literal["up", "down", "none"] = "none"
    key: Annotated[str, Field(max_length=32)] = ""
    bounce: BounceModel = BounceModel()

    _check_pin = field_validator("pin")(_pin)
    _check_key = field_validator("key")(_no_nul)


class LedModel(PartModel):
    kind: Literal["led"] = "led"
    pin: str = "D13"
    color: Literal["red", "yellow", "green", "blue", "white"] = "red"
    resistor_ohms: Ohms = 220
    to: Rail = "GND"

    _check_pin = field_validator("pin")(_pin)


class PotentiometerModel(PartModel):
    kind: Literal["potentiometer"] = "potentiometer"
    pin: str = "A0"
    position: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.5
    ohms: Ohms = 10_000

    @field_validator("pin")
    @classmethod
    def _analog(cls, value: str) -> str:
        _pin(value)
        if uno_pin(value).name not in ANALOG_PINS:
            raise ValueError(
                f"a potentiometer's wiper goes to an analog input (A0-A5, or D6/D7 for the "
                f"comparator), not {value}"
            )
        return value


class TrafficLightModel(PartModel):
    kind: Literal["traffic_light"] = "traffic_light"
    red: str = "D10"
    yellow: str = "D9"
    green: str = "D8"

    _check_pins = field_validator("red", "yellow", "green")(_pin)


MODELS: dict[str, type[PartModel]] = {
    "pushbutton": PushbuttonModel,
    "led": LedModel,
    "potentiometer": PotentiometerModel,
    "traffic_light": TrafficLightModel,
}


class HeaderModel(BaseModel):
    model_config = _STRICT
    title: Text = ""
    firmware: Annotated[str, Field(max_length=MAX_PATH)] = ""

    _check_text = field_validator("title", "firmware")(_no_nul)


def json_depth_ok(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when the JSON text nests arrays/objects at most ``limit`` deep (strings skipped);
    checked before decoding so a deep file never reaches the recursive decoder."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def _describe(value: Any) -> str:
    if isinstance(value, int) and value.bit_length() > 64:  # repr() refuses > 4300 digits
        return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    try:
        text = repr(value)
    except ValueError:  # a huge number inside a list or object
        return {dict: "an object", list: "a list"}.get(
            type(value), "a value"
        ) + " with a huge number"
    return text if len(text) <= 40 else text[:37] + "..."


def _field_message(err: dict) -> tuple[str, str]:
    """(field path, reason) of one pydantic error, in the project's words."""
    loc = ".".join(str(p) for p in err.get("loc", ())) or "(the part)"
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    got = err.get("input")
    if kind == "literal_error":
        reason = f"must be one of {ctx.get('expected', '?')}, not {_describe(got)}"
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        lo = {"greater_than_equal": ">= ", "greater_than": "> "}
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        op = lo.get(kind) or {"less_than_equal": "<= ", "less_than": "< "}[kind]
        reason = f"must be {op}{bound}, not {_describe(got)}"
    elif kind == "finite_number":
        reason = f"must be a finite number, not {_describe(got)}"
    elif kind in ("string_too_long", "too_long"):
        reason = f"is too long (at most {ctx.get('max_length', '?')} characters)"
    elif kind == "string_too_short":
        reason = "must not be empty"
    elif kind in ("int_type", "int_from_float", "int_parsing"):
        reason = f"must be a whole number, not {_describe(got)}"
    elif kind in ("float_type", "float_parsing"):
        reason = f"must be a number, not {_describe(got)}"
    elif kind in ("bool_type", "bool_parsing"):
        reason = f"must be true or false, not {_describe(got)}"
    elif kind in ("string_type",):
        reason = f"must be a string, not {_describe(got)}"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        reason = f"must be an object, not {_describe(got)}"
    elif kind == "missing":
        reason = "is missing"
    else:
        reason = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
    return loc, reason


def _error(path: str | os.PathLike, where: str, e: ValidationError):
    from .parts import CircuitError

    loc, reason = _field_message(e.errors(include_url=False)[0])
    return CircuitError(path, f"{where}, field {loc!r}: {reason}")


def validate_header(data: dict, path: str | os.PathLike) -> HeaderModel:
    try:
        return HeaderModel.model_validate(data)
    except ValidationError as e:
        raise _error(path, "the circuit", e) from None


def validate_part(item: object, path: str | os.PathLike, index: int) -> PartModel:
    """One part of the file, checked; ``index`` counts from 1 for messages."""
    from .parts import CircuitError

    if not isinstance(item, dict):
        raise CircuitError(path, f"part {index} is not an object")
    kind = item.get("kind")
    if not isinstance(kind, str) or kind not in MODELS:
        raise CircuitError(
            path,
            f"part {index}, field 'kind': must be one of {', '.join(MODELS)}, "
            f"not {_describe(kind)}",
        )
    pid = item.get("id")
    where = (
        f"part {pid!r} ({kind})"
        if isinstance(pid, str) and len(pid) <= MAX_ID
        else (f"part {index} ({kind})")
    )
    try:
        return MODELS[kind].model_validate(item)
    except ValidationError as e:
        raise _error(path, where, e) from None
