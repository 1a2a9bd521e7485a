/*
 * int0_change -- external interrupt INT0 on both edges (CHANGE).
 *
 * Pins:
 *   D2  input, INT0. pinMode(2, INPUT): NO internal pull-up; the circuit
 *       has a push button to 5 V with an external pull-down resistor, so
 *       the pin idles LOW and reads HIGH while the button is pressed.
 *   D4  output, "rising" LED: on after a rising edge on D2 (D5 off)
 *   D5  output, "falling" LED: on after a falling edge on D2 (D4 off)
 *
 * The ISR get_edge() reads D2 to tell the edge direction and stores it in a
 * volatile flag: 1 = rising, 2 = falling. loop() shows the last edge on the
 * LEDs. (D0/D1, the UART pins, stay free for the serial monitor.)
 */

const byte BUTTON_PIN = 2;
const byte LED_RISING = 4;
const byte LED_FALLING = 5;

volatile byte edge = 0;   // 0 = no edge yet, 1 = rising, 2 = falling

void setup() {
  pinMode(LED_RISING, OUTPUT);
  pinMode(LED_FALLING, OUTPUT);
  pinMode(BUTTON_PIN, INPUT);   // external pull-down resistor
  attachInterrupt(digitalPinToInterrupt(BUTTON_PIN), get_edge, CHANGE);
}

void loop() {
  if (edge == 1) {
    digitalWrite(LED_RISING, HIGH);
    digitalWrite(LED_FALLING, LOW);
  } else if (edge == 2) {
    digitalWrite(LED_RISING, LOW);
    digitalWrite(LED_FALLING, HIGH);
  }
}

void get_edge() {
  if (digitalRead(BUTTON_PIN) == HIGH) {
    edge = 1;   // pin is high now: it was a rising edge
  } else {
    edge = 2;   // pin is low now: it was a falling edge
  }
}
