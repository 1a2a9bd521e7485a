/*
 * analog_read -- analogRead(A0) printed every 50 ms.
 *
 * Pins:
 *   A0 (PC0, ADC0)  analog input, reference AVcc (5 V): value =
 *                   floor(Vin * 1024 / 5.0), at most 1023
 *   D1              Serial TX, 9600 baud (UBRR0 = 207, U2X0 = 1)
 *
 * Every 50 ms (millis() with "prev += 50", first at millis() == 50) one
 * line with the decimal value, e.g. "512\r\n".
 */

unsigned long prev = 0;

void setup() {
  Serial.begin(9600);
}

void loop() {
  if (millis() - prev >= 50) {
    prev += 50;
    int value = analogRead(A0);
    Serial.println(value);
  }
}
