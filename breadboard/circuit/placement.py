"""Where parts sit on the breadboard: its columns and rows, each kind's footprint, the Uno
pins a circuit uses, and a free spot for a new part (pure Python, no drawing)."""

from __future__ import annotations

from collections.abc import Iterable

from .parts import Circuit, Part, TrafficLight
from .pins import uno_pin

#: Columns of the breadboard (a "half+" board: 30 columns, rows a-j, two rails each side).
COLUMNS = 30
ROWS = 10


def half(part: Part) -> str:
    """ "top" for a part in rows a-e, "bottom" for rows f-j."""
    return "top" if part.y < 5 else "bottom"


def connection_row(part: Part, second: bool = False) -> int:
    """The free row where wires plug into a part's column strips (row a above the channel,
    row j below it; ``second``: the next one in)."""
    if half(part) == "top":
        return 1 if second else 0
    return 8 if second else 9


#: Columns a kind covers, from its anchor column (for finding free spots), and its rows.
FOOTPRINTS: dict[str, tuple[int, int, int]] = {
    # kind: (first column offset, columns, rows down from the anchor)
    "pushbutton": (-2, 5, 3),
    "led": (-2, 4, 2),
    "potentiometer": (0, 3, 3),
    "traffic_light": (0, 4, 4),
}


def footprint_columns(part: Part) -> range:
    """The breadboard columns a part and its resistors/jumpers take up."""
    first, width, _ = FOOTPRINTS.get(part.kind, (0, 1, 1))
    return range(part.x + first, part.x + first + width)


def allowed_rows(kind: str) -> list[int]:
    """Anchor rows where a kind of part fits with its wires (used when dragging)."""
    return {
        "pushbutton": [2, 5],
        "led": [2, 3, 6, 7],
        "potentiometer": [1, 2, 5],
        "traffic_light": [1, 2],
    }.get(kind, list(range(ROWS)))


def pin_name(pin: str) -> str:
    try:
        return uno_pin(pin).name
    except KeyError:
        return pin


def parts_on_pins(circuit: Circuit) -> dict[str, list[str]]:
    """Uno pin name -> ids of the parts wired to it."""
    out: dict[str, list[str]] = {}
    for part in circuit.parts:
        for pin in part.pins():
            out.setdefault(pin_name(pin), []).append(part.id)
    return out


def used_columns(parts: Iterable[Part]) -> set[int]:
    """Breadboard columns taken by the given parts (their footprints)."""
    cols: set[int] = set()
    for part in parts:
        cols.update(footprint_columns(part))
    return cols


def _halves(part: Part) -> set[str]:
    return {"top", "bottom"} if isinstance(part, TrafficLight) else {half(part)}


def free_spot(circuit: Circuit, kind: str) -> tuple[int, int]:
    """A breadboard anchor ``(x, y)`` where a new part of ``kind`` fits beside the others
    (a free column on each side; the upper half first)."""
    first, width, _ = FOOTPRINTS.get(kind, (0, 1, 1))
    rows = allowed_rows(kind)
    for y in rows:
        wanted = {"top", "bottom"} if kind == "traffic_light" else {"top" if y < 5 else "bottom"}
        taken = used_columns(p for p in circuit.parts if _halves(p) & wanted)
        for x in range(-first, COLUMNS - (first + width) + 1):
            span = set(range(x + first - 1, x + first + width + 1))
            if span.isdisjoint(taken):
                return x, y
    return -first, rows[0]
