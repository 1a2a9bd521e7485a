#!/bin/sh
# Rebuild the loader test fixtures (needs avr-gcc and binutils-avr).
set -e
cd "$(dirname "$0")"
avr-gcc -mmcu=atmega328p -Os -o tiny.elf tiny.c
avr-objcopy -O ihex -R .eeprom tiny.elf tiny.hex
avr-nm -n tiny.elf | grep -E ' (main|__vector_1|__vector_default)$' || true
