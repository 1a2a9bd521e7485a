/*
 * blink -- the classic Arduino Blink.
 *
 * Pins:
 *   D13 (LED_BUILTIN) output: HIGH for delay(1000), LOW for delay(1000),
 *   so a 0.5 Hz blink with a 2 s period.
 */

void setup() {
  pinMode(LED_BUILTIN, OUTPUT);
}

void loop() {
  digitalWrite(LED_BUILTIN, HIGH);
  delay(1000);
  digitalWrite(LED_BUILTIN, LOW);
  delay(1000);
}
