"""Firmware loading: Intel HEX and AVR ELF images for the ATmega328P flash.

Stand-alone package: it imports nothing from the rest of ``breadboard``.
"""

from breadboard.firmware.loader import (
    FLASH_BYTES,
    FLASH_WORDS,
    Firmware,
    FirmwareError,
    firmware_from_bytes,
    load_elf,
    load_firmware,
    load_hex,
)

__all__ = [
    "FLASH_BYTES",
    "FLASH_WORDS",
    "Firmware",
    "FirmwareError",
    "firmware_from_bytes",
    "load_elf",
    "load_firmware",
    "load_hex",
]
