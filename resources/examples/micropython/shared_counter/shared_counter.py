# The IRQ handler and the main program share `count`: the main program reads and clears it
# with interrupts disabled, so no press is lost between the read and the clear.
import time

import machine
from machine import Pin

button = Pin(14, Pin.IN, Pin.PULL_UP)
count = 0


def handle_interrupt(pin):
    global count
    count += 1


button.irq(trigger=Pin.IRQ_FALLING, handler=handle_interrupt)

total = 0
while True:
    time.sleep_ms(500)
    state = machine.disable_irq()
    presses = count
    count = 0
    machine.enable_irq(state)
    if presses:
        total += presses
        print("presses:", presses, "total:", total)
