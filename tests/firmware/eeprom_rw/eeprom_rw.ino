/*
 * eeprom_rw -- EEPROM library: read, write, read back.
 *
 * Serial (TX on D1) at 9600 baud. setup() does:
 *   1. prints "before:" and EEPROM bytes 0..7 in hex, e.g. " FF" each
 *      (an erased EEPROM reads 0xFF),
 *   2. EEPROM.write(i, 0xA0 + i) for i = 0..7 (8 byte writes, each one
 *      waits for the previous one: 3.3 ms per write on the real chip),
 *   3. prints "after:" and bytes 0..7 again: " A0 A1 A2 A3 A4 A5 A6 A7",
 *   4. prints "done".
 * loop() is empty. All lines end in "\r\n".
 */

#include <EEPROM.h>

const int COUNT = 8;

void setup() {
  Serial.begin(9600);
  dump("before:");
  for (int i = 0; i < COUNT; i++) {
    EEPROM.write(i, 0xA0 + i);
  }
  dump("after:");
  Serial.println("done");
}

void loop() {
}

void dump(const char *label) {
  Serial.print(label);
  for (int i = 0; i < COUNT; i++) {
    byte b = EEPROM.read(i);
    Serial.print(' ');
    if (b < 0x10) {
      Serial.print('0');
    }
    Serial.print(b, HEX);
  }
  Serial.println();
}
