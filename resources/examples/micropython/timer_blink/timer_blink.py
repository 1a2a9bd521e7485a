# A Timer toggles the LED on D13 every 5 ms (100 Hz) while the main loop sleeps and prints:
# the timer's callback runs on time whatever the main loop does. Put D13 on the scope.
import time

from machine import Pin, Timer

led = Pin(13, Pin.OUT)


def blink(timer):
    led.toggle()


Timer(mode=Timer.PERIODIC, period=5, callback=blink)

n = 0
while True:
    time.sleep_ms(250)
    n += 1
    print("main loop", n, "at", time.ticks_ms(), "ms")
