/*
 * cpu_bench.c -- CPU-heavy benchmark for simulator speed and correctness.
 *
 * Target: ATmega328P (Arduino Uno) at 16 MHz, plain avr-libc (no Arduino
 * core), built with -O2. The same file builds on a host with plain gcc
 * (no __AVR__) and prints the expected checksum, so a test can compare.
 *
 * Each round does:
 *   1. 32-bit multiply / add / xor / shift mixing (256 steps),
 *   2. CRC-32 (reflected, poly 0xEDB88320, bitwise) over a 256-byte buffer
 *      filled from a 32-bit LCG,
 *   3. insertion sort of 64 uint16_t values from the LCG, then a weighted
 *      sum of the sorted array,
 * and folds the three results into a running 32-bit checksum.
 *
 * Pins / registers:
 *   PB5 (Arduino D13)  toggled after every round (ROUNDS toggles in total;
 *                      the first toggle drives it high)
 *   bench_result       volatile uint32_t global: final checksum
 *   GPIOR0, GPIOR1, GPIOR2, OCR0A = checksum bytes 0 (LSB), 1, 2, 3 (MSB)
 * After the last round: cli(); sleep_enable(); sleep_cpu();  (SLEEP with
 * interrupts disabled -- the end of the run; simavr exits there).
 *
 * ROUNDS defaults to 1600 (cpu_bench); cpu_bench_short uses -DROUNDS=16.
 */
#include <stdint.h>

#ifdef __AVR__
#include <avr/io.h>
#include <avr/interrupt.h>
#include <avr/sleep.h>
#else
#include <stdio.h>
#endif

#ifndef ROUNDS
#define ROUNDS 1600
#endif

#define BUF_LEN   256
#define SORT_LEN  64
#define MIX_STEPS 256

volatile uint32_t bench_result;

static uint32_t lcg_state = 12345UL;
static uint8_t buf[BUF_LEN];
static uint16_t vals[SORT_LEN];

static uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 1664525UL + 1013904223UL;
    return lcg_state;
}

static uint32_t mix(uint32_t seed)
{
    uint32_t x = seed;
    uint32_t y = 0x9E3779B9UL;
    uint16_t i;
    for (i = 0; i < MIX_STEPS; i++) {
        x = x * 2654435761UL + y;
        y ^= (x >> 13) | (x << 19);
        y += (uint32_t)i * 40503UL;
        x ^= y >> 7;
    }
    return x ^ y;
}

static uint32_t crc32(const uint8_t *p, uint16_t n)
{
    uint32_t crc = 0xFFFFFFFFUL;
    uint16_t i;
    uint8_t b;
    for (i = 0; i < n; i++) {
        crc ^= p[i];
        for (b = 0; b < 8; b++) {
            if (crc & 1UL)
                crc = (crc >> 1) ^ 0xEDB88320UL;
            else
                crc >>= 1;
        }
    }
    return ~crc;
}

static void insertion_sort(uint16_t *a, uint16_t n)
{
    uint16_t i, j;
    for (i = 1; i < n; i++) {
        uint16_t v = a[i];
        j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static uint32_t one_round(uint32_t acc)
{
    uint16_t i;
    uint32_t m, c, s = 0;

    m = mix(acc ^ lcg_next());

    for (i = 0; i < BUF_LEN; i++)
        buf[i] = (uint8_t)(lcg_next() >> 24);
    c = crc32(buf, BUF_LEN);

    for (i = 0; i < SORT_LEN; i++)
        vals[i] = (uint16_t)(lcg_next() >> 16);
    insertion_sort(vals, SORT_LEN);
    for (i = 0; i < SORT_LEN; i++)
        s += (uint32_t)vals[i] * (uint32_t)(i + 1);

    acc = (acc << 5) | (acc >> 27);
    return acc ^ m ^ c ^ s;
}

int main(void)
{
    uint32_t acc = 0;
    uint16_t r;

#ifdef __AVR__
    DDRB |= _BV(DDB5);
#endif
    for (r = 0; r < ROUNDS; r++) {
        acc = one_round(acc);
#ifdef __AVR__
        PINB = _BV(PINB5);          /* toggle D13 after each round */
#endif
    }
    bench_result = acc;

#ifdef __AVR__
    GPIOR0 = (uint8_t)(acc);
    GPIOR1 = (uint8_t)(acc >> 8);
    GPIOR2 = (uint8_t)(acc >> 16);
    OCR0A  = (uint8_t)(acc >> 24);
    cli();
    sleep_enable();
    sleep_cpu();                    /* SLEEP with I=0: end of benchmark */
    for (;;)
        ;
#else
    printf("ROUNDS=%u bench_result=0x%08lX\n", (unsigned)ROUNDS,
           (unsigned long)bench_result);
    return 0;
#endif
}
