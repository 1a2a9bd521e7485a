"""The desktop app (PySide6 + pyqtgraph): the only package that imports Qt.

It never calls the kernel: it reads ``Simulation`` snapshots and traces from the worker thread.
"""
