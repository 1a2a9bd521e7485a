"""The ``machine`` module a script imports: Pin, Timer, ADC, PWM, disable_irq/enable_irq.

Names, constants, defaults and messages follow MicroPython's rp2 port (Raspberry Pi Pico);
pin numbers are the Uno's (0-13, 14-19 = A0-A5).
"""

from __future__ import annotations

import heapq

HIGH = 1


def make_module(rt, module):  # noqa: C901 - one closure per class, over one runtime
    n_pins = len(rt.pin_names)

    def pin_number(pin) -> int:
        if isinstance(pin, Pin):
            return pin.id
        if isinstance(pin, str):
            for i, name in enumerate(rt.pin_names):
                if name.upper() == pin.strip().upper():
                    return i
            raise ValueError(f'unknown named pin "{pin}"')
        if isinstance(pin, bool) or not isinstance(pin, int):
            raise TypeError(f"can't convert {type(pin).__name__} to int")
        if not 0 <= pin < n_pins:
            raise ValueError("invalid pin")
        return pin

    class _PinIrq:
        def __init__(self, pin: Pin, handler, trigger: int, hard: bool) -> None:
            self.pin, self.handler, self._trigger, self.hard = pin, handler, trigger, hard
            name = getattr(handler, "__name__", "handler")
            self.vector = rt.vector(f"Pin({pin.id}) {name}")
            self._flags = 0

        def flags(self) -> int:
            return self._flags

        def trigger(self, *args) -> int:
            old = self._trigger
            if args:
                self._trigger = int(args[0])
            return old

        def __call__(self) -> None:
            if self.handler is not None:
                rt._raise_irq(self.handler, self.pin, self.vector, rt.now, self.hard)

        def __repr__(self) -> str:
            return "<irq>"

    class Pin:
        IN, OUT, OPEN_DRAIN, ALT = 0, 1, 2, 3
        PULL_UP, PULL_DOWN = 1, 2
        IRQ_FALLING, IRQ_RISING = 4, 8

        def __init__(self, id, mode=-1, pull=-1, *, value=None) -> None:
            self.id = pin_number(id)
            self.init(mode, pull, value=value)

        def init(self, mode=-1, pull=-1, *, value=None) -> None:
            n = self.id
            if value is not None:
                rt.out[n] = 1 if value else 0
            if mode != -1:
                modes = {Pin.IN: "in", Pin.OUT: "out", Pin.OPEN_DRAIN: "od"}
                if mode not in modes:
                    raise ValueError(f"invalid pin mode: {mode}")
                rt.mode[n] = modes[mode]
            if pull != -1:
                pulls = {None: None, Pin.PULL_UP: "up", Pin.PULL_DOWN: "down"}
                if pull not in pulls:
                    raise ValueError(f"invalid pull: {pull}")
                rt.pull[n] = pulls[pull]
            rt._update(n, rt.now)

        def value(self, *args):
            n = self.id
            if not args:
                if rt.mode[n] == "out":
                    return rt.out[n]
                return 1 if rt.level[n] == HIGH else 0
            rt.out[n] = 1 if args[0] else 0
            rt._update(n, rt.now)
            return None

        def __call__(self, *args):
            return self.value(*args)

        def on(self) -> None:
            self.value(1)

        def off(self) -> None:
            self.value(0)

        high, low = on, off

        def toggle(self) -> None:
            self.value(1 - rt.out[self.id])

        def irq(self, handler=None, trigger=IRQ_FALLING | IRQ_RISING, *, hard=False):
            old = rt._irqs.get(self.id)
            irq = _PinIrq(self, handler, int(trigger), bool(hard))
            if old is not None and handler is None:
                irq = old
                irq.handler = None
            rt._irqs[self.id] = irq
            return irq

        def __repr__(self) -> str:
            return f"Pin(GPIO{self.id}, mode={(rt.mode[self.id] or 'IN').upper()})"

    class Timer:
        ONE_SHOT, PERIODIC = 0, 1

        def __init__(self, id=-1, **kwargs) -> None:
            if id != -1:
                raise ValueError("Timer doesn't exist")
            self._seq = 0
            self._period = 0
            self._mode = Timer.PERIODIC
            self._callback = None
            self.vector = -1
            if kwargs:
                self.init(**kwargs)

        def init(self, *, mode=PERIODIC, callback=None, period=0xFFFFFFFF, tick_hz=1000,
                 freq=None) -> None:  # fmt: skip
            self.deinit()
            if freq is not None:
                us = int(1_000_000 / float(freq))
            else:
                us = int(period) * 1_000_000 // int(tick_hz)
            self._period = max(1, us * rt.tick_hz // 1_000_000)
            self._mode = mode
            self._callback = callback
            name = getattr(callback, "__name__", "callback")
            self.vector = rt.vector(f"Timer {name}")
            self._arm(rt.now + self._period)

        def _arm(self, tick: int) -> None:
            rt._seq += 1
            self._seq = rt._seq
            heapq.heappush(rt._timers, (tick, rt._seq, self))

        def _fire(self, tick: int) -> None:
            if self._seq == 0:
                return  # cancelled
            if self._callback is not None:
                rt._raise_irq(self._callback, self, self.vector, tick, hard=False)
            if self._mode == Timer.PERIODIC:
                self._arm(tick + self._period)
            else:
                self._seq = 0

        def deinit(self) -> None:
            if self._seq:
                rt._timers[:] = [e for e in rt._timers if e[2] is not self]
                heapq.heapify(rt._timers)
            self._seq = 0

        def __lt__(self, other) -> bool:  # heap ties are broken by seq first
            return False

        def __repr__(self) -> str:
            mode = "PERIODIC" if self._mode else "ONE_SHOT"
            period = self._period * 1_000_000 // rt.tick_hz
            return f"Timer(mode={mode}, tick_hz=1000000, period={period})"

    class ADC:
        def __init__(self, pin) -> None:
            n = pin_number(pin)
            if n not in rt.adc_channels:
                raise ValueError("Pin doesn't have ADC capabilities")
            self.channel = rt.adc_channels[n]

        def read_u16(self) -> int:
            v = rt.volts[self.channel]
            return max(0, min(65535, round(v / 5.0 * 65535)))

    class PWM:
        """A pin toggled by the board at ``freq`` with ``duty_u16``/65535 high."""

        def __init__(self, dest, *, freq=None, duty_u16=None, duty_ns=None) -> None:
            self.pin = dest if isinstance(dest, Pin) else Pin(dest)
            self._freq = 1000
            self._duty = 0
            self._seq = 0
            self._high = False
            rt.mode[self.pin.id] = "out"
            if freq is not None:
                self.freq(freq)
            if duty_u16 is not None:
                self.duty_u16(duty_u16)
            if duty_ns is not None:
                self.duty_ns(duty_ns)
            self._restart()

        def freq(self, *args):
            if not args:
                return self._freq
            f = int(args[0])
            if not 8 <= f <= 62_500_000:
                raise ValueError("freq too small" if f < 8 else "freq too large")
            self._freq = f
            self._restart()

        def duty_u16(self, *args):
            if not args:
                return self._duty
            self._duty = max(0, min(65535, int(args[0])))
            self._restart()

        def duty_ns(self, *args):
            period_ns = 1_000_000_000 // self._freq
            if not args:
                return self._duty * period_ns // 65535
            self.duty_u16(int(args[0]) * 65535 // period_ns)

        def deinit(self) -> None:
            self._cancel()
            rt.out[self.pin.id] = 0
            rt._update(self.pin.id, rt.now)

        def _cancel(self) -> None:
            if self._seq:
                rt._timers[:] = [e for e in rt._timers if e[2] is not self]
                heapq.heapify(rt._timers)
            self._seq = 0

        def _restart(self) -> None:
            self._cancel()
            n = self.pin.id
            self._period = max(2, rt.tick_hz // self._freq)
            self._on = self._period * self._duty // 65535
            if self._on <= 0 or self._on >= self._period:
                rt.out[n] = 1 if self._on > 0 else 0
                rt._update(n, rt.now)
                return
            self._fire(rt.now, start=True)

        def _fire(self, tick: int, start: bool = False) -> None:
            n = self.pin.id
            self._high = True if start else not self._high
            rt.out[n] = 1 if self._high else 0
            rt._update(n, tick)
            rt._seq += 1
            self._seq = rt._seq
            nxt = tick + (self._on if self._high else self._period - self._on)
            heapq.heappush(rt._timers, (nxt, rt._seq, self))

        def __lt__(self, other) -> bool:
            return False

    def disable_irq() -> int:
        state = 1 if rt._irq_enabled else 0
        rt._irq_enabled = False
        return state

    def enable_irq(state=1) -> None:
        rt._irq_enabled = bool(state)

    def reset() -> None:
        raise SystemExit("machine.reset()")

    return module(
        "machine",
        Pin=Pin,
        Timer=Timer,
        ADC=ADC,
        PWM=PWM,
        disable_irq=disable_irq,
        enable_irq=enable_irq,
        freq=lambda *a: 125_000_000,
        reset=reset,
        unique_id=lambda: b"\xe6\x61\x38\x52\x83\x2a\x1b\x2c",
        idle=lambda: rt._wait(rt.now + rt.line_ticks),
    )
