/*
 * watchdog_reset -- watchdog system reset, with a boot counter that
 * survives the reset because it lives in .noinit (not cleared by the C
 * start-up code).
 *
 * Serial (TX on D1) at 115200 baud (UBRR0 = 16, U2X0 = 1: 117647 baud).
 *
 * setup():
 *   - saves MCUSR, clears it and calls wdt_disable() (after a watchdog
 *     reset the watchdog stays on with the 16 ms time-out),
 *   - if the .noinit magic word is not 0xB007 (power-on: RAM is random)
 *     sets it and zeroes the counter; then increments the counter,
 *   - prints "boot <n> MCUSR=0x<hex>" (n = 1 after power-on, then 2, 3,
 *     ...; MCUSR bit 3 = WDRF = 0x08 after a watchdog reset),
 *   - wdt_enable(WDTO_250MS): 32K watchdog cycles = 256 ms at 128 kHz.
 * loop() never calls wdt_reset(), so the chip resets ~256 ms later and
 * prints the next boot line. D13 (LED_BUILTIN) is HIGH while waiting.
 */

#include <avr/wdt.h>

const unsigned int MAGIC = 0xB007;

unsigned int bootMagic __attribute__((section(".noinit")));
unsigned int bootCount __attribute__((section(".noinit")));

void setup() {
  byte resetFlags = MCUSR;
  MCUSR = 0;
  wdt_disable();

  if (bootMagic != MAGIC) {
    bootMagic = MAGIC;
    bootCount = 0;
  }
  bootCount++;

  pinMode(LED_BUILTIN, OUTPUT);
  Serial.begin(115200);
  Serial.print("boot ");
  Serial.print(bootCount);
  Serial.print(" MCUSR=0x");
  Serial.println(resetFlags, HEX);
  Serial.flush();

  wdt_enable(WDTO_250MS);
  digitalWrite(LED_BUILTIN, HIGH);
}

void loop() {
  // no wdt_reset(): the watchdog resets the chip
}
