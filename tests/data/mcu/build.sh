#!/bin/sh
# Rebuild the wrong-MCU test ELFs (needs gcc-avr, avr-libc).
set -e
cd "$(dirname "$0")"
for mcu in atmega2560 attiny85 atmega328p; do
  avr-gcc -mmcu=$mcu -Os -o "$mcu.elf" main.c
done
