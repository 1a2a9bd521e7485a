"""The scope's two time cursors and their readout (a part of ``ScopeWidget``)."""

from __future__ import annotations

import math

from .style import format_si


class CursorsMixin:
    """``ScopeWidget``'s cursor methods (they use its plot and readout label)."""

    def set_cursors(self, a: float | None, b: float | None = None) -> None:
        """Show the cursors at times a and b (in axis seconds); None hides them."""
        on = a is not None
        self._toolbar.cursor_btn.setChecked(on)
        for line in self._cursors:
            line.setVisible(on)
        if on:
            self._cursors[0].setValue(a)
            self._cursors[1].setValue(b if b is not None else a)
        self._update_cursor_readout()

    def show_cursors(self, on: bool) -> None:
        """Show the cursors (at 30 % and 60 % of the view when they were hidden), or hide them."""
        if on and not self._cursors[0].isVisible():
            x0, x1 = self.view_range()
            self.set_cursors(x0 + (x1 - x0) * 0.3, x0 + (x1 - x0) * 0.6)
        elif not on:
            self.set_cursors(None)

    def cursor_readout(self) -> tuple[float, float] | None:
        """(dt, 1/dt) between the cursors, or None when hidden."""
        if not self._cursors[0].isVisible():
            return None
        dt = float(abs(self._cursors[1].value() - self._cursors[0].value()))
        return dt, (1.0 / dt if dt > 0 else math.inf)

    def cursor_text(self) -> str:
        """The cursor readout under the plot (rich text; "" when the cursors are hidden)."""
        return self._cursor_label.text()

    def _update_cursor_readout(self, *_args) -> None:
        r = self.cursor_readout()
        if r is None:
            self._cursor_label.setText("")
            return
        dt, inv = r
        a, b = (line.value() for line in self._cursors)
        for line, name in zip(self._cursors, ("A", "B"), strict=True):
            line.label.setFormat(f"{name} {format_si(line.value(), 's', 6)}")
        self._cursor_label.setText(
            f"A {format_si(a, 's', 6)}   B {format_si(b, 's', 6)}   "
            f"<b>Δt = {format_si(dt, 's', 6)}   1/Δt = {format_si(inv, 'Hz', 6)}</b>"
        )
