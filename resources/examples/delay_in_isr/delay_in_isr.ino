/*
 * delay_in_isr -- the classic mistake: delay(5) inside an interrupt handler.
 *
 * Pins:
 *   D2  input with pull-up, INT0: pulling it LOW (a button to GND) runs on_press().
 *   D1  Serial TX, 115200 baud.
 *
 * on_press() (attachInterrupt, FALLING) calls delay(5). Inside an ISR interrupts are
 * disabled, so the Timer0 overflow interrupt that counts millis() cannot run: TOV0 is set
 * every 1.024 ms, and each overflow after the first while TOV0 is still pending is lost.
 * millis() falls behind by the number of lost overflows (about 1 ms each). delay() itself
 * uses micros(), which counts a pending TOV0 once: at the second overflow micros() steps
 * back 1024 us, the unsigned (micros() - start) wraps, and delay() returns early, 1-2 ms
 * after the press instead of 5 ms: one overflow lost per press.
 * loop() prints millis() every 100 ms of its own delay().
 */

const byte BUTTON_PIN = 2;
volatile unsigned int presses = 0;

void on_press() {
  presses++;
  delay(5);  // wrong in an ISR: Timer0 overflows are lost, millis() falls behind
}

void setup() {
  Serial.begin(115200);
  pinMode(BUTTON_PIN, INPUT_PULLUP);
  attachInterrupt(digitalPinToInterrupt(BUTTON_PIN), on_press, FALLING);
  Serial.println("delay_in_isr: ready");
}

void loop() {
  Serial.print(presses);
  Serial.print(' ');
  Serial.println(millis());
  delay(100);
}
