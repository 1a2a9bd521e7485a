/*
 * millis_100hz -- a 100 Hz square wave made by polling millis().
 *
 * Pins:
 *   D2   output: toggled whenever millis() - prevWave >= 5  (nominal 100 Hz)
 *   D13  output (LED_BUILTIN): toggled whenever millis() - prevLed >= 250
 *        (blinks with a nominal period of 500 ms)
 *
 * The course style "prev = now" is used (not "prev += interval"), so each
 * half period is at least 5 (resp. 250) millis() counts and the small
 * excess from the millis() steps accumulates instead of being made up.
 */

const byte WAVE_PIN = 2;
const unsigned long WAVE_HALF_PERIOD = 5;   // ms
const unsigned long LED_HALF_PERIOD = 250;  // ms

unsigned long prevWave = 0;
unsigned long prevLed = 0;

void setup() {
  pinMode(WAVE_PIN, OUTPUT);
  pinMode(LED_BUILTIN, OUTPUT);
}

void loop() {
  unsigned long now = millis();

  if (now - prevWave >= WAVE_HALF_PERIOD) {
    prevWave = now;
    digitalWrite(WAVE_PIN, !digitalRead(WAVE_PIN));
  }

  if (now - prevLed >= LED_HALF_PERIOD) {
    prevLed = now;
    digitalWrite(LED_BUILTIN, !digitalRead(LED_BUILTIN));
  }
}
