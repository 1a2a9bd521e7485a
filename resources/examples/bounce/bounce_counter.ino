/*
 * bounce_counter -- counts INT0 FALLING edges, to show contact bounce.
 *
 * Pins:
 *   D2  input, INT0, pinMode(2, INPUT_PULLUP): idles HIGH, button to GND.
 *       Every falling edge (including each bounce) increments a counter.
 *   D1  Serial TX, 115200 baud (UBRR0 = 16, U2X0 = 1: 117647 baud actual).
 *
 * setup() prints "bounce_counter: ready"; loop() prints "count=<n>"
 * whenever the counter has changed (strictly increasing values; if edges
 * arrive faster than lines are sent, intermediate values are skipped, but
 * the last printed value always equals the total number of falling edges).
 */

const byte BUTTON_PIN = 2;

volatile unsigned long count = 0;
unsigned long printed = 0;

void setup() {
  Serial.begin(115200);
  pinMode(BUTTON_PIN, INPUT_PULLUP);
  attachInterrupt(digitalPinToInterrupt(BUTTON_PIN), on_falling, FALLING);
  Serial.println("bounce_counter: ready");
}

void loop() {
  noInterrupts();
  unsigned long c = count;
  interrupts();
  if (c != printed) {
    printed = c;
    Serial.print("count=");
    Serial.println(c);
  }
}

void on_falling() {
  count++;
}
