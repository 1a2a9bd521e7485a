"""The breadboard view: the Uno (drawn from resources/uno.svg) beside a breadboard with the
circuit's parts on it, wired to the Uno's header.

Scene units are mils (1/1000 inch), so the header pitch and the breadboard's hole pitch are both
100. The Uno's SVG is drawn 1:1 at the scene origin; every header pin, onboard LED and the
reset button has an SVG id, and ``QSvgRenderer.boundsOnElement`` places the hotspots and wire
ends on them exactly.

Parts sit on the breadboard at ``(x, y)`` in holes: ``x`` is the column (0-29), ``y`` the row
(0-4 = a-e above the centre channel, 5-9 = f-j below it). Each kind's legs are at fixed hole
offsets from that anchor (``breadboard.circuit.placement``); the wires from the Uno go into free
holes of the same column strips (row a, or row j for a part in the lower half), and the rail
legs go to the nearer power rails.

``BoardView.show_snapshot`` runs at 60 Hz: it only changes numbers on existing items and
repaints those whose look changed. Items are rebuilt only by ``set_circuit`` (and a part's own
wires while it is Ctrl+dragged).

The modules: ``geometry`` (scene coordinates of holes and rails), ``palette`` (colours),
``paint`` (painting helpers), ``pin_state`` (tooltip words, LED brightness), ``fixed_items``
(breadboard, wires, resistors, the Uno's LEDs, pins and reset button), ``part_items`` (one item
per kind of part) and ``view`` (``BoardView``).
"""

from ...circuit.placement import free_spot, parts_on_pins
from .geometry import hole, rail_hole
from .palette import LED_COLORS_ON, WIRE_COLORS, format_ohms, resistor_bands
from .pin_state import led_brightness_for, pin_state_text
from .view import BoardView, key_code

__all__ = [
    "BoardView",
    "LED_COLORS_ON",
    "WIRE_COLORS",
    "free_spot",
    "parts_on_pins",
    "pin_state_text",
    "led_brightness_for",
    "key_code",
    "hole",
    "rail_hole",
    "format_ohms",
    "resistor_bands",
]
