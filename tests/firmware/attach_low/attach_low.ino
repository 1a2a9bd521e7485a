/*
 * attach_low -- attachInterrupt(..., LOW): a level interrupt that keeps
 * firing while the pin is low; the ISR detaches itself after 5 calls.
 *
 * Pins:
 *   D2  input, INT0, pinMode(2, INPUT_PULLUP): idles HIGH, a push button
 *       pulls it to GND.
 *   D1  Serial TX, 115200 baud (UBRR0 = 16, U2X0 = 1: 117647 baud actual).
 *
 * The ISR on_low() increments a volatile counter; on the 5th call it
 * calls detachInterrupt(), so the counter never goes above 5 (the first
 * press that lasts a few microseconds already reaches 5: a LOW level
 * re-enters the ISR after every single main-program instruction).
 * setup() prints "attach_low: ready"; loop() prints the counter (decimal,
 * one line, "\r\n") whenever it has changed; the last line is "5".
 */

const byte BUTTON_PIN = 2;
const unsigned int MAX_CALLS = 5;

volatile unsigned int count = 0;
unsigned int printed = 0;

void setup() {
  Serial.begin(115200);
  pinMode(BUTTON_PIN, INPUT_PULLUP);
  attachInterrupt(digitalPinToInterrupt(BUTTON_PIN), on_low, LOW);
  Serial.println("attach_low: ready");
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

void on_low() {
  count++;
  if (count >= MAX_CALLS) {
    detachInterrupt(digitalPinToInterrupt(BUTTON_PIN));
  }
}
