/* A tiny program built for other AVRs than the ATmega328P: the loader must refuse the ELFs
 * naming the MCU (tests/test_doors.py). Rebuild: sh build.sh */
#include <avr/io.h>
int main(void) {
  for (;;) {
  }
}
