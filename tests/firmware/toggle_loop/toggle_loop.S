; toggle_loop.S -- cycle-exact pin toggling for CPU-core timing tests.
;
; Target: ATmega328P (Arduino Uno), plain AVR assembly, no C runtime, no
; vector table (linked with -nostartfiles, so this code starts at flash
; word 0 = the reset vector). No interrupts, no stack use.
;
; Pins:
;   PD2 (Arduino D2)  toggled every 300 cycles by writing 1 to PIND bit 2
;   PB5 (Arduino D13) toggled on every 4th PD2 toggle (every 1200 cycles)
;                     by writing 1 to PINB bit 5
;
; Cycle accounting (AVRe+ / ATmega328P), one loop pass = 300 cycles:
;   ldi r24,K                 1
;   dec/brne delay loop       3*K - 1   (K-1 taken brne of 3 cycles, last 2)
;   sbi PIND,2                2         <- PD2 edge when this completes
;   dec r25                   1
;   then either  brne(1) sbi PINB,5(2) ldi(1) rjmp(2)  = 6
;   or           brne(2) nop(1) nop(1) rjmp(2)          = 6
;   total = 1 + 3K - 1 + 2 + 1 + 6 = 3K + 9 = 300 with K = 97
;
; See tests/firmware/README.md for the exact edge cycles.

#include <avr/io.h>

#define K 97                    /* delay loop count: pass = 3*K + 9 cycles */

        .section .text
        .global reset
reset:                                  ; word 0, cycle 0
        sbi     _SFR_IO_ADDR(DDRB), 5   ; 2  -> cycle 2: PB5 output (low)
        sbi     _SFR_IO_ADDR(DDRD), 2   ; 2  -> cycle 4: PD2 output (low)
        ldi     r25, 4                  ; 1  -> cycle 5: PB5 prescaler
loop:
        ldi     r24, K                  ; 1
1:      dec     r24                     ; 1
        brne    1b                      ; 2 taken / 1 not taken
        sbi     _SFR_IO_ADDR(PIND), 2   ; 2  toggle PD2 (D2)
        dec     r25                     ; 1
        brne    skip                    ; 2 taken / 1 not taken
        sbi     _SFR_IO_ADDR(PINB), 5   ; 2  toggle PB5 (D13)
        ldi     r25, 4                  ; 1
        rjmp    loop                    ; 2
skip:
        nop                             ; 1  pad: both paths are 6 cycles
        nop                             ; 1
        rjmp    loop                    ; 2
