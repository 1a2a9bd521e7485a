"""The pyqtgraph items the scope draws with: the lane-name axis, filled bars, a lane's trace
(``Curve``), pre-laid-out labels (``Labels``) and the persistence image (``Blit``). Each does
only what the scope needs per frame, where pyqtgraph's general items scan bounds, emit signals
or lay text out again on every paint."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from .style import TEXT


class LaneAxis(pg.AxisItem):
    """Left axis that shows lane names, each in its lane's colour, and no tick marks."""

    def __init__(self) -> None:
        super().__init__("left")
        self.colors: dict[str, str] = {}
        self.setStyle(tickLength=0, autoExpandTextSpace=True)
        font = QtGui.QFont()
        font.setPointSizeF(9.5)
        font.setBold(True)
        self.setTickFont(font)

    def drawPicture(self, p, axisSpec, tickSpecs, textSpecs):  # noqa: N802 - Qt name
        p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        if self.style["tickFont"] is not None:
            p.setFont(self.style["tickFont"])
        for rect, flags, text in textSpecs:
            p.setPen(pg.mkPen(self.colors.get(text, TEXT)))
            p.drawText(rect, int(flags), text)


class Bars(pg.GraphicsObject):
    """Filled rectangles (interrupt handler bars) painted with one ``drawRects`` call, where
    a filled PlotDataItem (or one QPainterPath) fills each piece through the slow path
    rasteriser."""

    def __init__(self, color: str, alpha: int = 165, pen_width: float = 1.0,
                 pattern: QtCore.Qt.BrushStyle = QtCore.Qt.BrushStyle.SolidPattern) -> None:  # fmt: skip
        """Filled with ``color`` at ``alpha`` (0: outlines only) in ``pattern`` (a hatch for
        a band), outlined ``pen_width`` pixels wide."""
        super().__init__()
        c = QtGui.QColor(color)
        fill = QtGui.QColor(c)
        fill.setAlpha(alpha)
        self._brush = QtGui.QBrush(fill, pattern) if alpha else QtGui.QBrush()
        self._pen = QtGui.QPen(c)
        self._pen.setCosmetic(True)
        self._pen.setWidthF(pen_width)
        self._rects: list[QtCore.QRectF] = []
        self._bounds = QtCore.QRectF()
        self.n = 0

    def set_rects(self, x0: np.ndarray, x1: np.ndarray, y0, y1) -> None:
        """Rectangles [x0[i], x1[i]] x [y0, y1] (y0 and y1 scalars or arrays)."""
        self.prepareGeometryChange()
        self.n = len(x0)
        y0a = np.broadcast_to(np.asarray(y0, dtype=float), (self.n,))
        ha = np.broadcast_to(np.asarray(y1, dtype=float), (self.n,)) - y0a
        self._rects = [
            QtCore.QRectF(a, c, b - a, h)
            for a, b, c, h in zip(x0.tolist(), x1.tolist(), y0a.tolist(), ha.tolist(), strict=True)
        ]
        if self.n:
            self._bounds = QtCore.QRectF(
                float(x0.min()), float(y0a.min()), float(x1.max() - x0.min()),
                float((y0a + ha).max() - y0a.min()),
            )  # fmt: skip
        else:
            self._bounds = QtCore.QRectF()
        self.update()

    def clear(self) -> None:
        self.set_rects(np.zeros(0), np.zeros(0), 0.0, 0.0)

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 - Qt name
        return self._bounds

    def paint(self, p, *args) -> None:
        if self._rects:
            p.setPen(self._pen)
            p.setBrush(self._brush)
            p.drawRects(self._rects)


class Blit(pg.GraphicsObject):
    """An image the size of the plot in pixels, shown over a rectangle in data coordinates by
    copying it unscaled to where that rectangle lands on the screen: premultiplied ARGB, so
    drawing it is a blend of rows, where an image item rescales it (and converts its pixel
    format) on every paint."""

    def __init__(self) -> None:
        super().__init__()
        #: The pixels on show (rows top to bottom as on screen, premultiplied ARGB32), or None
        self.image: np.ndarray | None = None
        self._qimage: QtGui.QImage | None = None
        self._rect = QtCore.QRectF()

    def set_image(self, argb: np.ndarray, rect: QtCore.QRectF) -> None:
        """Show ``argb`` (rows x columns uint32, kept: the picture uses its memory) over
        ``rect`` (data coordinates)."""
        self.prepareGeometryChange()
        h, w = argb.shape
        self.image = argb
        fmt = QtGui.QImage.Format.Format_ARGB32_Premultiplied
        self._qimage = QtGui.QImage(argb.data, w, h, 4 * w, fmt)
        self._rect = QtCore.QRectF(rect)
        self.update()

    def clear(self) -> None:
        self.image = None
        self._qimage = None
        self.update()

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 - Qt name
        return self._rect

    def paint(self, p, *args) -> None:
        if self._qimage is None:
            return
        target = p.worldTransform().mapRect(self._rect)
        image = self._qimage
        p.save()
        p.resetTransform()
        if abs(target.width() - image.width()) < 2 and abs(target.height() - image.height()) < 2:
            p.drawImage(QtCore.QPointF(round(target.left()), round(target.top())), image)
        else:  # the plot changed size since the image was made: stretched until the next one
            p.drawImage(target, image)
        p.restore()


class Labels(pg.GraphicsObject):
    """Texts pinned to points in data coordinates, drawn unscaled where those points land on
    the screen, each laid out once (QStaticText): a text item per label lays its text out
    again (a text document) on every paint."""

    MARGIN = 4  # pixels around a text, as a text item's document margin

    def __init__(self) -> None:
        super().__init__()
        self._font = QtGui.QFont()
        self._shown: list[tuple[float, float, QtGui.QStaticText, QtGui.QColor, float, float]] = []
        self._laid_out: dict[str, QtGui.QStaticText] = {}
        self._bounds = QtCore.QRectF()

    def set_labels(self, labels: list[tuple[float, float, str, str, tuple[float, float]]]) -> None:
        """Show ``labels``: (x, y, text, colour, anchor), the point (ax, ay) of the text's
        box (fractions of its width and height) placed at (x, y)."""
        self.prepareGeometryChange()
        if len(self._laid_out) > 256:
            self._laid_out.clear()
        shown = []
        for x, y, text, color, (ax, ay) in labels:
            st = self._laid_out.get(text)
            if st is None:
                st = self._laid_out[text] = QtGui.QStaticText(text)
                st.setTextFormat(QtCore.Qt.TextFormat.PlainText)
                st.prepare(QtGui.QTransform(), self._font)
            shown.append((x, y, st, QtGui.QColor(color), ax, ay))
        self._shown = shown
        if shown:
            xs = [s[0] for s in shown]
            ys = [s[1] for s in shown]
            widest = max(s[2].size().width() for s in shown) + 2 * self.MARGIN
            px, py = self.pixelWidth(), self.pixelHeight()
            # before the view has a size: the labels' span again, and a lane, around them
            mx = widest * px if px else max(xs) - min(xs) + 1e-3
            my = 40 * py if py else 1.0
            self._bounds = QtCore.QRectF(
                min(xs) - mx, min(ys) - my, max(xs) - min(xs) + 2 * mx, max(ys) - min(ys) + 2 * my
            )
        else:
            self._bounds = QtCore.QRectF()
        self.update()

    def texts(self) -> list[str]:
        """The texts on show."""
        return [st.text() for _, _, st, _, _, _ in self._shown]

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 - Qt name
        return self._bounds

    def paint(self, p, *args) -> None:
        if not self._shown:
            return
        t = p.worldTransform()
        m = self.MARGIN
        p.save()
        p.resetTransform()
        p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        p.setFont(self._font)
        for x, y, st, color, ax, ay in self._shown:
            d = t.map(QtCore.QPointF(x, y))
            size = st.size()
            left = d.x() - ax * (size.width() + 2 * m) + m
            top = d.y() - ay * (size.height() + 2 * m) + m
            p.setPen(color)
            p.drawStaticText(QtCore.QPointF(round(left), round(top)), st)
        p.restore()


class Curve(pg.GraphicsObject):
    """A lane's trace: one polyline through points in data coordinates, what a plot data item
    draws for it without that item's per-frame bounds scans, signals and checks."""

    def __init__(self, pen: QtGui.QPen) -> None:
        super().__init__()
        self._pen = QtGui.QPen(pen)
        self._pen.setCosmetic(True)
        self._x = np.zeros(0)
        self._y = np.zeros(0)
        self._path: QtGui.QPainterPath | None = None
        self._bounds = QtCore.QRectF()

    def set_data(self, x: np.ndarray, y: np.ndarray) -> None:
        """Draw the polyline through (x[i], y[i])."""
        self.prepareGeometryChange()
        self._x = np.asarray(x, dtype=np.float64)
        self._y = np.asarray(y, dtype=np.float64)
        self._path = None
        if len(self._x):
            x0, x1 = float(self._x.min()), float(self._x.max())
            # a flat line has no height: two pixels more keep its pen's width on screen (a
            # hundredth of a lane before the view has a size)
            pad = 2 * (self.pixelHeight() or 0.0) or 0.01
            y0, y1 = float(self._y.min()) - pad, float(self._y.max()) + pad
            self._bounds = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
        else:
            self._bounds = QtCore.QRectF()
        self.update()

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """The (x, y) points drawn."""
        return self._x, self._y

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 - Qt name
        return self._bounds

    def paint(self, p, *args) -> None:
        if len(self._x) < 2:
            return
        if self._path is None:
            self._path = pg.arrayToQPath(self._x, self._y, connect="all")
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
        p.setPen(self._pen)
        p.drawPath(self._path)
