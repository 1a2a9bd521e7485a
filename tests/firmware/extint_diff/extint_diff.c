/* extint_diff: the firmware of the differential input test (tests/test_differential.py).
 *
 * Configures the external and pin-change interrupts from the first bytes of the EEPROM,
 * which the test writes before the chip starts (breadboard: Mcu.eeprom; simavr:
 * AVR_IOCTL_EEPROM_SET):
 *   EEPROM[0] EICRA   EEPROM[1] EIMSK   EEPROM[2] PCICR
 *   EEPROM[3] PCMSK0  EEPROM[4] PCMSK1  EEPROM[5] PCMSK2
 * then clears any flag the configuration raised, enables interrupts, sets GPIOR0 = 0xA5
 * (ready) and spins in a loop of one-cycle NOPs (so inputs applied at instruction
 * boundaries land on the cycle they are meant for). Every handler is a bare RETI: the test
 * records each vector's entries (cycle of its first instruction) from outside.
 * No pull-ups: the test drives every pin it uses.
 */
#include <avr/eeprom.h>
#include <avr/interrupt.h>
#include <avr/io.h>

#define BARE(vec) ISR(vec, ISR_NAKED) { reti(); }
BARE(INT0_vect)
BARE(INT1_vect)
BARE(PCINT0_vect)
BARE(PCINT1_vect)
BARE(PCINT2_vect)

int main(void)
{
    EICRA = eeprom_read_byte((const uint8_t *)0);
    EIMSK = eeprom_read_byte((const uint8_t *)1);
    PCMSK0 = eeprom_read_byte((const uint8_t *)3);
    PCMSK1 = eeprom_read_byte((const uint8_t *)4);
    PCMSK2 = eeprom_read_byte((const uint8_t *)5);
    PCICR = eeprom_read_byte((const uint8_t *)2);
    EIFR = 0x03;
    PCIFR = 0x07;
    sei();
    GPIOR0 = 0xA5;
    for (;;) {
        __asm__ volatile(
            "nop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\t"
            "nop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\t"
            "nop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\t"
            "nop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\t");
    }
}
