/*
 * pcint -- pin-change interrupt PCINT0 on D8 (PB0), set up by hand.
 *
 * Pins:
 *   D8   input, pinMode(8, INPUT) (no pull-up: driven by a signal source,
 *        or a button with an external resistor); PCINT0 enabled via
 *        PCMSK0 bit 0 and PCICR bit PCIE0.
 *   D13  output (LED_BUILTIN): toggled in ISR(PCINT0_vect), i.e. on EVERY
 *        change of D8 (both edges). Starts LOW.
 */

const byte INPUT_PIN = 8;

void setup() {
  pinMode(LED_BUILTIN, OUTPUT);
  pinMode(INPUT_PIN, INPUT);
  PCIFR = _BV(PCIF0);     // clear a pending flag
  PCMSK0 |= _BV(PCINT0);  // D8 = PB0 = PCINT0
  PCICR |= _BV(PCIE0);    // enable pin-change interrupt 0 (PCINT7..0)
}

ISR(PCINT0_vect) {
  digitalWrite(LED_BUILTIN, !digitalRead(LED_BUILTIN));
}

void loop() {
}
