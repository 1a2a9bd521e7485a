"""The kernel state layout (breadboard/avr/regs.py ``LAYOUT``): named blocks of one array."""

from __future__ import annotations

import numpy as np
import pytest

from breadboard.avr import Mcu, regs


def test_state_blocks_do_not_overlap_and_fit_the_array():
    used = np.zeros(regs.STATE_SIZE, dtype=int)
    for block in regs.LAYOUT.blocks.values():
        assert 0 <= block.start < block.stop <= regs.STATE_SIZE
        used[block] += 1
    assert used.max() == 1


def test_every_state_index_constant_lies_in_an_allocated_block():
    used = np.zeros(regs.STATE_SIZE, dtype=bool)
    for block in regs.LAYOUT.blocks.values():
        used[block] = True
    names = [n for n in vars(regs) if n.startswith("S_")]
    assert len(names) > 50
    assert [n for n in names if not used[getattr(regs, n)]] == []


def test_the_allocator_refuses_a_name_twice_and_a_gap_backwards():
    layout = regs.Layout()
    assert layout.block("a", 3) == 0 and layout.block("b") == 3
    with pytest.raises(ValueError, match="twice"):
        layout.block("a")
    with pytest.raises(ValueError, match="already allocated"):
        layout.gap(2)
    layout.gap(8)
    assert layout.block("c", 2) == 8 and layout.size == 10
    assert list(layout.of("c", "a")) == [8, 9, 0, 1, 2]


def test_power_on_keeps_what_the_circuit_drives_and_clears_the_rest():
    """A power-on reset zeroes the state but the pin levels driven from outside."""
    mcu = Mcu()
    mcu.drive_pin(2, 2, 1)  # PD2 driven high from outside
    mcu.set_vcc(3.3)
    mcu.st[regs.S_RX_HEAD] = 5
    mcu.reset(power_on=True)
    assert mcu.external_drive(2) == (0b100, 0b100)
    assert mcu.st[regs.S_RX_HEAD] == 0
    assert mcu.st[regs.S_AVCC_UV] == 5_000_000  # the supply back at its power-on default
