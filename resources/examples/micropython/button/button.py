# The lesson's button: a pushbutton from A0 (pin 14) to GND, read with the internal pull-up.
import time

from machine import Pin

button = Pin(14, Pin.IN, Pin.PULL_UP)


def handle_interrupt(pin):
    print("Button pressed!")


button.irq(trigger=Pin.IRQ_FALLING, handler=handle_interrupt)

while True:
    time.sleep_ms(100)
