/* Tiny test firmware for the breadboard loader tests.
 * main toggles PORTB5 (the Uno LED) in a loop; INT0 counts edges.
 * Rebuild with ./build.sh (avr-gcc -mmcu=atmega328p -Os).
 */
#include <avr/io.h>
#include <avr/interrupt.h>

volatile unsigned char edges = 3; /* initialised: lands in .data */

ISR(INT0_vect)
{
    edges++;
}

int main(void)
{
    DDRB |= _BV(DDB5);
    EICRA = _BV(ISC01);
    EIMSK = _BV(INT0);
    sei();
    for (;;) {
        PORTB ^= _BV(PORTB5);
    }
}
