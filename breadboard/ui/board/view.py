"""``BoardView``: the Uno beside the breadboard, live from the simulation's snapshots."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QKeyEvent,
    QKeySequence,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtSvgWidgets import QGraphicsSvgItem
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

from ...circuit import (
    GND,
    Circuit,
    Part,
    Potentiometer,
    uno_pin,
)
from ...circuit.placement import COLUMNS, pin_name
from ...sim.trace import FLOATING
from ...sim.worker import Snapshot
from ..resources import resource_path
from .fixed_items import BreadboardItem, OnboardLedItem, PinHotspot, ResetItem, WireItem
from .geometry import BB_H, BB_W, BB_X, BB_Y, UNO_SIZE, rail_hole
from .palette import RAIL_WIRE
from .part_items import ITEM_CLASSES, ButtonItem, LedItem, PartItem, TrafficLightItem
from .pin_state import HEADER_PINS, POWER_PINS, led_brightness_for, pin_state_text


def key_code(key: str) -> int | None:
    """Qt key code of a part's ``key`` ("Space", "A", "F1" …), or None."""
    if not key:
        return None
    seq = QKeySequence(key)
    if seq.isEmpty():
        return None
    return int(seq[0].key().value)


# ---- the view ---------------------------------------------------------------------------------------
class BoardView(QGraphicsView):
    """The Uno and the breadboard with the circuit's parts, live from the simulation's
    snapshots. Buttons, potentiometers and the reset button report through signals."""

    pressed = Signal(str)  # pushbutton part id went down
    released = Signal(str)  # ... went up
    positionChanged = Signal(str, float)  # potentiometer id, 0..1
    resetClicked = Signal()
    circuitEdited = Signal()  # parts moved by dragging (Ctrl+drag), circuit modified in place
    partClicked = Signal(str)  # a part was clicked (for selecting it in a parts list)

    ZOOM_RANGE = (0.5, 10.0)  # relative to fit-to-window

    def __init__(self, circuit: Circuit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
            | QPainter.RenderHint.TextAntialiasing
        )
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 160)

        self.circuit = circuit
        self._snap: Snapshot | None = None
        self._items: dict[str, PartItem] = {}
        self._connections: dict[str, list[QGraphicsItem]] = {}
        self._key_held: dict[int, list[str]] = {}
        self._hovered_pin: PinHotspot | None = None
        self._auto_fit = True
        self._frame = 0

        self._renderer = QSvgRenderer(str(resource_path("uno.svg")), self)
        self._build_static()
        self.set_circuit(circuit)
        self._fit()

    # ---- building ---------------------------------------------------------------------------
    def _svg_rect(self, element: str) -> QRectF:
        return self._renderer.boundsOnElement(element).translated(self._uno.pos())

    def pin_pos(self, name: str) -> QPointF:
        """Scene position of a header pin ("D2", "A0", "5V", "GND2" …)."""
        return self._svg_rect(f"pin-{name}").center()

    def _build_static(self) -> None:
        scene = self.scene()
        self._uno = QGraphicsSvgItem()
        self._uno.setSharedRenderer(self._renderer)
        self._uno.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._uno.setZValue(0)
        scene.addItem(self._uno)
        self._breadboard = BreadboardItem()
        scene.addItem(self._breadboard)

        self._onboard: dict[str, OnboardLedItem] = {}
        colors = {"L": "#ffb020", "TX": "#ffd84a", "RX": "#ffd84a", "ON": "#39ff6a"}
        names = {
            "L": "L: the Uno's LED on D13 (LED_BUILTIN)",
            "TX": "TX: serial data sent",
            "RX": "RX: serial data received",
            "ON": "ON: a firmware is loaded",
        }
        for name, color in colors.items():
            # L off is a dark amber, its own: it must not read as TX/RX (blink's sign of life)
            unlit = QColor("#7a5a1e") if name == "L" else None
            item = OnboardLedItem(self._svg_rect(f"led-{name}"), QColor(color), names[name], unlit)
            scene.addItem(item)
            self._onboard[name] = item
        self._reset = ResetItem(self, self._svg_rect("reset"))
        scene.addItem(self._reset)
        self._hotspots: dict[str, PinHotspot] = {}
        for name in HEADER_PINS:
            spot = PinHotspot(self, name, self._svg_rect(f"pin-{name}"))
            scene.addItem(spot)
            self._hotspots[name] = spot
        # the rails: GND from the digital header to the top rail, 5V and GND from the power
        # header to the bottom rails, and two long jumpers joining bottom and top rails
        last = COLUMNS - 2
        for a, b, color, arch, tip in (
            (self.pin_pos("GND"), rail_hole("top", GND, 0), RAIL_WIRE[GND], True, "GND → rail −"),
            (
                self.pin_pos("5V"),
                rail_hole("bottom", "5V", 0),
                RAIL_WIRE["5V"],
                True,
                "5V → rail +",
            ),
            (
                self.pin_pos("GND2"),
                rail_hole("bottom", GND, 1),
                RAIL_WIRE[GND],
                True,
                "GND → rail −",
            ),
            (
                rail_hole("bottom", "5V", last),
                rail_hole("top", "5V", last),
                RAIL_WIRE["5V"],
                False,
                "5V rails",
            ),
            (
                rail_hole("bottom", GND, last - 1),
                rail_hole("top", GND, last - 1),
                RAIL_WIRE[GND],
                False,
                "GND rails",
            ),
        ):
            scene.addItem(WireItem(a, b, color, arch, tip))
        bounds = QRectF(0, 0, *UNO_SIZE).united(QRectF(BB_X, BB_Y, BB_W, BB_H))
        scene.setSceneRect(bounds.adjusted(-60, -260, 80, 120))
        grad = QLinearGradient(0, scene.sceneRect().top(), 0, scene.sceneRect().bottom())
        grad.setColorAt(0, QColor("#2a2f37"))
        grad.setColorAt(1, QColor("#1c2026"))
        self.setBackgroundBrush(QBrush(grad))

    def set_circuit(self, circuit: Circuit) -> None:
        """Show another circuit (or the same one, edited): rebuild the part items and wires.
        Buttons that were held keep being held."""
        held = {
            pid: (item.pressed_local, item.latched)
            for pid, item in self._items.items()
            if isinstance(item, ButtonItem) and item.pressed_local
        }
        scene = self.scene()
        for item in self._items.values():
            scene.removeItem(item)
        for items in self._connections.values():
            for item in items:
                scene.removeItem(item)
        self._items.clear()
        self._connections.clear()
        self.circuit = circuit
        keys: dict[int, list[str]] = {}
        for part in circuit.parts:
            cls = ITEM_CLASSES.get(type(part))
            if cls is None:
                continue
            try:
                item = cls(self, part)
            except KeyError:  # a part on a pin the Uno does not have: skip it, never crash
                continue
            scene.addItem(item)
            self._items[part.id] = item
            self._rebuild_connections(part)
            if isinstance(item, ButtonItem):
                if part.id in held:
                    item.pressed_local, item.latched = held[part.id]
                code = key_code(part.key)
                if code is not None:
                    keys.setdefault(code, []).append(part.id)
        self._keys = keys
        if self._snap is not None:
            self.show_snapshot(self._snap)
        for spot in self._hotspots.values():
            spot.refresh_tooltip()

    def _rebuild_connections(self, part: Part) -> None:
        scene = self.scene()
        for item in self._connections.pop(part.id, []):
            scene.removeItem(item)
        item = self._items.get(part.id)
        if item is None:
            return
        try:
            items = item.connections()
        except KeyError:
            items = []
        for wire in items:
            scene.addItem(wire)
        self._connections[part.id] = items

    def _circuit_was_edited(self) -> None:
        # the owner may call set_circuit() in response: let the mouse event finish first
        QTimer.singleShot(0, self.circuitEdited.emit)

    # ---- the 60 Hz frame ----------------------------------------------------------------------
    def show_snapshot(
        self, snap: Snapshot, tx_active: bool = False, rx_active: bool = False
    ) -> None:
        """Show one snapshot: LED brightness from each pin's duty over the frame, buttons held
        by the simulation, the onboard L/ON/TX/RX LEDs. Cheap: repaints only what changed."""
        self._snap = snap
        self._frame += 1
        pins = snap.pins
        for item in self._items.values():
            if isinstance(item, LedItem):
                b = led_brightness_for(pins.get(pin_name(item.part.pin)), item.part.to)
                if abs(b - item.brightness) > 0.003:
                    item.brightness = b
                    item.update(item.glow_rect())
            elif isinstance(item, TrafficLightItem):
                changed = False
                for c in item.COLORS:
                    b = led_brightness_for(pins.get(pin_name(getattr(item.part, c))), GND)
                    if abs(b - item.brightness[c]) > 0.003:
                        item.brightness[c] = b
                        changed = True
                if changed:
                    item.update()
            elif isinstance(item, ButtonItem):
                remote = item.part.id in snap.pressed
                if remote != item.pressed_remote:
                    item.pressed_remote = remote
                    item.update()
        d13 = pins.get("D13")
        flicker = 1.0 if self._frame % 4 < 2 else 0.45
        self._set_onboard("L", 0.0 if d13 is None or d13.level == FLOATING else d13.duty)
        self._set_onboard("ON", 1.0 if snap.firmware else 0.0)
        self._set_onboard("TX", flicker if tx_active else 0.0)
        self._set_onboard("RX", flicker if rx_active else 0.0)
        if self._hovered_pin is not None:
            self._hovered_pin.refresh_tooltip()

    def _set_onboard(self, name: str, b: float) -> None:
        item = self._onboard[name]
        b = max(0.0, min(1.0, float(b)))
        if abs(b - item.brightness) > 0.003:
            item.brightness = b
            item.update()

    # ---- queries ---------------------------------------------------------------------------------
    def part_item(self, part_id: str) -> QGraphicsItem:
        """The item drawing a part (KeyError if the circuit has no such part)."""
        return self._items[part_id]

    def led_brightness(self, part_id: str) -> float:
        """Brightness 0..1 as drawn: an LED part; a traffic light (its brightest LED, or
        "id.red"/"id.yellow"/"id.green"); or an onboard LED "L", "TX", "RX", "ON"."""
        name = part_id.removeprefix("led-")
        if name in self._onboard and part_id not in self._items:
            return self._onboard[name].brightness
        base, _, color = part_id.partition(".")
        item = self._items[base]
        if isinstance(item, LedItem):
            return item.brightness
        if isinstance(item, TrafficLightItem):
            return item.brightness[color] if color else max(item.brightness.values())
        raise KeyError(f"{part_id} is not an LED")

    def pin_tooltip(self, pin: str) -> str:
        """The hover text of a header pin: name, port pin, state, and what is wired to it."""
        if pin in POWER_PINS:
            text = POWER_PINS[pin]
            if pin in ("SDA", "SCL"):
                twin = "A4" if pin == "SDA" else "A5"
                text += "\n" + self._io_pin_text(twin)
            return text
        return self._io_pin_text(pin)

    def _io_pin_text(self, pin: str) -> str:
        up = uno_pin(pin)
        state = self._snap.pins.get(up.name) if self._snap is not None else None
        lines = [f"{up.name} ({up.port_pin}): {pin_state_text(state)}"]
        if up.name == "D13":
            lines.append("also drives the L LED")
        for part in self.circuit.parts:
            try:
                names = [uno_pin(p).name for p in part.pins()]
            except KeyError:
                continue
            if up.name in names:
                extra = ""
                if isinstance(part, Potentiometer):
                    extra = f", {part.volts():.2f} V"
                lines.append(f"→ {part.id} ({part.kind.replace('_', ' ')}{extra})")
        return "\n".join(lines)

    # ---- buttons -----------------------------------------------------------------------------------
    def press_part(self, part_id: str, latched: bool = False) -> None:
        """Press a pushbutton as a click would (``latched``: as a Shift+click)."""
        item = self._items[part_id]
        if isinstance(item, ButtonItem):
            item.press(None, latched=latched)

    def release_part(self, part_id: str) -> None:
        """Let go of a pushbutton as releasing the mouse would (a latched one stays down)."""
        item = self._items[part_id]
        if isinstance(item, ButtonItem):
            item.release(None)

    # ---- keyboard -------------------------------------------------------------------------------
    def _handle_key(self, event: QKeyEvent, down: bool) -> bool:
        ids = self._keys.get(int(event.key()))
        if not ids:
            return False
        if event.isAutoRepeat():
            return True
        for pid in ids:
            if down:
                if pid not in self._key_held.setdefault(int(event.key()), []):
                    self._key_held[int(event.key())].append(pid)
                    self.press_part(pid)
            elif pid in self._key_held.get(int(event.key()), []):
                self._key_held[int(event.key())].remove(pid)
                self.release_part(pid)
        return True

    def _release_keys(self) -> None:
        for ids in self._key_held.values():
            for pid in ids:
                if pid in self._items:
                    self.release_part(pid)
        self._key_held.clear()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._handle_key(event, True):
            event.accept()
            return
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and event.key() in (
            Qt.Key.Key_0,
            Qt.Key.Key_Home,
        ):
            self._auto_fit = True
            self._fit()
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if self._handle_key(event, False):
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event) -> None:
        self._release_keys()
        super().focusOutEvent(event)

    def handle_key(self, event: QKeyEvent, pressed: bool) -> bool:
        """A key the window did not use elsewhere: press/release the button it belongs to.

        The main window forwards its unhandled key events here, so buttons' keys work anywhere
        in the window except in widgets that take text.
        """
        return self._handle_key(event, pressed)

    # ---- zoom ----------------------------------------------------------------------------------------
    def _fit(self) -> None:
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self._fit_scale = self.transform().m11()
        self.setDragMode(QGraphicsView.DragMode.NoDrag)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._auto_fit:
            self._fit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._auto_fit:
            self._fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(event)
            return
        steps = event.angleDelta().y() / 120
        if not steps:
            return
        current = self.transform().m11() / self._fit_scale
        lo, hi = self.ZOOM_RANGE
        target = max(lo, min(hi, current * 1.18**steps))
        if abs(target - 1.0) < 0.03:
            self._auto_fit = True
            self._fit()
        else:
            self._auto_fit = False
            self.scale(target / current, target / current)
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.itemAt(event.position().toPoint()) in (None, self._uno, self._breadboard):
            self._auto_fit = True
            self._fit()
            return
        super().mouseDoubleClickEvent(event)
