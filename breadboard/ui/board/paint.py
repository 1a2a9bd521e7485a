"""Painting helpers shared by the board's items: fonts, pens, colour mixing, a glowing LED, and
pictures kept for what repaints often (``draw_cached``: LEDs, captions)."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
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


#: An LED's brightness is drawn in this many steps (a step is below what the eye tells apart)
LED_LEVELS = 64
#: How far an LED's glow reaches, in radii of its dome
GLOW_RADII = 3.2
_PICTURES: OrderedDict[tuple, QPixmap] = OrderedDict()
_PICTURES_MAX = 512  # about 40 kB each at the usual zoom


def draw_cached(p: QPainter, key: tuple, rect: QRectF, paint: Callable[[QPainter], None]) -> None:
    """Draw what ``paint`` draws inside ``rect`` (the painter's coordinates) from a picture
    kept per ``key`` (all ``paint`` depends on but where ``rect`` lies), size and zoom, copied
    to the nearest device pixel: what changes every frame costs a copy, not its gradients and
    text. Rotated or sheared painters draw directly."""
    t = p.worldTransform()
    scale = t.m11()
    if t.m12() or t.m21() or scale <= 0 or abs(t.m22() - scale) > 1e-9 * scale:
        paint(p)
        return
    device = p.device()
    dpr = device.devicePixelRatioF() if device is not None else 1.0
    zoom = scale * dpr
    k = (key, round(rect.width(), 3), round(rect.height(), 3), round(zoom, 5))
    pix = _PICTURES.get(k)
    if pix is None:
        pix = QPixmap(math.ceil(rect.width() * zoom) + 1, math.ceil(rect.height() * zoom) + 1)
        pix.fill(Qt.GlobalColor.transparent)
        q = QPainter(pix)
        q.setRenderHint(QPainter.RenderHint.Antialiasing)
        q.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        q.scale(zoom, zoom)
        q.translate(-rect.left(), -rect.top())
        paint(q)
        q.end()
        pix.setDevicePixelRatio(dpr)
        _PICTURES[k] = pix
        if len(_PICTURES) > _PICTURES_MAX:
            _PICTURES.popitem(last=False)
    else:
        _PICTURES.move_to_end(k)
    corner = t.map(rect.topLeft())
    p.save()
    p.resetTransform()
    p.drawPixmap(QPointF(round(corner.x()), round(corner.y())), pix)
    p.restore()


def led_glow_rect(center: QPointF, radius: float) -> QRectF:
    """What ``draw_led`` may paint: the LED and its glow."""
    r = radius * GLOW_RADII + 2
    return QRectF(center.x() - r, center.y() - r, 2 * r, 2 * r)


def draw_led(p: QPainter, center: QPointF, radius: float, color: QColor, brightness: float,
             flat: float | None = None) -> None:  # fmt: skip
    """``paint_led`` through ``draw_cached``, its brightness in LED_LEVELS steps."""
    level = round(max(0.0, min(1.0, brightness)) * LED_LEVELS)
    draw_cached(
        p,
        ("led", QColor(color).rgba(), level, flat, radius),
        led_glow_rect(center, radius),
        lambda q: paint_led(q, center, radius, color, level / LED_LEVELS, flat),
    )


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
