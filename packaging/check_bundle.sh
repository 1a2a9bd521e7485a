#!/usr/bin/env bash
# Build the Linux bundle and prove it starts with no Python environment around it: run the
# bundle's program with the environment emptied (PATH=/usr/bin:/bin, no PYTHONPATH, no venv),
# offscreen, with the blink example loaded, for one simulated second; first with an empty
# cache (cold: the simulator compiles) and then again (warm: it must not recompile).
#
#   packaging/check_bundle.sh [--reuse] [--no-venv] [--seconds N] [--example NAME]
#     --reuse    use dist/breadboard if it is there instead of building it again
#     --no-venv  build with the current python3 (passed to build_linux.sh; CI does this)
#
# Exits non-zero if a run fails or the warm start recompiled; prints the figures.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

REUSE=0
BUILD_ARGS=()
SECONDS_SIM=1
EXAMPLE=blink
while [ $# -gt 0 ]; do
    case "$1" in
        --reuse) REUSE=1 ;;
        --no-venv) BUILD_ARGS+=(--no-venv) ;;
        --seconds) SECONDS_SIM="$2"; shift ;;
        --example) EXAMPLE="$2"; shift ;;
        -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "check_bundle.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

BUNDLE="$ROOT/dist/breadboard"
APP="$BUNDLE/breadboard"
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

build_s="reused"
if [ "$REUSE" = 1 ] && [ -x "$APP" ]; then
    echo "== reusing $BUNDLE"
else
    t=$(now)
    bash "$ROOT/packaging/build_linux.sh" "${BUILD_ARGS[@]}"
    build_s="$(elapsed "$t" "$(now)") s"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/breadboard-check.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
CACHE="$WORK/cache"
mkdir -p "$CACHE" "$WORK/home"

# The bundle alone: nothing from this shell's environment but HOME, a fresh cache and offscreen Qt.
run_bundle() {
    env -i PATH=/usr/bin:/bin HOME="$HOME" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
        XDG_CACHE_HOME="$CACHE" XDG_RUNTIME_DIR="$WORK" XDG_CONFIG_HOME="$WORK/home" \
        timeout 900 "$APP" "$@"
}

smoke() { # smoke LABEL -> runs the app's smoke test, leaves its summary line in $WORK/LABEL.out
    local label="$1" t rc=0
    t=$(now)
    run_bundle --smoke-test "$SECONDS_SIM" --example "$EXAMPLE" >"$WORK/$label.out" 2>"$WORK/$label.err" || rc=$?
    eval "${label}_s=$(elapsed "$t" "$(now)")"
    grep -h '^smoke-test' "$WORK/$label.out" || true
    if [ "$rc" != 0 ]; then
        echo "check_bundle.sh: the $label start failed (exit $rc); its output:" >&2
        tail -n 40 "$WORK/$label.out" "$WORK/$label.err" >&2
        exit 1
    fi
}
field() { grep -h '^smoke-test' "$WORK/$1.out" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# numba's index (.nbi) and compiled code (.nbc) files; a recompile rewrites them.
cache_listing() { find "$CACHE" -type f -name '*.nb[ic]' -printf '%P %s %T@\n' | sort; }

echo "== cold start (empty cache: the simulator compiles)"
smoke cold
cache_listing >"$WORK/cache-after-cold"
[ "$(field cold compiled)" = yes ] || { echo "check_bundle.sh: the cold start did not compile?" >&2; exit 1; }
[ -s "$WORK/cache-after-cold" ] || { echo "check_bundle.sh: numba wrote no cache" >&2; exit 1; }

echo "== warm start (the same cache)"
smoke warm
cache_listing >"$WORK/cache-after-warm"
if ! cmp -s "$WORK/cache-after-cold" "$WORK/cache-after-warm"; then
    echo "check_bundle.sh: the warm start wrote to numba's cache: it recompiled" >&2
    diff "$WORK/cache-after-cold" "$WORK/cache-after-warm" | head -20 >&2
    exit 1
fi

echo "== the headless runner of the bundle"
t=$(now)
run_bundle run "$BUNDLE/_internal/resources/examples/blink/blink.hex" --time 1s >"$WORK/run.out" 2>&1 || {
    echo "check_bundle.sh: 'breadboard run' failed:" >&2
    cat "$WORK/run.out" >&2
    exit 1
}
run_s=$(elapsed "$t" "$(now)")
sed -n '1p' "$WORK/run.out"

size="$(du -sh "$BUNDLE" | cut -f1)"
tarball="$(ls -1 "$ROOT"/dist/breadboard-*-linux-*.tar.gz 2>/dev/null | tail -n 1 || true)"
warm_window="$(field warm window_shown_s)"
echo
echo "bundle check passed: $APP"
echo "  bundle size:        $size${tarball:+ (tarball $(du -h "$tarball" | cut -f1): $(basename "$tarball"))}"
echo "  build:              $build_s"
echo "  cold start:         ${cold_s} s to $SECONDS_SIM simulated s, compile included (window shown at $(field cold window_shown_s) s)"
echo "  warm start:         window shown ${warm_window} s after process start, first cycle $(field warm first_cycle_s) s; ${warm_s} s to $SECONDS_SIM simulated s and exit"
echo "  headless run 1 s:   ${run_s} s"
numba_cache="$(du -sh "$CACHE" | cut -f1)"
echo "  numba cache:        $numba_cache"
if awk -v w="$warm_window" 'BEGIN { exit !(w > 2.0) }'; then
    echo "  note: the warm start took more than 2 s here (a loaded machine?)"
fi
