"""``ScopeDock``: the scope in a dock of the main window."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6 import QtWidgets

from ...sim import F_CPU
from ...sim.worker import TraceChunk
from .widget import ScopeWidget


class ScopeDock(QtWidgets.QDockWidget):
    """The scope in a dock of the main window; ``scope`` is the ``ScopeWidget``."""

    def __init__(
        self,
        parent: QtWidgets.QWidget | None = None,
        f_cpu: int = F_CPU,
        title: str = "Oscilloscope",
    ) -> None:
        if isinstance(parent, int):  # ScopeDock(f_cpu) also works
            parent, f_cpu = None, parent
        super().__init__(title, parent)
        self.setObjectName("scopeDock")
        self.scope = ScopeWidget(f_cpu)
        self.setWidget(self.scope)

    def feed(self, chunks: Iterable[TraceChunk], source: str = "") -> None:
        self.scope.feed(chunks, source)
