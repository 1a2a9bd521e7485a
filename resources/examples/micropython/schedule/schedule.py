# Keep the handler short: it only schedules the long work, which runs between two lines of
# the main program, after the handler has returned.
import time

import micropython
from machine import Pin

micropython.alloc_emergency_exception_buf(100)
button = Pin(14, Pin.IN, Pin.PULL_UP)
presses = 0


def long_work(count):
    total = 0
    for i in range(200):  # stands for slow work: printing, sending, computing
        total += i
    print("Button pressed! (press", count, "handled in the scheduled function)")


def handle_interrupt(pin):
    global presses
    presses += 1
    micropython.schedule(long_work, presses)


button.irq(trigger=Pin.IRQ_FALLING, handler=handle_interrupt, hard=True)

while True:
    time.sleep_ms(100)
