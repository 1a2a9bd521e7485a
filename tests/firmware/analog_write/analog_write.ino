/*
 * analog_write -- analogWrite() on all six PWM pins of the Uno.
 *
 *   pin  value        timer / output  mode (set up by the core's init())
 *   D3   0x20 =  32   Timer2 OC2B     phase-correct PWM, clk/64, 490.2 Hz
 *   D5   0x40 =  64   Timer0 OC0B     fast PWM,          clk/64, 976.6 Hz
 *   D6   0x80 = 128   Timer0 OC0A     fast PWM,          clk/64, 976.6 Hz
 *   D9   0xC0 = 192   Timer1 OC1A     phase-correct 8-bit, clk/64, 490.2 Hz
 *   D10  0xE0 = 224   Timer1 OC1B     phase-correct 8-bit, clk/64, 490.2 Hz
 *   D11  0xFF = 255   (Timer2 OC2A)   analogWrite(255) is a plain
 *                                      digitalWrite(HIGH): constant HIGH
 *
 * Everything happens in setup(); loop() is empty.
 */

void setup() {
  pinMode(3, OUTPUT);
  pinMode(5, OUTPUT);
  pinMode(6, OUTPUT);
  pinMode(9, OUTPUT);
  pinMode(10, OUTPUT);
  pinMode(11, OUTPUT);
  analogWrite(3, 0x20);
  analogWrite(5, 0x40);
  analogWrite(6, 0x80);
  analogWrite(9, 0xC0);
  analogWrite(10, 0xE0);
  analogWrite(11, 0xFF);
}

void loop() {
}
