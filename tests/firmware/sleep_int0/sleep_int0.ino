/*
 * sleep_int0 -- power-down sleep, woken by a LOW level on INT0 (D2).
 *
 * Pins:
 *   D2   input, INT0, pinMode(2, INPUT_PULLUP): idles HIGH, a button
 *        pulls it to GND. In power-down only a LOW level (not an edge)
 *        on INT0 can wake the chip.
 *   D13  output (LED_BUILTIN): toggled once after each wake-up. Starts LOW.
 *
 * loop(): attach the LOW interrupt, SLEEP_MODE_PWR_DOWN, sleep; after
 * waking (the ISR wake() detaches the interrupt so it runs once) toggle
 * D13, then wait until D2 is HIGH again and 10 ms more (debounce) before
 * sleeping again. So each press (D2 held LOW, then released) gives one
 * toggle. Timer0 stops in power-down, so millis() does not advance while
 * asleep.
 */

#include <avr/sleep.h>

const byte WAKE_PIN = 2;

void setup() {
  pinMode(LED_BUILTIN, OUTPUT);
  pinMode(WAKE_PIN, INPUT_PULLUP);
}

void loop() {
  set_sleep_mode(SLEEP_MODE_PWR_DOWN);
  noInterrupts();
  attachInterrupt(digitalPinToInterrupt(WAKE_PIN), wake, LOW);
  sleep_enable();
  interrupts();      // SEI: the next instruction (SLEEP) still runs
  sleep_cpu();
  sleep_disable();

  digitalWrite(LED_BUILTIN, !digitalRead(LED_BUILTIN));

  while (digitalRead(WAKE_PIN) == LOW) {
  }
  delay(10);
}

void wake() {
  detachInterrupt(digitalPinToInterrupt(WAKE_PIN));
}
