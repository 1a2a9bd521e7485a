/*
 * micros_delay -- measures delay(1000) and delayMicroseconds(100) with
 * micros() and shows both as pulses on D2.
 *
 * Pins:
 *   D2  output. Each loop(): HIGH for delay(1000) (pulse A, ~1 s), LOW,
 *       HIGH for delayMicroseconds(100) (pulse B, ~100 us), LOW, then a
 *       line is printed and delay(100) keeps D2 LOW before the next round.
 *   D1  Serial TX, 115200 baud (UBRR0 = 16, U2X0 = 1: 117647 baud actual).
 *
 * Printed line per round: "delay(1000)=<a> delayMicroseconds(100)=<b>"
 * where a, b are micros() differences taken around each delay call
 * (micros() has a resolution of 4 us, so both are multiples of 4).
 */

const byte PULSE_PIN = 2;

void setup() {
  Serial.begin(115200);
  pinMode(PULSE_PIN, OUTPUT);
}

void loop() {
  unsigned long t0 = micros();
  digitalWrite(PULSE_PIN, HIGH);
  delay(1000);
  digitalWrite(PULSE_PIN, LOW);
  unsigned long t1 = micros();

  unsigned long t2 = micros();
  digitalWrite(PULSE_PIN, HIGH);
  delayMicroseconds(100);
  digitalWrite(PULSE_PIN, LOW);
  unsigned long t3 = micros();

  Serial.print("delay(1000)=");
  Serial.print(t1 - t0);
  Serial.print(" delayMicroseconds(100)=");
  Serial.println(t3 - t2);
  delay(100);
}
