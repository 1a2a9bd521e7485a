# A bouncy button on A0: each bounce is a falling edge, and each falling edge fires the IRQ.
# One press counts several times: that is why buttons are debounced.
import time

from machine import Pin

button = Pin(14, Pin.IN, Pin.PULL_UP)
count = 0


def handle_interrupt(pin):
    global count
    count += 1


button.irq(trigger=Pin.IRQ_FALLING, handler=handle_interrupt)

shown = 0
while True:
    time.sleep_ms(50)
    if count != shown:
        shown = count
        print("IRQ count:", shown)
