#!/usr/bin/env bash
# Build breadboard.app for macOS (11+, the machine's architecture) from packaging/breadboard.spec,
# which is windowed and on macOS adds a BUNDLE step: dist/breadboard.app, then a .dmg.
#   packaging/macos/build_macos.sh [--no-venv] [--no-dmg]
# Sign with BREADBOARD_CODESIGN_IDENTITY="Developer ID Application: NAME (TEAMID)" in the
# environment (PyInstaller signs with packaging/macos/entitlements.plist); see README.md here.
# Not run on this project's CI (Linux only).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
[ "$(uname -s)" = Darwin ] || { echo "build_macos.sh: run this on macOS" >&2; exit 2; }

USE_VENV=1
DMG=1
PYTHON="${PYTHON:-python3}"
for arg in "$@"; do
    case "$arg" in
        --no-venv) USE_VENV=0 ;;
        --no-dmg) DMG=0 ;;
        *) echo "build_macos.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done

if [ "$USE_VENV" = 1 ]; then
    rm -rf build/package-venv
    "$PYTHON" -m venv build/package-venv
    PY=build/package-venv/bin/python
    "$PY" -m pip install --quiet --upgrade pip
else
    PY="$(command -v "$PYTHON")"
fi
# Pillow lets PyInstaller turn resources/icon.png into the .app's .icns.
"$PY" -m pip install --quiet ".[package]" pillow

VERSION="$("$PY" -c "import re, pathlib; print(re.search(r'__version__ = \"([^\"]+)\"', pathlib.Path('breadboard/__init__.py').read_text()).group(1))")"
ARCH="$(uname -m)"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/breadboard.spec
APP="dist/breadboard.app"
test -x "$APP/Contents/MacOS/breadboard" || { echo "build_macos.sh: no $APP" >&2; exit 1; }
echo "== $APP ($(du -sh "$APP" | cut -f1))"

# Smoke test, offscreen; the first start compiles the simulator (a minute or two).
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/breadboard" --smoke-test 1 --example blink

if [ -n "${BREADBOARD_CODESIGN_IDENTITY:-}" ]; then
    codesign --verify --deep --strict --verbose=2 "$APP"
fi

if [ "$DMG" = 1 ]; then
    DMG_PATH="dist/breadboard-$VERSION-macos-$ARCH.dmg"
    rm -f "$DMG_PATH"
    STAGE="$(mktemp -d)"
    cp -R "$APP" "$STAGE/"
    ln -s /Applications "$STAGE/Applications"
    hdiutil create -volname "breadboard $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$DMG_PATH"
    rm -rf "$STAGE"
    echo "== $DMG_PATH ($(du -h "$DMG_PATH" | cut -f1))"
fi
