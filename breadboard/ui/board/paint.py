"""Painting helpers shared by the board's items: fonts, pens, colour mixing, a glowing LED."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QRadialGradient,
)

from .palette import FONT_FAMILY


def make_font(px: float, bold: bool = False) -> QFont:
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
        mid = mix(off, color, b)
        body.setColorAt(0.0, mix(mid, QColor(255, 255, 255), 0.85 * b))
        body.setColorAt(0.45, mix(mid, hot, 0.7))
        body.setColorAt(1.0, mix(off, color, 0.7 * b))
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


def make_pen(
    color: QColor | str, width: float, cap: Qt.PenCapStyle = Qt.PenCapStyle.RoundCap
) -> QPen:
    pen = QPen(QColor(color), width)
    pen.setCapStyle(cap)
    return pen


def mix(a: QColor, b: QColor, t: float) -> QColor:
    t = max(0.0, min(1.0, t))
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
        round(a.alpha() + (b.alpha() - a.alpha()) * t),
    )
