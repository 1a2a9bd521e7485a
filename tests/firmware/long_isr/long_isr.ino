/*
 * long_isr -- an interrupt handler that takes about 200 us.
 *
 * Timer1 in CTC mode (OCR1A = 19999, clk/8) requests TIMER1_COMPA every 10 ms. The ISR
 * busy-waits 200 us (delayMicroseconds) and toggles D13: far longer than an ISR should run.
 * Pins: D13 output (LED_BUILTIN), toggled once per interrupt.
 */

ISR(TIMER1_COMPA_vect) {
  delayMicroseconds(200);
  PINB = _BV(PB5);  // toggle D13
}

void setup() {
  pinMode(LED_BUILTIN, OUTPUT);
  noInterrupts();
  TCCR1A = 0;
  TCCR1B = _BV(WGM12) | _BV(CS11);  // CTC, clk/8: 2 MHz
  OCR1A = 19999;                     // 10 ms
  TIMSK1 = _BV(OCIE1A);
  interrupts();
}

void loop() {}
