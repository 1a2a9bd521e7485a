#!/usr/bin/env bash
# Build the Linux bundle of breadboard: dist/breadboard/ (one folder, start dist/breadboard/breadboard)
# and dist/breadboard-<version>-linux-<arch>.tar.gz (the folder + .desktop entry + icon + install note).
#
#   packaging/build_linux.sh              # a clean venv in build/package-venv, then PyInstaller
#   packaging/build_linux.sh --no-venv    # the current python3 (or $PYTHON) as it is (CI does this)
#   packaging/build_linux.sh --no-tarball # the folder only
#
# Needs Python >= 3.10 with pip and venv; run from anywhere. See packaging/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

USE_VENV=1
TARBALL=1
PYTHON="${PYTHON:-python3}"
for arg in "$@"; do
    case "$arg" in
        --no-venv) USE_VENV=0 ;;
        --no-tarball) TARBALL=0 ;;
        -h | --help)
            sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "build_linux.sh: unknown option $arg (try --help)" >&2
            exit 2
            ;;
    esac
done

started=$(date +%s)
if [ "$USE_VENV" = 1 ]; then
    VENV="$ROOT/build/package-venv"
    echo "== a clean venv in $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    PY="$VENV/bin/python"
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet "$ROOT[package]"
else
    PY="$(command -v "$PYTHON")"
    echo "== using $PY as it is"
    if ! "$PY" -c "import PyInstaller, numba, numpy, PySide6, pyqtgraph, intelhex, elftools, vcd" 2>/dev/null; then
        echo "== installing what the build needs into it"
        "$PY" -m pip install --quiet "$ROOT[package]"
    fi
fi

VERSION="$("$PY" -c "import re, pathlib; print(re.search(r'__version__ = \"([^\"]+)\"', pathlib.Path('breadboard/__init__.py').read_text()).group(1))")"
ARCH="$(uname -m)"
echo "== PyInstaller $("$PY" -m PyInstaller --version) building breadboard $VERSION for linux-$ARCH"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" \
    "$ROOT/packaging/breadboard.spec"

BUNDLE="$ROOT/dist/breadboard"
test -x "$BUNDLE/breadboard" || { echo "build_linux.sh: no $BUNDLE/breadboard" >&2; exit 1; }
# The desktop entry, its icon and the MIME type for .hex files travel inside the folder.
install -m 644 packaging/breadboard.desktop "$BUNDLE/breadboard.desktop"
install -m 644 packaging/breadboard-mime.xml "$BUNDLE/breadboard-mime.xml"
install -m 755 packaging/install-desktop-entry.sh "$BUNDLE/install-desktop-entry.sh"
if [ -f resources/icon.png ]; then
    install -m 644 resources/icon.png "$BUNDLE/breadboard.png"
else
    echo "build_linux.sh: warning: resources/icon.png is missing; the bundle has no icon" >&2
fi
cat >"$BUNDLE/INSTALL.txt" <<EOF
breadboard $VERSION for Linux ($ARCH): a virtual breadboard for the Arduino Uno.

Run it from here, no install needed:    ./breadboard   (or ./breadboard FIRMWARE.hex)
Add it to your desktop's menu:          ./install-desktop-entry.sh
                                         (a menu entry, its icon and .hex files opening
                                         with breadboard; --uninstall removes them)

The first launch compiles the simulator (about a minute or two, behind a progress dialog);
later launches take a second or two. The compiled code is kept in ~/.cache/breadboard
(\$XDG_CACHE_HOME/breadboard); delete that folder to free the space.
Needs a 64-bit glibc Linux with OpenGL/EGL libraries (libgl1, libegl1) and fontconfig,
as any desktop has. Headless: QT_QPA_PLATFORM=offscreen ./breadboard run FIRMWARE.hex --time 1s
EOF
echo "== bundle: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1))"

if [ "$TARBALL" = 1 ]; then
    NAME="breadboard-$VERSION-linux-$ARCH"
    TAR="$ROOT/dist/$NAME.tar.gz"
    rm -f "$TAR"
    # The archive unpacks to one folder named after the release.
    tar -C "$ROOT/dist" --transform "s,^breadboard,$NAME," -czf "$TAR" breadboard
    echo "== tarball: $TAR ($(du -h "$TAR" | cut -f1))"
fi
echo "== built in $(($(date +%s) - started)) s"
