"""The peripherals table (breadboard/avr/regs.py ``PERIPHERALS``) is the one registration of a
peripheral: ``OWNER``, the state blocks and warm's compile stages derive from it, and the
dispatch chains in periph.py (written out flat for numba) cover it exactly."""

from __future__ import annotations

import inspect
import re
from importlib import import_module

from breadboard.avr import periph, regs, warm


def _called(fn, suffix: str) -> set[str]:
    """Names of the form <module>_<suffix> that ``fn``'s source calls."""
    return set(re.findall(rf"(?<!def )\b(\w+)_{suffix}\(", inspect.getsource(fn.py_func)))


def _modules(**flags: bool) -> set[str]:
    rows = [p for p in regs.PERIPHERALS if p.module != "pins"]
    return {p.module for p in rows if all(getattr(p, k) == v for k, v in flags.items())}


def test_owner_is_the_table_and_no_address_is_owned_twice():
    seen = {}
    for p in regs.PERIPHERALS:
        for addr in p.registers:
            assert addr not in seen, (hex(addr), p.name, seen.get(addr))
            seen[addr] = p.name
            assert regs.OWNER[addr] == p.owner
    assert {int(a) for a in regs.OWNER.nonzero()[0]} == set(seen)
    assert len({p.owner for p in regs.PERIPHERALS}) == len(regs.PERIPHERALS)
    assert regs.OWN_NONE not in {p.owner for p in regs.PERIPHERALS}


def test_every_row_s_module_provides_the_functions_its_row_declares():
    for p in regs.PERIPHERALS:
        module = import_module(f"breadboard.avr.{p.module}")
        if p.module == "pins":
            names = ["port_read", "port_write", "refresh"]
        else:
            names = [f"{p.module}_{k}" for k in ("reset", "read", "write")]
            names += [f"{p.module}_update"] * p.update + [f"{p.module}_pin_change"] * p.pin_change
        for name in names:
            assert callable(getattr(module, name, None)), f"{p.module}.py lacks {name}"
        if p.module != "pins":  # and nothing it does not declare (the dispatcher would miss it)
            assert hasattr(module, f"{p.module}_update") == p.update, p.name
            assert hasattr(module, f"{p.module}_pin_change") == p.pin_change, p.name


def test_every_row_with_a_block_has_its_state_block_of_that_size():
    for p in regs.PERIPHERALS:
        if p.block:
            block = regs.LAYOUT.blocks[p.name]
            assert block.stop - block.start == p.block


def test_the_dispatch_chains_cover_the_table_exactly():
    """io_read/io_write route every owner id of the table, update calls every module with an
    update (and the pin-change hooks), chip_reset resets every module: nothing more."""
    read_src = inspect.getsource(periph.io_read.py_func)
    write_src = inspect.getsource(periph.io_write.py_func)
    own_names = {n for n in vars(regs) if n.startswith("OWN_") and n != "OWN_NONE"}
    assert {getattr(regs, n) for n in own_names} == {p.owner for p in regs.PERIPHERALS}
    for name in own_names:
        if name != "OWN_SYSCTL":  # the chains' final else
            assert f"owner == {name}" in read_src and f"owner == {name}" in write_src, name
    assert _called(periph.io_read, "read") - {"port"} == _modules()
    assert _called(periph.io_write, "write") - {"port"} == _modules()
    assert _called(periph.update, "update") == _modules(update=True)
    assert _called(periph.update, "pin_change") == _modules(pin_change=True)
    assert _called(periph.chip_reset, "reset") == _modules()


def test_warm_up_stages_compile_every_contract_function_of_the_table():
    parts = [p for pair in warm.STAGES for p in pair] + list(warm.SHARED)
    staged = {(m, fn) for part in parts for m, fn, _ in part}
    for module in _modules():
        row = next(p for p in regs.PERIPHERALS if p.module == module)
        kinds = ["reset", "read", "write"] + ["update"] * row.update
        kinds += ["pin_change"] * row.pin_change
        assert {(module, f"{module}_{k}") for k in kinds} <= staged, module
