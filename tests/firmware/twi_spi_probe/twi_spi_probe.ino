/*
 * twi_spi_probe -- TWI (Wire) and SPI masters with no device attached.
 *
 * Serial (USART0) at 115200 baud (UBRR0 = 16, U2X0 = 1). setup():
 *   1. Wire.begin() (100 kHz: TWBR = 72, SCL period 160 cycles), then
 *      Wire.beginTransmission(0x3C); Wire.endTransmission(): nobody answers
 *      the address, so it returns 2 (address NACK) -- prints "twi_write=2".
 *   2. Wire.requestFrom(0x50, 2): the SLA+R is not acknowledged, 0 bytes
 *      read -- prints "twi_read=0".
 *   3. SPI.begin(); SPISettings(1 MHz -> clk/16, MSBFIRST, SPI_MODE0);
 *      SPI.transfer(0xA5) returns the 8 bits sampled on MISO (D12) --
 *      prints "spi=<hex>" (FF with D12 held high, 0 with D12 low).
 *   4. prints "done".
 * loop() is empty.
 */
#include <Wire.h>
#include <SPI.h>

void setup() {
  Serial.begin(115200);
  Wire.begin();
  Wire.beginTransmission(0x3C);
  byte w = Wire.endTransmission();
  byte r = Wire.requestFrom(0x50, 2);
  SPI.begin();
  SPI.beginTransaction(SPISettings(1000000, MSBFIRST, SPI_MODE0));
  byte s = SPI.transfer(0xA5);
  SPI.endTransaction();
  Serial.print("twi_write=");
  Serial.println(w);
  Serial.print("twi_read=");
  Serial.println(r);
  Serial.print("spi=");
  Serial.println(s, HEX);
  Serial.println("done");
}

void loop() {
}
