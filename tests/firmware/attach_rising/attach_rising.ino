/*
 * attach_rising -- attachInterrupt(..., RISING) counting ISR calls.
 *
 * Pins:
 *   D2  input, INT0. pinMode(2, INPUT): no internal pull-up; a push button
 *       to 5 V with an external pull-down resistor (idles LOW).
 *   D1  Serial TX, 115200 baud (UBRR0 = 16, U2X0 = 1: 117647 baud actual).
 *
 * The ISR on_edge() increments a volatile counter on every RISING edge of
 * D2. setup() prints "attach_rising: ready"; after that loop() prints the
 * counter value (decimal, one line, "\r\n") each time it has changed.
 * If several edges come while a line is being sent, only the latest
 * count is printed, so printed values are strictly increasing but may
 * skip numbers.
 */

const byte BUTTON_PIN = 2;

volatile unsigned int count = 0;
unsigned int printed = 0;

void setup() {
  Serial.begin(115200);
  pinMode(BUTTON_PIN, INPUT);   // external pull-down resistor
  attachInterrupt(digitalPinToInterrupt(BUTTON_PIN), on_edge, RISING);
  Serial.println("attach_rising: ready");
}

void loop() {
  noInterrupts();
  unsigned int c = count;
  interrupts();
  if (c != printed) {
    printed = c;
    Serial.println(c);
  }
}

void on_edge() {
  count++;
}
