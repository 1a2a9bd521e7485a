"""One item per kind of part on the breadboard (pushbutton, LED, potentiometer, traffic
light), each painting itself and wiring itself to the Uno; Ctrl+drag moves a part."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QRadialGradient,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsSceneMouseEvent,
    QGraphicsSceneWheelEvent,
    QStyleOptionGraphicsItem,
)

from ...circuit import (
    GND,
    Led,
    Part,
    Potentiometer,
    Pushbutton,
    TrafficLight,
    uno_pin,
)
from ...circuit.placement import (
    COLUMNS,
    FOOTPRINTS,
    allowed_rows,
    connection_row,
    footprint_columns,
    half,
)
from .fixed_items import ResistorItem, WireItem
from .geometry import BB_Y, PITCH, ROW_A_Y, ROW_F_Y, hole, rail_hole
from .paint import draw_cached, draw_led, led_glow_rect, make_font, make_pen
from .palette import ACCENT, LATCH, LED_COLORS_ON, RAIL_WIRE, WIRE_COLORS, format_ohms

if TYPE_CHECKING:
    from .view import BoardView


# ---- parts ------------------------------------------------------------------------------------------
class PartItem(QGraphicsObject):
    """A part on the breadboard, anchored at its ``(x, y)`` hole. Ctrl+drag moves it."""

    def __init__(self, view: BoardView, part: Part) -> None:
        super().__init__()
        self.view = view
        self.part = part
        self.setZValue(5)
        self.setAcceptHoverEvents(True)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self._drag_origin: QPointF | None = None
        self._drag_start: tuple[int, int] = (0, 0)
        self._moved = False
        self.place()

    # where things are
    def place(self) -> None:
        self.prepareGeometryChange()
        self._geometry: dict[str, QRectF | QPointF] = {}  # what depends on where it sits
        self.setPos(hole(self.part.x, self.part.y))

    def local_hole(self, dc: float, dr: float) -> QPointF:
        """A hole ``dc`` columns and ``dr`` rows from the anchor, in item coordinates."""
        return self.mapFromScene(hole(self.part.x + dc, self.part.y + dr))

    def label_rect(self) -> QRectF:
        """Where the part's caption goes: in the centre channel under its columns."""
        r = self._geometry.get("label")
        if r is None:
            cols = footprint_columns(self.part)
            cx = (hole(cols.start, 0).x() + hole(cols.stop - 1, 0).x()) / 2
            y = BB_Y + (ROW_A_Y + 4 * PITCH + ROW_F_Y) / 2
            r = self._geometry["label"] = QRectF(
                self.mapFromScene(QPointF(cx - 300, y - 55)),
                self.mapFromScene(QPointF(cx + 300, y + 55)),
            )
        return QRectF(r)

    def caption(self) -> str:
        return self.part.label or self.part.id

    def body_rect(self) -> QRectF:
        raise NotImplementedError

    def boundingRect(self) -> QRectF:
        return self.body_rect().united(self.label_rect()).adjusted(-20, -20, 20, 20)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.body_rect(), 30, 30)
        return path

    def paint_caption(self, p: QPainter, extra: str = "") -> None:
        r = self.label_rect()
        text = self.caption() + (f" · {extra}" if extra else "")
        draw_cached(p, ("caption", text), r, lambda q: self._paint_caption(q, r, text))

    @staticmethod
    def _paint_caption(p: QPainter, r: QRectF, text: str) -> None:
        font = make_font(58, bold=True)
        fm = QFontMetricsF(font)
        w = min(r.width(), fm.horizontalAdvance(text) + 44)
        box = QRectF(r.center().x() - w / 2, r.center().y() - 40, w, 80)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(40, 44, 52, 215))
        p.drawRoundedRect(box, 22, 22)
        p.setPen(QColor("#f4f4f4"))
        p.setFont(font)
        p.drawText(
            box,
            Qt.AlignmentFlag.AlignCenter,
            fm.elidedText(text, Qt.TextElideMode.ElideRight, w - 30),
        )

    # moving (Ctrl+drag) --------------------------------------------------------------------
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.view.partClicked.emit(self.part.id)
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._drag_origin = event.scenePos()
            self._drag_start = (self.part.x, self.part.y)
            self._moved = False
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        self._drag_origin = None
        self.press(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._drag_origin is None:
            self.drag(event)
            return
        delta = event.scenePos() - self._drag_origin
        x0, y0 = self._drag_start
        col = round(x0 + delta.x() / PITCH)
        phys0 = y0 if y0 < 5 else y0 + 2
        target = phys0 + delta.y() / PITCH
        rows = allowed_rows(self.part.kind)
        row = min(rows, key=lambda r: abs((r if r < 5 else r + 2) - target))
        first, width, _ = FOOTPRINTS.get(self.part.kind, (0, 1, 1))
        col = max(-first, min(COLUMNS - (first + width), col))
        if (col, row) != (self.part.x, self.part.y):
            self.part.x, self.part.y = col, row
            self._moved = True
            self.place()
            self.view._rebuild_connections(self.part)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._drag_origin is None:
            self.release(event)
            return
        self._drag_origin = None
        self.unsetCursor()
        if self._moved:
            self.view._circuit_was_edited()

    # what a plain click does (subclasses) ---------------------------------------------------------
    def press(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()

    def drag(self, event: QGraphicsSceneMouseEvent) -> None:
        pass

    def release(self, event: QGraphicsSceneMouseEvent) -> None:
        pass

    def connections(self) -> list[QGraphicsItem]:
        """The wires, jumpers and resistors joining this part to the Uno and the rails."""
        return []

    # helpers for connections
    def uno_wire(self, pin: str, dc: int) -> WireItem:
        name = uno_pin(pin).name
        end = hole(self.part.x + dc, connection_row(self.part))
        color = WIRE_COLORS[uno_pin(pin).number % len(WIRE_COLORS)]
        return WireItem(
            self.view.pin_pos(name), end, color, arch=True, tooltip=f"{name} → {self.part.id}"
        )

    def rail_jumper(self, rail: str, dc: int, second: bool = False) -> WireItem:
        a = hole(self.part.x + dc, connection_row(self.part, second))
        b = rail_hole(half(self.part), rail, self.part.x + dc)
        return WireItem(a, b, RAIL_WIRE[rail], arch=False, tooltip=f"{self.part.id} → {rail}")


class ButtonItem(PartItem):
    """A tactile pushbutton: momentary while the mouse (or its key) is down; Shift+click latches
    it until the next click. Legs at (0,0) (2,0) (0,2) (2,2); it joins column x to x+2."""

    part: Pushbutton

    def __init__(self, view: BoardView, part: Pushbutton) -> None:
        super().__init__(view, part)
        self.pressed_local = False
        self.latched = False
        self.pressed_remote = False
        self._swallow_release = False
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        key = f" (key {part.key})" if part.key else ""
        self.setToolTip(
            f"{part.id}: pushbutton on {uno_pin(part.pin).name} to {part.to}{key}\n"
            "Click: press while held · Shift+click: latch · Ctrl+drag: move"
        )

    @property
    def is_pressed(self) -> bool:
        return self.pressed_local or self.pressed_remote

    def body_rect(self) -> QRectF:
        a, b = self.local_hole(0, 0), self.local_hole(2, 2)
        return QRectF(a, b).adjusted(-40, -40, 40, 40)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        body = self.body_rect()
        # legs
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#b9c0c6"))
        for dc in (0, 2):
            for dr in (0, 2):
                h = self.local_hole(dc, dr)
                out = -1 if dc == 0 else 1
                p.drawRoundedRect(QRectF(h.x() - 20 + out * 30, h.y() - 14, 40, 28), 6, 6)
        # body
        p.setBrush(QColor(0, 0, 0, 80))
        p.drawRoundedRect(body.translated(8, 14), 24, 24)
        grad = QLinearGradient(body.topLeft(), body.bottomRight())
        grad.setColorAt(0, QColor("#3b3f45"))
        grad.setColorAt(1, QColor("#1d1f23"))
        p.setBrush(QBrush(grad))
        p.setPen(QPen(QColor("#0d0e10"), 5))
        p.drawRoundedRect(body, 24, 24)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#7b828a"))
        for c in (body.topLeft(), body.topRight(), body.bottomLeft(), body.bottomRight()):
            p.drawEllipse(
                c
                + QPointF(
                    28 if c.x() < body.center().x() else -28,
                    28 if c.y() < body.center().y() else -28,
                ),
                12,
                12,
            )
        # cap
        center = body.center()
        down = self.is_pressed
        ring = LATCH if self.latched else ACCENT
        if down:
            halo = QRadialGradient(center, 150)
            c0 = QColor(ring)
            c0.setAlpha(150)
            c1 = QColor(ring)
            c1.setAlpha(0)
            halo.setColorAt(0.55, c0)
            halo.setColorAt(1.0, c1)
            p.setBrush(QBrush(halo))
            p.drawEllipse(center, 150, 150)
        r = 80.0 if not down else 72.0
        cap = QRadialGradient(center + QPointF(-25, -30), r * 1.4)
        if down:
            cap.setColorAt(0, QColor("#1a1c1f"))
            cap.setColorAt(1, QColor("#3a3e44"))
        else:
            cap.setColorAt(0, QColor("#5a6068"))
            cap.setColorAt(1, QColor("#202327"))
        p.setBrush(QBrush(cap))
        p.setPen(QPen(ring if down else QColor("#0b0c0e"), 10 if down else 5))
        p.drawEllipse(center, r, r)
        extra = self.part.key if self.part.key else ""
        if self.latched:
            extra = (extra + " · held").strip(" ·")
        self.paint_caption(p, extra)

    # pressing ------------------------------------------------------------------------------------
    def press(
        self, event: QGraphicsSceneMouseEvent | None = None, latched: bool | None = None
    ) -> None:
        if event is not None:
            event.accept()
            latched = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if self.latched:  # a click on a latched button lets it go
            self.latched = False
            self.pressed_local = False
            self._swallow_release = True
            self.update()
            self.view.released.emit(self.part.id)
            return
        if self.pressed_local:
            return
        self.pressed_local = True
        self.latched = bool(latched)
        self._swallow_release = False
        self.update()
        self.view.pressed.emit(self.part.id)

    def release(self, event: QGraphicsSceneMouseEvent | None = None) -> None:
        if self._swallow_release:
            self._swallow_release = False
            return
        if not self.pressed_local or self.latched:
            return
        self.pressed_local = False
        self.update()
        self.view.released.emit(self.part.id)

    def connections(self) -> list[QGraphicsItem]:
        part = self.part
        items: list[QGraphicsItem] = [self.uno_wire(part.pin, 0), self.rail_jumper(part.to, 2)]
        if part.pull in ("up", "down"):  # 10 k from the pin's strip to a spare strip + jumper
            rail = "5V" if part.pull == "up" else GND
            row = connection_row(part, second=True)
            items.append(
                ResistorItem(
                    hole(part.x - 2, row),
                    hole(part.x, row),
                    10_000,
                    f"{part.id}: 10 kΩ pull-{part.pull}",
                )
            )
            items.append(self.rail_jumper(rail, -2))
        return items


class LedItem(PartItem):
    """An LED with its series resistor: the pin-side leg at the anchor, the rail-side leg one
    column right, the resistor from two columns left (where the Uno's wire goes) one row down."""

    part: Led

    def __init__(self, view: BoardView, part: Led) -> None:
        super().__init__(view, part)
        self.brightness = 0.0
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)  # exposedRect
        self.setToolTip(
            f"{part.id}: {part.color} LED on {uno_pin(part.pin).name} to {part.to} "
            f"through {format_ohms(part.resistor_ohms)} ({part.current_ma():.0f} mA when lit)\n"
            "Ctrl+drag: move"
        )

    def center(self) -> QPointF:
        c = self._geometry.get("center")
        if c is None:
            c = self._geometry["center"] = (self.local_hole(0, 0) + self.local_hole(1, 0)) / 2
        return QPointF(c)

    def body_rect(self) -> QRectF:
        c = self.center()
        return QRectF(c.x() - 100, c.y() - 100, 200, 200)

    def boundingRect(self) -> QRectF:
        return self.glow_rect().united(self.label_rect()).adjusted(-10, -10, 10, 10)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addEllipse(self.body_rect())
        return path

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = LED_COLORS_ON.get(self.part.color, LED_COLORS_ON["red"])
        # legs
        p.setPen(make_pen(QColor("#aab1b7"), 12, Qt.PenCapStyle.RoundCap))
        for dc in (0, 1):
            h = self.local_hole(dc, 0)
            p.drawPoint(h)
        # the flat (cathode) is on the pin side when the LED goes to 5V
        draw_led(
            p, self.center(), 92, color, self.brightness, flat=1 if self.part.to == GND else -1
        )
        if option.exposedRect.intersects(self.label_rect()):  # not when only the glow changed
            self.paint_caption(p)

    def glow_rect(self) -> QRectF:
        """What a change of brightness repaints."""
        return led_glow_rect(self.center(), 92)

    def connections(self) -> list[QGraphicsItem]:
        part = self.part
        row = part.y + (1 if half(part) == "top" else -1)
        res = ResistorItem(
            hole(part.x - 2, row),
            hole(part.x, row),
            part.resistor_ohms,
            f"{part.id}: {format_ohms(part.resistor_ohms)} series resistor",
        )
        return [self.uno_wire(part.pin, -2), res, self.rail_jumper(part.to, 1)]


class PotItem(PartItem):
    """A potentiometer: legs GND, wiper, 5V at columns x, x+1, x+2; drag the knob (or use the
    wheel over it) to turn it."""

    part: Potentiometer
    SWEEP = 270.0

    def __init__(self, view: BoardView, part: Potentiometer) -> None:
        super().__init__(view, part)
        self._grab: tuple[QPointF, float] | None = None
        self.setCursor(Qt.CursorShape.SizeVerCursor)
        self.setToolTip(
            f"{part.id}: {format_ohms(part.ohms)} potentiometer, wiper on {uno_pin(part.pin).name}\n"
            "Drag up/right (or scroll) to turn · Ctrl+drag: move"
        )

    def center(self) -> QPointF:
        return self.local_hole(1, 0) + QPointF(0, 160)

    def body_rect(self) -> QRectF:
        c = self.center()
        return QRectF(c.x() - 140, c.y() - 185, 280, 325)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        c = self.center()
        pos = max(0.0, min(1.0, self.part.position))
        # legs
        p.setPen(make_pen(QColor("#aab1b7"), 22, Qt.PenCapStyle.RoundCap))
        for dc in (0, 1, 2):
            h = self.local_hole(dc, 0)
            p.drawLine(h, QPointF(h.x(), c.y() - 60))
        # housing
        p.setPen(QPen(QColor("#0c2f66"), 5))
        grad = QLinearGradient(c + QPointF(0, -130), c + QPointF(0, 130))
        grad.setColorAt(0, QColor("#2f6fd0"))
        grad.setColorAt(1, QColor("#1a4a9a"))
        p.setBrush(QBrush(grad))
        p.drawRoundedRect(QRectF(c.x() - 130, c.y() - 120, 260, 250), 30, 30)
        # the track: 0 at lower left, 1 at lower right
        start = 225.0
        track = QRectF(c.x() - 108, c.y() - 108, 216, 216)
        p.setPen(make_pen(QColor(0, 0, 0, 110), 16, Qt.PenCapStyle.RoundCap))
        p.drawArc(track, int(start * 16), int(-self.SWEEP * 16))
        p.setPen(make_pen(ACCENT, 16, Qt.PenCapStyle.RoundCap))
        p.drawArc(track, int(start * 16), int(-self.SWEEP * pos * 16))
        # knob
        knob = QRadialGradient(c + QPointF(-25, -30), 120)
        knob.setColorAt(0, QColor("#f1f3f4"))
        knob.setColorAt(1, QColor("#a9b0b6"))
        p.setBrush(QBrush(knob))
        p.setPen(QPen(QColor("#5f666d"), 5))
        p.drawEllipse(c, 84, 84)
        angle = math.radians(start - self.SWEEP * pos)
        tip = c + QPointF(math.cos(angle) * 72, -math.sin(angle) * 72)
        p.setPen(make_pen(QColor("#1d2126"), 16, Qt.PenCapStyle.RoundCap))
        p.drawLine(c + QPointF(math.cos(angle) * 18, -math.sin(angle) * 18), tip)
        self.paint_caption(p, f"{self.part.volts():.2f} V")

    def press(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        self._grab = (event.scenePos(), self.part.position)

    def drag(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._grab is None:
            return
        origin, start = self._grab
        d = event.scenePos() - origin
        self.set_position(start + (d.x() - d.y()) / 600.0)

    def release(self, event: QGraphicsSceneMouseEvent) -> None:
        self._grab = None

    def wheelEvent(self, event: QGraphicsSceneWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            event.ignore()
            return
        self.set_position(self.part.position + 0.02 * event.delta() / 120)
        event.accept()

    def set_position(self, value: float) -> None:
        value = round(max(0.0, min(1.0, value)), 4)
        if abs(value - self.part.position) < 1e-6:
            return
        self.part.position = value
        self.update()
        self.view.positionChanged.emit(self.part.id, value)

    def connections(self) -> list[QGraphicsItem]:
        part = self.part
        return [self.uno_wire(part.pin, 1), self.rail_jumper(GND, 0), self.rail_jumper("5V", 2)]


class TrafficLightItem(PartItem):
    """A traffic-light module: pins R, Y, G, GND at columns x..x+3; three LEDs to GND."""

    part: TrafficLight
    COLORS = ("red", "yellow", "green")

    def __init__(self, view: BoardView, part: TrafficLight) -> None:
        super().__init__(view, part)
        self.brightness = {c: 0.0 for c in self.COLORS}
        pins = ", ".join(f"{c} {uno_pin(getattr(part, c)).name}" for c in self.COLORS)
        self.setToolTip(f"{part.id}: traffic light ({pins})\nCtrl+drag: move")

    def body_rect(self) -> QRectF:
        a = self.local_hole(0, 0)
        return QRectF(a.x() - 60, a.y() - 50, 420, 760)

    def label_rect(self) -> QRectF:
        r = self.body_rect()
        return QRectF(r.left() + 20, r.bottom() - 110, r.width() - 40, 80)

    def boundingRect(self) -> QRectF:
        return self.body_rect().adjusted(-240, -240, 240, 240)

    def led_center(self, i: int) -> QPointF:
        a = self.local_hole(0, 0)
        return QPointF(a.x() + 150, a.y() + 200 + i * 150)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        body = self.body_rect()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 90))
        p.drawRoundedRect(body.translated(8, 14), 34, 34)
        p.setPen(QPen(QColor("#050607"), 5))
        p.setBrush(QColor("#1f2327"))
        p.drawRoundedRect(body, 34, 34)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#3a4047"))
        p.drawRoundedRect(QRectF(body.center().x() - 100, body.top() + 95, 200, 470), 80, 80)
        # header pins and their names
        p.setFont(make_font(40, bold=True))
        for dc, name in enumerate(("R", "Y", "G", "GND")):
            h = self.local_hole(dc, 0)
            p.setBrush(QColor("#d9b44a"))
            p.setPen(Qt.PenStyle.NoPen)
            p.drawRoundedRect(QRectF(h.x() - 22, h.y() - 22, 44, 44), 6, 6)
            p.setPen(QColor("#e8e8e8"))
            p.drawText(QRectF(h.x() - 50, h.y() + 24, 100, 50), Qt.AlignmentFlag.AlignCenter, name)
        for i, c in enumerate(self.COLORS):
            draw_led(p, self.led_center(i), 62, LED_COLORS_ON[c], self.brightness[c])
        p.setFont(make_font(50, bold=True))
        p.setPen(QColor("#e8e8e8"))
        r = self.label_rect()
        fm = QFontMetricsF(p.font())
        p.drawText(
            r,
            Qt.AlignmentFlag.AlignCenter,
            fm.elidedText(self.caption(), Qt.TextElideMode.ElideRight, r.width()),
        )

    def connections(self) -> list[QGraphicsItem]:
        part = self.part
        wires: list[QGraphicsItem] = [
            self.uno_wire(getattr(part, c), i) for i, c in enumerate(self.COLORS)
        ]
        wires.append(self.rail_jumper(GND, 3))
        return wires


ITEM_CLASSES: dict[type[Part], Callable[[BoardView, Part], PartItem]] = {
    Pushbutton: ButtonItem,  # type: ignore[dict-item]
    Led: LedItem,  # type: ignore[dict-item]
    Potentiometer: PotItem,  # type: ignore[dict-item]
    TrafficLight: TrafficLightItem,  # type: ignore[dict-item]
}
