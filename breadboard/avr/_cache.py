"""Where numba keeps its compiled kernels.

numba keys its disk cache per source file and does not notice when a jitted callee in another
file changes, so the cache directory is named after a hash of every kernel source file (all of
this package but the Python drivers, ``DRIVERS``) and the package version: any change to the
kernel gets a fresh directory. Set ``NUMBA_CACHE_DIR`` to override. This module must run
before numba is imported.
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
    return os.environ["NUMBA_CACHE_DIR"]
