/* src_lines: a tiny C program with a DWARF line table (built with -g -gdwarf-2), for the
 * inspector's "file.c:42" source lines in the disassembly (tests/test_srclines.py).
 * PB5 (D13) toggles in a loop; toggle() is kept out of line so its address is a symbol. */
#include <avr/io.h>

__attribute__((noinline)) void toggle(void)
{
    PINB = _BV(PB5);
}

int main(void)
{
    DDRB = _BV(DDB5);
    for (;;) {
        toggle();
    }
}
