"""Where numba keeps its compiled kernels.

numba keys its disk cache per source file and does not notice when a jitted callee in another
file changes, so the cache directory is named after a hash of every kernel source file (all of
this package but the Python drivers, ``DRIVERS``) and the package version: any change to the
kernel gets a fresh directory. Set ``NUMBA_CACHE_DIR`` to override. This module runs before
the kernel's functions are defined; if numba was imported earlier (a script that imports it
first), its configuration is reloaded so the kernel is cached here too, beside the ready marker.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

#: Files of this package that only drive the kernel from Python: editing them keeps the cache.
DRIVERS = {"mcu.py", "warm.py"}


def kernel_hash() -> str:
    """Hash of the kernel's source files, the package version and the Python version."""
    from breadboard import __version__

    h = hashlib.sha256(f"{__version__} {sys.version_info[:2]}".encode())
    here = Path(__file__).parent
    for path in sorted(p for p in here.glob("*.py") if p.name not in DRIVERS):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def user_cache_root() -> Path:
    """The per-user cache directory of breadboard (XDG on Linux, LOCALAPPDATA on Windows)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "breadboard"


def configure() -> str:
    """Point numba's cache at this kernel's directory unless the user chose one; return it."""
    if "NUMBA_CACHE_DIR" not in os.environ:
        os.environ["NUMBA_CACHE_DIR"] = str(user_cache_root() / f"numba-{kernel_hash()}")
        numba_config = sys.modules.get("numba.core.config")
        if numba_config is not None:
            # numba read its environment when it was imported, before this: without a
            # reload, the kernel would be cached beside its sources and the ready marker here
            numba_config.reload_config()
    return os.environ["NUMBA_CACHE_DIR"]


#: A kernel directory nobody has loaded for this long is removed after the next compile.
STALE_SECONDS = 30 * 24 * 3600


def prune_stale(current: str, marker: str, now: float | None = None) -> list[Path]:
    """Remove the cache directories of other kernel versions (``numba-<hash>`` beside
    ``current`` in breadboard's own cache root) whose ready ``marker`` was last touched more
    than ``STALE_SECONDS`` ago, or that never got one (an interrupted compile) and are older
    than that. Each is a few MB and an upgrade leaves the old one behind. Returns what went.
    """
    import re
    import shutil
    import time

    current_path = Path(current)
    if current_path.parent != user_cache_root():
        return []  # a cache the user chose: not ours to tidy
    limit = (time.time() if now is None else now) - STALE_SECONDS
    removed = []
    for path in current_path.parent.glob("numba-*"):
        if path == current_path or not re.fullmatch(r"numba-[0-9a-f]{16}", path.name):
            continue
        stamp = path / marker
        try:
            used = (stamp if stamp.exists() else path).stat().st_mtime
        except OSError:
            continue
        if used < limit:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
