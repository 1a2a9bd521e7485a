/*
 * serial_echo -- echoes every received byte back, uppercased.
 *
 * Serial (USART0, RX on D0, TX on D1) at 9600 baud, 8N1. Each received
 * byte is sent back once; 'a'..'z' become 'A'..'Z', all other bytes
 * (digits, punctuation, '\r', '\n', bytes >= 0x80) are echoed unchanged.
 * Nothing is sent before the first byte arrives.
 */

void setup() {
  Serial.begin(9600);
}

void loop() {
  if (Serial.available() > 0) {
    int c = Serial.read();
    if (c >= 'a' && c <= 'z') {
      c = c - 'a' + 'A';
    }
    Serial.write((byte)c);
  }
}
