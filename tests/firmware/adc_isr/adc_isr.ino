/*
 * adc_isr -- ADC in free-running mode with the conversion-complete
 * interrupt, channel A0, reference AVcc.
 *
 * Pins:
 *   A0  analog input: value = floor(Vin * 1024 / 5.0), at most 1023
 *   D1  Serial TX, 115200 baud (UBRR0 = 16, U2X0 = 1: 117647 baud actual).
 *
 * ADMUX = REFS0 (AVcc, channel 0, right adjusted); ADCSRB = 0 (free
 * running); ADCSRA = ADEN | ADSC | ADATE | ADIE | ADPS2:0 = 111 (clk/128 =
 * 125 kHz ADC clock). A free-running conversion takes 13 ADC clocks =
 * 1664 CPU cycles = 104 us, i.e. 9615.4 conversions per second.
 * ISR(ADC_vect) stores ADC and counts conversions.
 *
 * Every 100 ms (millis(), "prev += 100") one line:
 *   A0=<value> conversions=<number since the previous line>
 * The number is about 962 (100 ms / 104 us; +-12 because millis() steps
 * are 1.024 ms apart and sometimes 2 counts).
 */

volatile unsigned int adcValue = 0;
volatile unsigned int conversions = 0;

unsigned long prev = 0;

void setup() {
  Serial.begin(115200);
  noInterrupts();
  ADMUX = _BV(REFS0);   // AVcc reference, ADC0
  ADCSRB = 0;           // free running
  ADCSRA = _BV(ADEN) | _BV(ADSC) | _BV(ADATE) | _BV(ADIE)
         | _BV(ADPS2) | _BV(ADPS1) | _BV(ADPS0);
  interrupts();
}

ISR(ADC_vect) {
  adcValue = ADC;
  conversions++;
}

void loop() {
  if (millis() - prev >= 100) {
    prev += 100;
    noInterrupts();
    unsigned int value = adcValue;
    unsigned int n = conversions;
    conversions = 0;
    interrupts();
    Serial.print("A0=");
    Serial.print(value);
    Serial.print(" conversions=");
    Serial.println(n);
  }
}
