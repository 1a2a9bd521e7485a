/*
 * ctc_100hz -- Timer2 in CTC mode, compare-match A interrupt every
 * (77 + 1) * 1024 = 79872 CPU cycles (4.992 ms at 16 MHz).
 *
 * Pins:
 *   D2   output: toggled in ISR(TIMER2_COMPA_vect) -> square wave with a
 *        period of 2 * 4.992 ms = 9.984 ms (100.16 Hz)
 *   D13  output (LED_BUILTIN): toggled by loop() as fast as it can
 *
 * Timer2 registers (overriding the PWM set-up done by the core's init()):
 *   TCCR2A = 0b00000010  WGM21 = 1        -> mode 2, CTC, TOP = OCR2A
 *   TCCR2B = 0b00000111  CS22:CS20 = 111  -> clk/1024
 *   OCR2A  = 77                           -> 78 timer ticks per period
 *   TIMSK2 = 0b00000010  OCIE2A           -> compare match A interrupt
 */

const byte WAVE_PIN = 2;

void setup() {
  pinMode(WAVE_PIN, OUTPUT);
  pinMode(LED_BUILTIN, OUTPUT);

  TCNT2 = 0;
  TCCR2A = 0b00000010;   // CTC
  TCCR2B = 0b00000111;   // prescaler 1024
  OCR2A = 77;            // 16 MHz / 1024 / 78 = 200.32 Hz interrupt rate
  TIMSK2 = 0b00000010;   // enable compare match A interrupt
}

ISR(TIMER2_COMPA_vect) {
  digitalWrite(WAVE_PIN, !digitalRead(WAVE_PIN));
}

void loop() {
  digitalWrite(LED_BUILTIN, !digitalRead(LED_BUILTIN));
}
