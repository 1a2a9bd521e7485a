/*
 * watchdog_int -- watchdog timer in interrupt mode (no reset).
 *
 * Pins:
 *   D13 (LED_BUILTIN) output: toggled in ISR(WDT_vect) every watchdog
 *   time-out of 8K (8192) watchdog-oscillator cycles = 64 ms at 128 kHz,
 *   so a 7.8125 Hz square wave (128 ms period). Starts LOW.
 *
 * WDTCSR set-up (timed sequence): WDCE|WDE, then WDIE | WDP1:
 * interrupt mode (WDE = 0), prescaler 8K cycles. WDIE stays set, so the
 * interrupt repeats every 64 ms. loop() is empty.
 */

#include <avr/wdt.h>

void setup() {
  pinMode(LED_BUILTIN, OUTPUT);
  noInterrupts();
  wdt_reset();
  MCUSR &= ~_BV(WDRF);
  WDTCSR = _BV(WDCE) | _BV(WDE);   // timed sequence: unlock
  WDTCSR = _BV(WDIE) | _BV(WDP1);  // interrupt mode, 64 ms
  interrupts();
}

ISR(WDT_vect) {
  digitalWrite(LED_BUILTIN, !digitalRead(LED_BUILTIN));
}

void loop() {
}
