#!/usr/bin/env bash
# Rebuild every firmware in tests/firmware, and the example sketches in resources/examples,
# from source.
#
#   tests/firmware/build.sh            # rebuild everything
#   tests/firmware/build.sh NAME ...   # rebuild only the named firmware
#   KEEP_BUILD=1 tests/firmware/build.sh ...  # keep the temp build dir
#
# A sketch's source is tests/firmware/NAME/NAME.ino (test-only firmware) or
# resources/examples/EXAMPLE/NAME.ino (the app's examples, kept only there). The output
# folder is tests/firmware for the first (NAME.hex and NAME.elf next to the NAME/ source
# folders) and the example's own folder for the second (beside NAME.ino and circuit.json).
# Needs Debian's gcc-avr, binutils-avr, avr-libc and arduino-core-avr.
# The output is deterministic: building twice (from any checkout path)
# gives byte-identical .hex and .elf files.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
EXAMPLES_DIR="$ROOT/resources/examples"
cd "$HERE"

ARDUINO_AVR="${ARDUINO_AVR:-/usr/share/arduino/hardware/arduino/avr}"
CORE_DIR="$ARDUINO_AVR/cores/arduino"
VARIANT_DIR="$ARDUINO_AVR/variants/standard"
LIB_DIR="$ARDUINO_AVR/libraries"

for tool in avr-gcc avr-g++ avr-gcc-ar avr-objcopy; do
    command -v "$tool" >/dev/null || { echo "build.sh: $tool not found" >&2; exit 1; }
done
[ -f "$CORE_DIR/Arduino.h" ] || { echo "build.sh: no Arduino AVR core at $ARDUINO_AVR" >&2; exit 1; }

export LC_ALL=C
export SOURCE_DATE_EPOCH=0

BUILD="$(mktemp -d "${TMPDIR:-/tmp}/breadboard-firmware.XXXXXXXX")"
# KEEP_BUILD=1 keeps the temporary build dir (generated .ino.cpp, objects)
if [ "${KEEP_BUILD:-0}" = 1 ]; then
    trap 'echo "build dir kept: $BUILD"' EXIT
else
    trap 'rm -rf "$BUILD"' EXIT
fi

# Keep the checkout path and the temporary build path out of the ELF files.
# All compiler and linker steps run with the build dir as working directory.
PREFIX_MAP=(-fdebug-prefix-map="$BUILD"=build -fdebug-prefix-map="$HERE"=.
            -fdebug-prefix-map="$EXAMPLES_DIR"=examples)

# --------------------------------------------------------------------------
# Arduino IDE 1.8.19 build for the Uno (platform.txt + boards.txt uno.*)
# --------------------------------------------------------------------------
MCU=atmega328p
ARDUINO_DEFS=(-mmcu=$MCU -DF_CPU=16000000L -DARDUINO=10819 -DARDUINO_AVR_UNO -DARDUINO_ARCH_AVR)
ARDUINO_CFLAGS=(-c -g -Os -w -std=gnu11 -ffunction-sections -fdata-sections -flto -fno-fat-lto-objects)
# -DDECIMAL_DIG=__DECIMAL_DIG__: Debian's avr-gcc 5.4 needs it for WString.cpp
ARDUINO_CXXFLAGS=(-c -g -Os -w -std=gnu++11 -fpermissive -fno-exceptions -ffunction-sections
                  -fdata-sections -fno-threadsafe-statics -Wno-error=narrowing -flto
                  -DDECIMAL_DIG=__DECIMAL_DIG__)
ARDUINO_SFLAGS=(-c -g -x assembler-with-cpp -flto)
ARDUINO_LDFLAGS=(-w -Os -g -flto -fuse-linker-plugin -Wl,--gc-sections -mmcu=$MCU)
CORE_INCLUDES=(-I"$CORE_DIR" -I"$VARIANT_DIR")

# compile_one SRC OBJ EXTRA_INCLUDES...  (by file extension, IDE recipes)
compile_one() {
    local src="$1" obj="$2"; shift 2
    case "$src" in
        *.c)   avr-gcc "${ARDUINO_CFLAGS[@]}" "${ARDUINO_DEFS[@]}" "${PREFIX_MAP[@]}" "${CORE_INCLUDES[@]}" "$@" "$src" -o "$obj" ;;
        *.cpp) avr-g++ "${ARDUINO_CXXFLAGS[@]}" "${ARDUINO_DEFS[@]}" "${PREFIX_MAP[@]}" "${CORE_INCLUDES[@]}" "$@" "$src" -o "$obj" ;;
        *.S)   avr-gcc "${ARDUINO_SFLAGS[@]}" "${ARDUINO_DEFS[@]}" "${PREFIX_MAP[@]}" "${CORE_INCLUDES[@]}" "$@" "$src" -o "$obj" ;;
        *)     echo "build.sh: don't know how to compile $src" >&2; exit 1 ;;
    esac
}

CORE_BUILT=0
build_core() {
    [ "$CORE_BUILT" = 1 ] && return
    echo "  core     Arduino AVR core -> core.a"
    mkdir -p "$BUILD/core"
    local src obj
    while IFS= read -r src; do
        obj="$BUILD/core/$(basename "$src").o"
        (cd "$BUILD" && compile_one "$src" "$obj")
        (cd "$BUILD" && avr-gcc-ar rcs "$BUILD/core/core.a" "$obj")
    done < <(find "$CORE_DIR" -maxdepth 1 \( -name '*.c' -o -name '*.cpp' -o -name '*.S' \) | sort)
    CORE_BUILT=1
}

# Turn NAME.ino into NAME.ino.cpp the way the IDE does: #include
# <Arduino.h> first, then the sketch with prototypes for its functions
# inserted just before the first function definition (#line directives
# keep debug line numbers pointing into the .ino, named FILE: its path
# relative to the output folder, so no checkout path ends up in the ELF).
preprocess_ino() {
    local ino="$1" file="$2" out="$3"
    awk -v file="$file" '
        function is_fundef(line,   first) {
            if (line !~ /^[A-Za-z_][A-Za-z0-9_:<>*& \t]*[ \t*&]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\([^()]*\)[ \t]*\{?[ \t]*(\/\/.*)?$/) return 0
            first = line; sub(/[ \t(].*/, "", first)
            if (first ~ /^(if|else|while|for|switch|return|do|typedef|struct|class|enum|union|ISR|case|goto)$/) return 0
            return 1
        }
        { lines[NR] = $0 }
        END {
            first = 0
            for (i = 1; i <= NR; i++) if (is_fundef(lines[i])) { if (!first) first = i; protos[++np] = i }
            print "#include <Arduino.h>"
            printf "#line 1 \"%s\"\n", file
            for (i = 1; i <= NR; i++) {
                if (i == first) {
                    for (p = 1; p <= np; p++) {
                        proto = lines[protos[p]]
                        sub(/[ \t]*(\/\/.*)?$/, "", proto); sub(/[ \t]*\{$/, "", proto)
                        printf "#line %d \"%s\"\n%s;\n", protos[p], file, proto
                    }
                    printf "#line %d \"%s\"\n", i, file
                }
                print lines[i]
            }
        }' "$ino" > "$out"
}

# sketch_source NAME: the folder holding NAME.ino (tests/firmware/NAME or an example's folder)
sketch_source() {
    local ino
    if [ -f "$HERE/$1/$1.ino" ]; then echo "$HERE/$1"; return 0; fi
    for ino in "$EXAMPLES_DIR"/*/"$1.ino"; do
        if [ -f "$ino" ]; then dirname "$ino"; return 0; fi
    done
    return 1
}

# build_sketch NAME SRC OUT: SRC/NAME.ino -> OUT/NAME.hex, OUT/NAME.elf
build_sketch() {
    local name="$1" src_dir="$2" out="$3" dir="$BUILD/sketch-$1" libs=() lib src objs=()
    local ino="$src_dir/$name.ino"
    build_core
    echo "  sketch   ${ino#"$ROOT/"} -> ${out#"$ROOT/"}/$name.hex .elf"
    mkdir -p "$dir"
    preprocess_ino "$ino" "${ino#"$out/"}" "$dir/$name.ino.cpp"

    # library discovery: only the libraries the sketch #includes
    for lib in EEPROM SPI Wire; do
        if grep -Eq "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]$lib\.h[>\"]" "$ino"; then
            libs+=("$lib")
        fi
    done
    local lib_includes=()
    for lib in "${libs[@]+"${libs[@]}"}"; do
        lib_includes+=(-I"$LIB_DIR/$lib/src")
    done

    (cd "$BUILD" && compile_one "$dir/$name.ino.cpp" "$dir/$name.ino.cpp.o" "${lib_includes[@]+"${lib_includes[@]}"}")
    objs+=("$dir/$name.ino.cpp.o")
    for lib in "${libs[@]+"${libs[@]}"}"; do
        echo "           + library $lib"
        mkdir -p "$dir/lib-$lib"
        while IFS= read -r src; do
            local obj="$dir/lib-$lib/$(basename "$src").o"
            (cd "$BUILD" && compile_one "$src" "$obj" "${lib_includes[@]}" -I"$(dirname "$src")")
            objs+=("$obj")
        done < <(find "$LIB_DIR/$lib/src" \( -name '*.c' -o -name '*.cpp' -o -name '*.S' \) | sort)
    done

    # -save-temps (not in the IDE recipe) only makes the LTO temporary
    # object get a fixed name ($name.elf.ltrans0.o) instead of a random
    # /tmp/ccXXXXXX.ltrans0.o, whose name ends up in the ELF's debug
    # info; the generated code and the .hex are the same either way.
    (cd "$dir" && avr-gcc "${ARDUINO_LDFLAGS[@]}" "${PREFIX_MAP[@]}" -save-temps -o "$name.elf" \
        "${objs[@]}" "$BUILD/core/core.a" -L"$BUILD/core" -lm)
    finish "$dir/$name.elf" "$name" "$out"
}

# --------------------------------------------------------------------------
# Plain avr-gcc / avr-libc firmware (no Arduino core)
# --------------------------------------------------------------------------
# build_asm NAME: NAME/NAME.S, no C runtime: code starts at the reset vector
build_asm() {
    local name="$1" dir="$BUILD/asm-$1"
    echo "  asm      $name/$name.S -> $name.hex $name.elf"
    mkdir -p "$dir"
    # DWARF debug info (avr-as defaults to stabs); map paths out of it
    (cd "$BUILD" && avr-gcc -mmcu=$MCU -c -gdwarf-2 -x assembler-with-cpp \
        -Wa,--debug-prefix-map="$BUILD"=build -Wa,--debug-prefix-map="$HERE"=. \
        "$HERE/$name/$name.S" -o "asm-$name/$name.o")
    # relative object path: it ends up in the ELF symbol table as a FILE symbol
    (cd "$BUILD" && avr-gcc -mmcu=$MCU -g -nostartfiles "asm-$name/$name.o" -o "$dir/$name.elf")
    finish "$dir/$name.elf" "$name" "$HERE"
}

# build_c OUT SRC EXTRA_FLAGS...: avr-libc C program, -O2
build_c() {
    local out="$1" src="$2" dir="$BUILD/c-$1"; shift 2
    echo "  c        $src${*:+ $*} -> $out.hex $out.elf"
    mkdir -p "$dir"
    (cd "$BUILD" && avr-gcc -mmcu=$MCU -DF_CPU=16000000UL -c -O2 -g -std=gnu11 -Wall -Wextra "${PREFIX_MAP[@]}" \
        "$@" "$HERE/$src" -o "$dir/$out.o")
    (cd "$BUILD" && avr-gcc -mmcu=$MCU -O2 -g "$dir/$out.o" -o "$dir/$out.elf")
    finish "$dir/$out.elf" "$out" "$HERE"
}

# finish ELF NAME OUT: OUT/NAME.elf and OUT/NAME.hex
finish() {
    local elf="$1" name="$2" out="$3"
    avr-objcopy -O ihex -R .eeprom "$elf" "$BUILD/$name.hex"
    install -m 644 "$elf" "$out/$name.elf"
    install -m 644 "$BUILD/$name.hex" "$out/$name.hex"
}

# --------------------------------------------------------------------------
# The corpus (see README.md)
# --------------------------------------------------------------------------
ASM_FIRMWARE=(toggle_loop)
SKETCHES=(
    int0_change millis_100hz ctc_100hz
    blink serial_hello serial_echo
    attach_low attach_rising attach_falling
    pcint analog_read analog_write micros_delay icp_freqmeter eeprom_rw
    watchdog_int watchdog_reset sleep_int0 adc_isr traffic_light bounce_counter
    twi_spi_probe delay_in_isr long_isr
)
ALL=("${ASM_FIRMWARE[@]}" cpu_bench cpu_bench_short extint_diff src_lines "${SKETCHES[@]}")

build_named() {
    case "$1" in
        toggle_loop)     build_asm toggle_loop ;;
        cpu_bench)       build_c cpu_bench cpu_bench/cpu_bench.c ;;
        cpu_bench_short) build_c cpu_bench_short cpu_bench/cpu_bench.c -DROUNDS=16 ;;
        extint_diff)     build_c extint_diff extint_diff/extint_diff.c ;;
        # -gdwarf-2: this avr-gcc 5.4 + binutils leave .debug_line empty with the default DWARF 4
        src_lines)       build_c src_lines src_lines/src_lines.c -gdwarf-2 ;;
        *)
            local src
            if src="$(sketch_source "$1")"; then
                if [ "$src" = "$HERE/$1" ]; then build_sketch "$1" "$src" "$HERE"
                else build_sketch "$1" "$src" "$src"; fi
            else echo "build.sh: unknown firmware '$1'" >&2; exit 1; fi ;;
    esac
}

echo "Building firmware in $HERE and $EXAMPLES_DIR (avr-gcc $(avr-gcc -dumpversion))"
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${ALL[@]}"); fi
for t in "${targets[@]}"; do
    build_named "$t"
done
echo "Done: ${#targets[@]} firmware."

