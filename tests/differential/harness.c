/* simavr side of the differential input test (tests/test_differential.py).
 *
 *   harness FIRMWARE.elf < schedules > entries
 *
 * For each schedule read from stdin, a fresh simavr ATmega328P at 16 MHz loads FIRMWARE,
 * gets six EEPROM bytes (the firmware's configuration), then runs to END while applying the
 * pin changes at their cycles, and reports every interrupt vector entry: the cycle at which
 * the program counter reached the vector's address (PC = 4 * vector).
 *
 * Input, whitespace separated:
 *   S n end e0 e1 e2 e3 e4 e5       a schedule with n changes, run to cycle end
 *   cycle port bit level             n times; port 0 = B, 1 = C, 2 = D; non-decreasing cycles
 * Output per schedule:
 *   R k                              k entries follow
 *   cycle vector
 * A change is applied at the first instruction boundary at or after its cycle (simavr has
 * no way to apply it inside an instruction); the firmware's main loop is one-cycle NOPs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simavr/avr_eeprom.h>
#include <simavr/avr_ioport.h>
#include <simavr/sim_avr.h>
#include <simavr/sim_elf.h>
#include <simavr/sim_irq.h>

typedef struct {
    long cycle;
    int port, bit, level;
} change_t;

static void quiet_logger(avr_t *avr, const int level, const char *format, va_list ap)
{
    (void)avr; (void)level; (void)format; (void)ap;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FIRMWARE.elf < schedules\n", argv[0]);
        return 2;
    }
    elf_firmware_t fw;
    memset(&fw, 0, sizeof(fw));
    if (elf_read_firmware(argv[1], &fw) != 0) {
        fprintf(stderr, "harness: cannot read %s\n", argv[1]);
        return 2;
    }
    avr_global_logger_set(quiet_logger);
    char tag[4];
    long n, end;
    unsigned cfg[6];
    change_t *ch = NULL;
    long cap = 0;
    long entries_cap = 1024;
    long *entries = malloc(sizeof(long) * 2 * entries_cap);
    while (scanf("%3s %ld %ld %u %u %u %u %u %u", tag, &n, &end, &cfg[0], &cfg[1], &cfg[2],
                 &cfg[3], &cfg[4], &cfg[5]) == 9) {
        if (strcmp(tag, "S") != 0 || n < 0) {
            fprintf(stderr, "harness: bad schedule header\n");
            return 2;
        }
        if (n > cap) {
            cap = n;
            ch = realloc(ch, sizeof(change_t) * cap);
        }
        for (long i = 0; i < n; i++) {
            if (scanf("%ld %d %d %d", &ch[i].cycle, &ch[i].port, &ch[i].bit, &ch[i].level) != 4) {
                fprintf(stderr, "harness: bad change line\n");
                return 2;
            }
        }
        avr_t *avr = avr_make_mcu_by_name("atmega328p");
        if (!avr) {
            fprintf(stderr, "harness: no atmega328p in this simavr\n");
            return 2;
        }
        avr_init(avr);
        avr->frequency = 16000000;
        avr->log = 0;
        avr_load_firmware(avr, &fw);
        avr->frequency = 16000000;
        uint8_t ee[6];
        for (int i = 0; i < 6; i++)
            ee[i] = (uint8_t)cfg[i];
        avr_eeprom_desc_t desc = {.ee = ee, .offset = 0, .size = 6};
        avr_ioctl(avr, AVR_IOCTL_EEPROM_SET, &desc);
        avr_irq_t *pin[3][8];
        for (int p = 0; p < 3; p++)
            for (int b = 0; b < 8; b++)
                pin[p][b] = avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('B' + p), b);
        long k = 0, next = 0;
        avr_flashaddr_t last_pc = avr->pc;
        while ((long)avr->cycle < end) {
            while (next < n && ch[next].cycle <= (long)avr->cycle) {
                avr_raise_irq(pin[ch[next].port][ch[next].bit], ch[next].level);
                next++;
            }
            int state = avr_run(avr);
            if (state == cpu_Done || state == cpu_Crashed)
                break;
            avr_flashaddr_t pc = avr->pc;
            if (pc != last_pc && pc >= 4 && pc < 26 * 4 && pc % 4 == 0) {
                if (k == entries_cap) {
                    entries_cap *= 2;
                    entries = realloc(entries, sizeof(long) * 2 * entries_cap);
                }
                entries[2 * k] = (long)avr->cycle;
                entries[2 * k + 1] = pc / 4;
                k++;
            }
            last_pc = pc;
        }
        printf("R %ld\n", k);
        for (long i = 0; i < k; i++)
            printf("%ld %ld\n", entries[2 * i], entries[2 * i + 1]);
        avr_terminate(avr);
        free(avr);
    }
    fflush(stdout);
    return 0;
}
