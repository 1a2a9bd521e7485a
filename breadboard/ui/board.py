"""The breadboard view: the Uno (drawn from resources/uno.svg) beside a breadboard with the
circuit's parts on it, wired to the Uno's header.

Scene units are mils (1/1000 inch), so the header pitch and the breadboard's hole pitch are both
100. The Uno's SVG is drawn 1:1 at the scene origin; every header pin, onboard LED and the
reset button has an SVG id, and ``QSvgRenderer.boundsOnElement`` places the hotspots and wire
ends on them exactly.

Parts sit on the breadboard at ``(x, y)`` in holes: ``x`` is the column (0-29), ``y`` the row
(0-4 = a-e above the centre channel, 5-9 = f-j below it). Each kind's legs are at fixed hole
offsets from that anchor; the wires from the Uno go into free holes of the same column strips
(row a, or row j for a part in the lower half), and the rail legs go to the nearer power rails.

``show_snapshot`` runs at 60 Hz: it only changes numbers on existing items and repaints those
whose look changed. Items are rebuilt only by ``set_circuit`` (and a part's own wires while it is
Ctrl+dragged).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QKeySequence,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QRadialGradient,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtSvgWidgets import QGraphicsSvgItem
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsScene,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsSceneWheelEvent,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from ..circuit import (
    GND,
    Circuit,
    Led,
    Part,
    Potentiometer,
    Pushbutton,
    TrafficLight,
    uno_pin,
)
from ..sim.worker import PinState, Snapshot
from .resources import resource_path

# ---- geometry ------------------------------------------------------------------------------------
PITCH = 100.0
#: Columns of the breadboard (a "half+" board: 30 columns, rows a-j, two rails each side).
COLUMNS = 30
ROWS = 10
#: The Uno drawing's size (the SVG's viewBox, drawn 1:1 at the scene origin).
UNO_SIZE = (3040.0, 2180.0)
#: Top-left corner of the breadboard's body in the scene.
BB_X, BB_Y = UNO_SIZE[0] + 260.0, 140.0
BB_W = 150.0 * 2 + (COLUMNS - 1) * PITCH
BB_H = 1900.0
#: Body-relative y of row a, of row f and of the four rails.
ROW_A_Y, ROW_F_Y = 400.0, 1100.0
RAIL_Y = {
    ("top", "5V"): 120.0,
    ("top", GND): 220.0,
    ("bottom", GND): 1680.0,
    ("bottom", "5V"): 1780.0,
}
#: Rail holes come in groups of five: these columns have none.
RAIL_GAPS = frozenset({5, 11, 17, 23, 29})

FONT_FAMILY = "DejaVu Sans"

LED_COLORS_ON = {
    "red": QColor(255, 48, 32),
    "yellow": QColor(255, 206, 30),
    "green": QColor(50, 240, 80),
    "blue": QColor(60, 130, 255),
    "white": QColor(245, 248, 255),
}
#: Signal-wire colours, by Arduino pin number (rails are red and black).
WIRE_COLORS = (
    "#ff8f1f",  # orange
    "#ffd54a",  # yellow
    "#3ddc84",  # green
    "#4aa3ff",  # blue
    "#b98cff",  # purple
    "#ff6fcf",  # pink
    "#2fd6c6",  # cyan
    "#f2f2f2",  # white
)
RAIL_WIRE = {"5V": "#e53935", GND: "#2b2e33"}
ACCENT = QColor("#ffb300")
LATCH = QColor("#4fc3f7")

#: The Uno's header pins that are not port pins, with what they are.
POWER_PINS = {
    "GND": "GND: ground",
    "GND2": "GND: ground",
    "GND3": "GND: ground",
    "5V": "5V: the 5 V supply",
    "3V3": "3.3V: the 3.3 V supply (50 mA)",
    "VIN": "VIN: the barrel jack's input voltage (7-12 V)",
    "AREF": "AREF: the ADC's external reference",
    "IOREF": "IOREF: the I/O voltage (5 V)",
    "RESET": "RESET: low resets the ATmega328P",
    "NC": "not connected",
    "SDA": "SDA: I²C data, the same pin as A4 (PC4)",
    "SCL": "SCL: I²C clock, the same pin as A5 (PC5)",
}
HEADER_PINS = [f"D{i}" for i in range(14)] + [f"A{i}" for i in range(6)] + list(POWER_PINS)

PWM_LOW, PWM_HIGH = 0.02, 0.98
FLOATING = 2


def hole(col: float, row: float) -> QPointF:
    """Scene position of a terminal hole: column 0-29, row 0-9 (a-j)."""
    phys = row if row < 5 else row + 2
    return QPointF(BB_X + 150.0 + col * PITCH, BB_Y + ROW_A_Y + phys * PITCH)


def rail_hole(side: str, rail: str, col: int) -> QPointF:
    """Scene position of the rail hole nearest column ``col`` (``side`` "top"/"bottom",
    ``rail`` "5V"/"GND")."""
    col = max(0, min(COLUMNS - 2, int(col)))
    if col in RAIL_GAPS:
        col -= 1
    return QPointF(BB_X + 150.0 + col * PITCH, BB_Y + RAIL_Y[(side, rail)])


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


def led_brightness_for(state: PinState | None, to: str) -> float:
    """How bright an LED from a pin to a rail is over the frame: the pin's duty (to GND) or its
    complement (to 5V); off while the pin floats; faint through the chip's pull-up."""
    if state is None or state.level == FLOATING:
        return 0.0
    duty = min(1.0, max(0.0, float(state.duty)))
    b = duty if to == GND else 1.0 - duty
    if state.mode == "input pull-up":
        b *= 0.08  # ~35 kOhm: a faint glow, the classic forgotten pinMode(OUTPUT)
    return b


def pin_state_text(state: PinState | None) -> str:
    """The state words of a tooltip: "output HIGH", "PWM, duty 37%", "input, pull-up" …"""
    if state is None:
        return "input, floating"
    if state.mode == "output":
        if PWM_LOW < state.duty < PWM_HIGH:
            return f"PWM, duty {state.duty * 100:.0f}%"
        return "output HIGH" if state.level == 1 else "output LOW"
    if state.mode == "input pull-up":
        return "input, pull-up" if state.level != 0 else "input, pull-up, held LOW"
    if state.level == FLOATING:
        return "input, floating"
    return "input, HIGH" if state.level == 1 else "input, LOW"


def key_code(key: str) -> int | None:
    """Qt key code of a part's ``key`` ("Space", "A", "F1" …), or None."""
    if not key:
        return None
    seq = QKeySequence(key)
    if seq.isEmpty():
        return None
    return int(seq[0].key().value)


def resistor_bands(ohms: int) -> list[QColor]:
    """The four colour bands of a resistor value (two digits, multiplier, 5 % gold)."""
    palette = [
        "#1b1b1b",
        "#8b4a1c",
        "#e0281e",
        "#ff8a00",
        "#ffd400",
        "#2fa64a",
        "#2470d8",
        "#8b3fd0",
        "#8a8a8a",
        "#f5f5f5",
    ]
    ohms = max(10, int(ohms))
    exp = len(str(ohms)) - 2
    digits = str(ohms)[:2]
    mult = min(9, max(0, exp))
    return [
        QColor(palette[int(digits[0])]),
        QColor(palette[int(digits[1])]),
        QColor(palette[mult]),
        QColor("#c9a23a"),
    ]


def format_ohms(ohms: float) -> str:
    if ohms >= 1_000_000:
        return f"{ohms / 1e6:g} MΩ"
    if ohms >= 1000:
        return f"{ohms / 1e3:g} kΩ"
    return f"{ohms:g} Ω"


def _font(px: float, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(max(1, round(px)))
    font.setBold(bold)
    return font


def paint_led(
    p: QPainter,
    center: QPointF,
    radius: float,
    color: QColor,
    brightness: float,
    flat: float | None = None,
) -> None:
    """A 5 mm LED seen from above: a coloured dome (with a flat on the cathode side when
    ``flat`` is +1/-1), a bright core and a glow whose strength is ``brightness``."""
    b = max(0.0, min(1.0, brightness))
    dome = QPainterPath()
    dome.addEllipse(center, radius, radius)
    if flat is not None:
        cut = QPainterPath()
        w = radius * 2.2
        x0 = center.x() - w / 2 if flat > 0 else center.x() - w / 2 + radius * 0.14
        cut.addRect(QRectF(x0, center.y() - w / 2, w - radius * 0.14, w))
        dome = dome.intersected(cut)
    off = QColor(color).darker(260)
    off.setAlpha(235)
    # rim and body
    p.setPen(QPen(QColor(color).darker(330), radius * 0.09))
    body = QRadialGradient(center + QPointF(-radius * 0.3, -radius * 0.35), radius * 1.3)
    if b > 0.001:
        hot = QColor(color).lighter(100 + int(70 * b))
        mid = _mix(off, color, b)
        body.setColorAt(0.0, _mix(mid, QColor(255, 255, 255), 0.85 * b))
        body.setColorAt(0.45, _mix(mid, hot, 0.7))
        body.setColorAt(1.0, _mix(off, color, 0.7 * b))
    else:
        body.setColorAt(0.0, QColor(color).darker(170))
        body.setColorAt(1.0, off)
    p.setBrush(QBrush(body))
    p.drawPath(dome)
    # specular highlight
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(255, 255, 255, 110))
    p.drawEllipse(center + QPointF(-radius * 0.38, -radius * 0.4), radius * 0.26, radius * 0.18)
    if b > 0.001:
        glow = QRadialGradient(center, radius * 3.2)
        c0 = QColor(color)
        c0.setAlpha(int(190 * b))
        c1 = QColor(color)
        c1.setAlpha(int(70 * b))
        c2 = QColor(color)
        c2.setAlpha(0)
        glow.setColorAt(0.0, c0)
        glow.setColorAt(0.3, c1)
        glow.setColorAt(1.0, c2)
        p.setBrush(QBrush(glow))
        p.drawEllipse(center, radius * 3.2, radius * 3.2)


def _pen(color: QColor | str, width: float, cap: Qt.PenCapStyle = Qt.PenCapStyle.RoundCap) -> QPen:
    pen = QPen(QColor(color), width)
    pen.setCapStyle(cap)
    return pen


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    t = max(0.0, min(1.0, t))
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
        round(a.alpha() + (b.alpha() - a.alpha()) * t),
    )


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
            p.setPen(_pen(color, 10, Qt.PenCapStyle.RoundCap))
            p.drawLine(QLineF(120, line_y, BB_W - 120, line_y))
            p.setFont(_font(74, bold=True))
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
        p.setFont(_font(44, bold=True))
        for r, letter in enumerate("abcdefghij"):
            y = ROW_A_Y + (r if r < 5 else r + 2) * PITCH
            for x in (70, BB_W - 70):
                p.drawText(QRectF(x - 40, y - 30, 80, 60), Qt.AlignmentFlag.AlignCenter, letter)
        p.setFont(_font(38))
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
        p.setPen(_pen(QColor(0, 0, 0, 70), self.width + 10, cap))
        p.drawPath(self.path.translated(6, 10))
        p.setPen(_pen(edge, self.width + 7, cap))
        p.drawPath(self.path)
        p.setPen(_pen(self.color, self.width, cap))
        p.drawPath(self.path)
        shine = QColor(255, 255, 255, 60 if dark else 95)
        p.setPen(_pen(shine, self.width * 0.28, cap))
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
        self.setToolTip(tooltip or format_ohms(ohms))
        r = QRectF(a, b).normalized()
        self._bounds = r.adjusted(-60, -60, 60, 60)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        line = QLineF(self.a, self.b)
        length = line.length()
        p.setPen(_pen(QColor("#a7adb2"), 9, Qt.PenCapStyle.RoundCap))
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
        p.setBrush(_mix(QColor(self.color).darker(150), QColor(255, 255, 240), 0.55 * b))
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
        self.setPos(hole(self.part.x, self.part.y))

    def local_hole(self, dc: float, dr: float) -> QPointF:
        """A hole ``dc`` columns and ``dr`` rows from the anchor, in item coordinates."""
        return self.mapFromScene(hole(self.part.x + dc, self.part.y + dr))

    def label_rect(self) -> QRectF:
        """Where the part's caption goes: in the centre channel under its columns."""
        cols = footprint_columns(self.part)
        cx = (hole(cols.start, 0).x() + hole(cols.stop - 1, 0).x()) / 2
        y = BB_Y + (ROW_A_Y + 4 * PITCH + ROW_F_Y) / 2
        return QRectF(
            self.mapFromScene(QPointF(cx - 300, y - 55)),
            self.mapFromScene(QPointF(cx + 300, y + 55)),
        )

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
        font = _font(58, bold=True)
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
        self.setToolTip(
            f"{part.id}: {part.color} LED on {uno_pin(part.pin).name} to {part.to} "
            f"through {format_ohms(part.resistor_ohms)} ({part.current_ma():.0f} mA when lit)\n"
            "Ctrl+drag: move"
        )

    def center(self) -> QPointF:
        return (self.local_hole(0, 0) + self.local_hole(1, 0)) / 2

    def body_rect(self) -> QRectF:
        c = self.center()
        return QRectF(c.x() - 100, c.y() - 100, 200, 200)

    def boundingRect(self) -> QRectF:
        c = self.center()
        glow = QRectF(c.x() - 310, c.y() - 310, 620, 620)
        return glow.united(self.label_rect()).adjusted(-10, -10, 10, 10)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addEllipse(self.body_rect())
        return path

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = LED_COLORS_ON.get(self.part.color, LED_COLORS_ON["red"])
        # legs
        p.setPen(_pen(QColor("#aab1b7"), 12, Qt.PenCapStyle.RoundCap))
        for dc in (0, 1):
            h = self.local_hole(dc, 0)
            p.drawPoint(h)
        # the flat (cathode) is on the pin side when the LED goes to 5V
        paint_led(
            p, self.center(), 92, color, self.brightness, flat=1 if self.part.to == GND else -1
        )
        self.paint_caption(p)

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
        p.setPen(_pen(QColor("#aab1b7"), 22, Qt.PenCapStyle.RoundCap))
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
        p.setPen(_pen(QColor(0, 0, 0, 110), 16, Qt.PenCapStyle.RoundCap))
        p.drawArc(track, int(start * 16), int(-self.SWEEP * 16))
        p.setPen(_pen(ACCENT, 16, Qt.PenCapStyle.RoundCap))
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
        p.setPen(_pen(QColor("#1d2126"), 16, Qt.PenCapStyle.RoundCap))
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
        p.setFont(_font(40, bold=True))
        for dc, name in enumerate(("R", "Y", "G", "GND")):
            h = self.local_hole(dc, 0)
            p.setBrush(QColor("#d9b44a"))
            p.setPen(Qt.PenStyle.NoPen)
            p.drawRoundedRect(QRectF(h.x() - 22, h.y() - 22, 44, 44), 6, 6)
            p.setPen(QColor("#e8e8e8"))
            p.drawText(QRectF(h.x() - 50, h.y() + 24, 100, 50), Qt.AlignmentFlag.AlignCenter, name)
        for i, c in enumerate(self.COLORS):
            paint_led(p, self.led_center(i), 62, LED_COLORS_ON[c], self.brightness[c])
        p.setFont(_font(50, bold=True))
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
                b = led_brightness_for(pins.get(_pin_name(item.part.pin)), item.part.to)
                if abs(b - item.brightness) > 0.003:
                    item.brightness = b
                    item.update()
            elif isinstance(item, TrafficLightItem):
                changed = False
                for c in item.COLORS:
                    b = led_brightness_for(pins.get(_pin_name(getattr(item.part, c))), GND)
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


def _pin_name(pin: str) -> str:
    try:
        return uno_pin(pin).name
    except KeyError:
        return pin


def parts_on_pins(circuit: Circuit) -> dict[str, list[str]]:
    """Uno pin name -> ids of the parts wired to it."""
    out: dict[str, list[str]] = {}
    for part in circuit.parts:
        for pin in part.pins():
            out.setdefault(_pin_name(pin), []).append(part.id)
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
