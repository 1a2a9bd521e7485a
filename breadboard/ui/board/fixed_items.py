"""The board's fixed items: the breadboard body, wires, resistors, the Uno's onboard LEDs,
its header pins' hover spots and its reset button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QRadialGradient,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
)

from ...circuit.placement import COLUMNS, ROWS
from .geometry import BB_H, BB_W, BB_X, BB_Y, PITCH, RAIL_GAPS, RAIL_Y, ROW_A_Y, ROW_F_Y, UNO_SIZE
from .paint import make_font, make_pen, mix
from .palette import ACCENT, format_ohms, resistor_bands

if TYPE_CHECKING:
    from .view import BoardView


# ---- static items --------------------------------------------------------------------------------
class BreadboardItem(QGraphicsItem):
    """The breadboard itself: body, centre channel, terminal holes, the four power rails."""

    def __init__(self) -> None:
        super().__init__()
        self.setPos(BB_X, BB_Y)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:
        return QRectF(-10, -10, BB_W + 20, BB_H + 40)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        # shadow, body
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 90))
        p.drawRoundedRect(QRectF(12, 24, BB_W, BB_H), 46, 46)
        grad = QLinearGradient(0, 0, 0, BB_H)
        grad.setColorAt(0, QColor("#f7f5ef"))
        grad.setColorAt(1, QColor("#e9e5da"))
        p.setBrush(QBrush(grad))
        p.setPen(QPen(QColor("#c9c3b4"), 6))
        p.drawRoundedRect(QRectF(0, 0, BB_W, BB_H), 40, 40)
        # centre channel and the grooves beside the rails
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#dcd7ca"))
        p.drawRect(
            QRectF(20, ROW_A_Y + 4 * PITCH + 75, BB_W - 40, ROW_F_Y - ROW_A_Y - 4 * PITCH - 150)
        )
        p.setBrush(QColor("#cdc7b8"))
        mid = (ROW_A_Y + 4 * PITCH + ROW_F_Y) / 2
        p.drawRect(QRectF(20, mid - 8, BB_W - 40, 16))
        p.setPen(QPen(QColor("#d8d3c6"), 6))
        for y in (ROW_A_Y - 90, ROW_F_Y + 4 * PITCH + 90):
            p.drawLine(QLineF(30, y, BB_W - 30, y))
        # rails: coloured lines, + and - marks
        for (side, rail), y in RAIL_Y.items():
            color = QColor("#d8262d") if rail == "5V" else QColor("#2e5fcf")
            outer = rail == "5V"
            line_y = y + (-55 if (side == "top") == outer else 55)
            p.setPen(make_pen(color, 10, Qt.PenCapStyle.RoundCap))
            p.drawLine(QLineF(120, line_y, BB_W - 120, line_y))
            p.setFont(make_font(74, bold=True))
            for x in (50, BB_W - 50):
                p.drawText(
                    QRectF(x - 50, y - 50, 100, 100),
                    Qt.AlignmentFlag.AlignCenter,
                    "+" if rail == "5V" else "−",
                )
        # holes
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#4b4740"))
        s = 34.0
        for c in range(COLUMNS):
            x = 150 + c * PITCH
            for r in range(ROWS):
                y = ROW_A_Y + (r if r < 5 else r + 2) * PITCH
                p.drawRoundedRect(QRectF(x - s / 2, y - s / 2, s, s), 7, 7)
            if c not in RAIL_GAPS:
                for y in RAIL_Y.values():
                    p.drawRoundedRect(QRectF(x - s / 2, y - s / 2, s, s), 7, 7)
        # row letters and column numbers
        p.setPen(QColor("#9a937f"))
        p.setFont(make_font(44, bold=True))
        for r, letter in enumerate("abcdefghij"):
            y = ROW_A_Y + (r if r < 5 else r + 2) * PITCH
            for x in (70, BB_W - 70):
                p.drawText(QRectF(x - 40, y - 30, 80, 60), Qt.AlignmentFlag.AlignCenter, letter)
        p.setFont(make_font(38))
        for c in range(COLUMNS):
            n = c + 1
            if n == 1 or n % 5 == 0:
                x = 150 + c * PITCH
                for y in (ROW_A_Y - 62, ROW_F_Y + 4 * PITCH + 62):
                    p.drawText(
                        QRectF(x - 50, y - 25, 100, 50), Qt.AlignmentFlag.AlignCenter, str(n)
                    )


class WireItem(QGraphicsItem):
    """A jumper wire between two points: a smooth arch (from the Uno) or a straight pre-cut
    jumper (to a rail), with a plug at each end."""

    def __init__(self, a: QPointF, b: QPointF, color: str, arch: bool, tooltip: str = "") -> None:
        super().__init__()
        self.color = QColor(color)
        self.width = 26.0 if arch else 22.0
        self.a, self.b = QPointF(a), QPointF(b)
        self.path = self._arch(a, b) if arch else self._straight(a, b)
        self.setZValue(4 if arch else 3)
        # drawn once into a pixmap: an LED blinking under a wire repaints it every frame
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        if tooltip:
            self.setToolTip(tooltip)
        pad = self.width + 30
        self._bounds = self.path.boundingRect().adjusted(-pad, -pad, pad, pad)

    @staticmethod
    def _straight(a: QPointF, b: QPointF) -> QPainterPath:
        path = QPainterPath(a)
        path.lineTo(b)
        return path

    @staticmethod
    def _arch(a: QPointF, b: QPointF) -> QPainterPath:
        """Leave the header straight out of it, arrive at the hole from above (row a) or from
        below (row j)."""
        dx = b.x() - a.x()
        from_top = a.y() < UNO_SIZE[1] / 2
        into_top = b.y() < BB_Y + (ROW_A_Y + ROW_F_Y + 4 * PITCH) / 2
        drop = 260 + 0.05 * abs(dx)
        if from_top != into_top and abs(dx) > 400:
            # from the power/analog header up into row a (or down into row j): swing out
            # below (above) the Uno first so the wire does not cross the board
            out = 1 if not from_top else -1
            c1 = QPointF(a.x() + dx * 0.8, a.y() + out * 480)
            c2 = QPointF(b.x() - 350, b.y() - out * 560)
        else:
            lift = 180 + 0.10 * abs(dx)
            c1 = QPointF(a.x() + dx * 0.15, a.y() + (-lift if from_top else lift))
            c2 = QPointF(b.x() - dx * 0.1, b.y() + (-drop if into_top else drop))
        path = QPainterPath(a)
        path.cubicTo(c1, c2, b)
        return path

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        from PySide6.QtGui import QPainterPathStroker

        stroker = QPainterPathStroker()
        stroker.setWidth(self.width + 10)
        return stroker.createStroke(self.path)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(Qt.BrushStyle.NoBrush)
        dark = self.color.lightness() < 80
        edge = QColor("#6b7078") if dark else self.color.darker(190)
        cap = Qt.PenCapStyle.RoundCap
        p.setPen(make_pen(QColor(0, 0, 0, 70), self.width + 10, cap))
        p.drawPath(self.path.translated(6, 10))
        p.setPen(make_pen(edge, self.width + 7, cap))
        p.drawPath(self.path)
        p.setPen(make_pen(self.color, self.width, cap))
        p.drawPath(self.path)
        shine = QColor(255, 255, 255, 60 if dark else 95)
        p.setPen(make_pen(shine, self.width * 0.28, cap))
        p.drawPath(self.path.translated(-self.width * 0.18, -self.width * 0.18))
        # plugs
        p.setPen(QPen(QColor("#15171a"), 4))
        p.setBrush(QColor("#2c3035"))
        for end in (self.a, self.b):
            p.drawRoundedRect(QRectF(end.x() - 22, end.y() - 22, 44, 44), 8, 8)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#c9ced2"))
        for end in (self.a, self.b):
            p.drawRect(QRectF(end.x() - 7, end.y() - 7, 14, 14))


class ResistorItem(QGraphicsItem):
    """A through-hole resistor between two holes: leads, a beige body and its colour bands."""

    def __init__(self, a: QPointF, b: QPointF, ohms: int, tooltip: str = "") -> None:
        super().__init__()
        self.a, self.b = QPointF(a), QPointF(b)
        self.ohms = ohms
        self.setZValue(3)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # as WireItem
        self.setToolTip(tooltip or format_ohms(ohms))
        r = QRectF(a, b).normalized()
        self._bounds = r.adjusted(-60, -60, 60, 60)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        line = QLineF(self.a, self.b)
        length = line.length()
        p.setPen(make_pen(QColor("#a7adb2"), 9, Qt.PenCapStyle.RoundCap))
        p.drawLine(line)
        p.save()
        p.translate(line.center())
        p.rotate(-line.angle())
        body = min(170.0, max(90.0, length - 50))
        h = 46.0
        p.setPen(QPen(QColor("#9c8660"), 3))
        grad = QLinearGradient(0, -h / 2, 0, h / 2)
        grad.setColorAt(0, QColor("#f0dfb8"))
        grad.setColorAt(1, QColor("#c9b082"))
        p.setBrush(QBrush(grad))
        p.drawRoundedRect(QRectF(-body / 2, -h / 2, body, h), h / 2, h / 2)
        p.setPen(Qt.PenStyle.NoPen)
        bands = resistor_bands(self.ohms)
        xs = [-body * 0.30, -body * 0.15, 0.0, body * 0.28]
        for x, color in zip(xs, bands, strict=True):
            p.setBrush(color)
            p.drawRect(QRectF(x - 8, -h / 2 + 2, 16, h - 4))
        p.restore()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#8e959b"))
        for end in (self.a, self.b):
            p.drawEllipse(end, 11, 11)


class OnboardLedItem(QGraphicsItem):
    """The glow of one of the Uno's SMD LEDs (L, TX, RX, ON), over the SVG's unlit LED."""

    def __init__(self, rect: QRectF, color: QColor, name: str, unlit: QColor | None = None) -> None:
        super().__init__()
        self.rect = QRectF(rect)
        self.color = color
        #: the body's colour while off (None: the SVG's own); L's differs from TX/RX's
        self.unlit = unlit
        self.brightness = 0.0
        self.setZValue(1)
        self.setToolTip(name)

    def boundingRect(self) -> QRectF:
        return self.rect.adjusted(-170, -170, 170, 170)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        b = self.brightness
        if b <= 0.001:
            if self.unlit is not None:
                p.setRenderHint(QPainter.RenderHint.Antialiasing)
                p.setPen(QPen(QColor(self.color).darker(220), 4))
                p.setBrush(self.unlit)
                p.drawRoundedRect(self.rect, 6, 6)
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        c = self.rect.center()
        glow = QRadialGradient(c, 160)
        c0, c1 = QColor(self.color), QColor(self.color)
        c0.setAlpha(int(200 * b))
        c1.setAlpha(0)
        glow.setColorAt(0, c0)
        glow.setColorAt(1, c1)
        p.setBrush(QBrush(glow))
        p.drawEllipse(c, 160, 160)
        p.setBrush(mix(QColor(self.color).darker(150), QColor(255, 255, 240), 0.55 * b))
        p.drawRoundedRect(self.rect, 6, 6)


class PinHotspot(QGraphicsItem):
    """A header pin: shows its name, port pin and state when hovered."""

    def __init__(self, view: BoardView, name: str, rect: QRectF) -> None:
        super().__init__()
        self.view = view
        self.name = name
        self.rect = QRectF(rect).adjusted(-16, -16, 16, 16)
        self.hovered = False
        self.setZValue(7)
        self.setAcceptHoverEvents(True)

    def boundingRect(self) -> QRectF:
        return self.rect.adjusted(-8, -8, 8, 8)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if not self.hovered:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(ACCENT, 10))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(self.rect, 12, 12)

    def refresh_tooltip(self) -> None:
        text = self.view.pin_tooltip(self.name)
        if text != self.toolTip():
            self.setToolTip(text)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = True
        self.refresh_tooltip()
        self.view._hovered_pin = self
        self.update()

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = False
        if self.view._hovered_pin is self:
            self.view._hovered_pin = None
        self.update()


class ResetItem(QGraphicsItem):
    """The Uno's reset button: click to reset."""

    def __init__(self, view: BoardView, rect: QRectF) -> None:
        super().__init__()
        self.view = view
        self.rect = QRectF(rect)
        self.down = False
        self.setZValue(2)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Reset the Uno (the firmware starts over)")
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)

    def boundingRect(self) -> QRectF:
        return self.rect.adjusted(-20, -20, 20, 20)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addEllipse(self.rect.adjusted(-20, -20, 20, 20))
        return path

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if not self.down:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(ACCENT, 10))
        p.setBrush(QColor(0, 0, 0, 90))
        p.drawEllipse(self.rect.adjusted(4, 4, -4, -4))

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.down = True
        self.update()
        event.accept()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.down = False
        self.update()
        if self.shape().contains(event.pos()):
            self.view.resetClicked.emit()
