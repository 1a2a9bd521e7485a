#!/usr/bin/env bash
# Shipped inside the Linux bundle: add breadboard to this user's desktop menu (no root needed).
#   ./install-desktop-entry.sh              menu entry + icon + .hex MIME type + ~/.local/bin/breadboard
#   ./install-desktop-entry.sh --uninstall  remove them again (the bundle folder stays)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
APPS="$DATA/applications"
ICONS="$DATA/icons/hicolor/256x256/apps"
BIN="$HOME/.local/bin"

refresh() {
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$APPS" || true
    command -v gtk-update-icon-cache >/dev/null &&
        gtk-update-icon-cache -q -t "$DATA/icons/hicolor" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$APPS/breadboard.desktop" "$ICONS/breadboard.png"
    [ -L "$BIN/breadboard" ] && rm -f "$BIN/breadboard"
    command -v xdg-mime >/dev/null && xdg-mime uninstall "$HERE/breadboard-mime.xml" 2>/dev/null || true
    if [ -f "$DATA/mime/packages/breadboard-mime.xml" ]; then
        rm -f "$DATA/mime/packages/breadboard-mime.xml"
        command -v update-mime-database >/dev/null && update-mime-database "$DATA/mime" || true
    fi
    refresh
    echo "breadboard's menu entry removed"
    exit 0
fi

test -x "$HERE/breadboard" || { echo "run this script from the unpacked bundle" >&2; exit 1; }
mkdir -p "$APPS" "$ICONS" "$BIN"
# The entry names this folder's program by its absolute path, so it works without PATH.
sed -e "s|^Exec=.*|Exec=\"$HERE/breadboard\" %f|" -e "s|^TryExec=.*|TryExec=$HERE/breadboard|" \
    "$HERE/breadboard.desktop" >"$APPS/breadboard.desktop"
chmod 644 "$APPS/breadboard.desktop"
[ -f "$HERE/breadboard.png" ] && install -m 644 "$HERE/breadboard.png" "$ICONS/breadboard.png"
ln -sfn "$HERE/breadboard" "$BIN/breadboard"
if command -v xdg-mime >/dev/null; then
    xdg-mime install --novendor "$HERE/breadboard-mime.xml" 2>/dev/null || true
    xdg-mime default breadboard.desktop application/x-ihex 2>/dev/null || true
else
    mkdir -p "$DATA/mime/packages"
    install -m 644 "$HERE/breadboard-mime.xml" "$DATA/mime/packages/breadboard-mime.xml"
    command -v update-mime-database >/dev/null && update-mime-database "$DATA/mime" || true
fi
refresh
echo "breadboard added to the menu ($APPS/breadboard.desktop); 'breadboard' is in $BIN"
