/*
 * icp_freqmeter -- period / frequency meter with Timer1 input capture.
 *
 * Pins:
 *   D8  (PB0, ICP1) input, pinMode(8, INPUT): the signal to measure.
 *   D1  Serial TX, 115200 baud (UBRR0 = 16, U2X0 = 1: 117647 baud actual).
 *
 * Timer1: TCCR1A = 0 (normal mode, undoing the core's 8-bit PWM set-up),
 * TCCR1B = ICES1 | CS11: capture on RISING edges, clk/8 = 2 MHz, so one
 * tick is 0.5 us and periods up to 32767.5 us (>= 30.5 Hz) are measured
 * correctly (the 16-bit difference wraps beyond that). Noise canceler off.
 * ISR(TIMER1_CAPT_vect) stores period = ICR1 - previous ICR1.
 *
 * Every 250 ms (millis(), "prev += 250"), if at least two rising edges
 * have been captured since reset, one line is printed:
 *   period=<ticks> ticks freq=<hz> Hz
 * with ticks = period in 0.5 us units and hz = 2000000 / ticks (integer
 * division). Nothing is printed before the second rising edge.
 */

volatile unsigned int period = 0;     // in timer ticks (0.5 us)
volatile unsigned int lastCapture = 0;
volatile unsigned long captures = 0;

unsigned long prev = 0;

void setup() {
  Serial.begin(115200);
  pinMode(8, INPUT);
  noInterrupts();
  TCCR1A = 0;
  TCCR1B = _BV(ICES1) | _BV(CS11);   // rising edge, clk/8
  TCNT1 = 0;
  TIFR1 = _BV(ICF1);                 // clear a pending capture flag
  TIMSK1 = _BV(ICIE1);               // input capture interrupt only
  interrupts();
}

ISR(TIMER1_CAPT_vect) {
  unsigned int now = ICR1;
  period = now - lastCapture;
  lastCapture = now;
  captures++;
}

void loop() {
  if (millis() - prev >= 250) {
    prev += 250;
    noInterrupts();
    unsigned int p = period;
    unsigned long n = captures;
    interrupts();
    if (n >= 2 && p != 0) {
      Serial.print("period=");
      Serial.print(p);
      Serial.print(" ticks freq=");
      Serial.print(2000000UL / p);
      Serial.println(" Hz");
    }
  }
}
