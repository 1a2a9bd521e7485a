/*
 * serial_hello -- periodic serial output.
 *
 * Serial (USART0, TX on D1) at 9600 baud, 8N1. Every 100 ms (scheduled
 * from millis() with "prev += 100", so no drift) it prints one line:
 *   Hello, breadboard! <n>\r\n
 * with n = 0, 1, 2, ... The first line is sent when millis() reaches 100.
 */

unsigned long prev = 0;
unsigned int counter = 0;

void setup() {
  Serial.begin(9600);
}

void loop() {
  if (millis() - prev >= 100) {
    prev += 100;
    Serial.print("Hello, breadboard! ");
    Serial.println(counter);
    counter++;
  }
}
