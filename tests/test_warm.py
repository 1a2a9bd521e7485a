"""Compiling the kernel: entry and inner functions, and the two-process cold compile
(breadboard/avr/jit.py, breadboard/avr/warm.py)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from numba.core.registry import CPUDispatcher

import breadboard.avr as avr
from breadboard.avr import jit, mcu, warm
from breadboard.cli import main

AVR = Path(avr.__file__).parent
NO_JIT = os.environ.get("NUMBA_DISABLE_JIT") == "1"


def _kernel_functions() -> dict[str, CPUDispatcher]:
    found = {}
    for path in sorted(AVR.glob("*.py")):
        module = __import__(f"breadboard.avr.{path.stem}", fromlist=["_"])
        for name, obj in vars(module).items():
            if isinstance(obj, CPUDispatcher) and obj.py_func.__module__ == module.__name__:
                found[f"{path.stem}.{name}"] = obj
    return found


def _is_entry(fn: CPUDispatcher) -> bool:
    return not fn.targetoptions.get("no_cpython_wrapper", False)


@pytest.mark.skipif(NO_JIT, reason="needs numba dispatchers")
def test_every_kernel_function_is_compiled_through_the_kernel_compiler():
    """Each jitted function is an ``entry`` or an ``inner`` (cached, GIL released, lean
    pipeline), none a plain @njit that would slip past these rules."""
    functions = _kernel_functions()
    assert len(functions) > 80
    for name, fn in functions.items():
        assert fn._compiler.pipeline_class is jit.KernelCompiler, name
        assert fn._cache.__class__.__name__ == "FunctionCache", name  # cache=True
        assert fn.targetoptions.get("nogil"), name


@pytest.mark.skipif(NO_JIT, reason="needs numba dispatchers")
def test_python_calls_only_entry_kernels():
    """An inner function has no CPython wrapper: called from Python it would crash the
    interpreter. Mcu is the only Python that calls kernels; every kernel it names is an entry."""
    tree = ast.parse(Path(mcu.__file__).read_text(encoding="utf-8"))
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            obj = getattr(mcu, node.id, None)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            obj = getattr(getattr(mcu, node.value.id, None), node.attr, None)
        else:
            continue
        if isinstance(obj, CPUDispatcher):
            called.add(obj)
    names = {f.py_func.__name__ for f in called}
    assert {"run_slice", "chip_reset", "pending_vector", "refresh"} <= names
    assert all(_is_entry(f) for f in called), sorted(f.py_func.__name__ for f in called)


def test_a_python_door_reaches_an_inner_function():
    from breadboard.avr import timers
    from breadboard.avr.regs import TCNT0

    m = mcu.Mcu()
    read = jit.door(timers.timers_read)
    assert read is jit.door(timers.timers_read)  # one door per function
    assert int(read(m.data, m.st, TCNT0, 0)) == 0


@pytest.mark.skipif(NO_JIT or not jit._NO_MACHINE_CODE, reason="needs numba 0.68's internals")
def test_an_inner_function_gets_no_machine_code_and_is_cached_as_its_ir():
    """An inner function only runs inlined into its callers' machine code (jit.py): its own
    library is finalised without machine code and cached as IR, which a caller links (the
    door here); an entry keeps numba's machine code."""
    from breadboard.avr import kernel, timers
    from breadboard.avr.regs import TCNT0

    m = mcu.Mcu()
    assert int(jit.door(timers.timers_read)(m.data, m.st, TCNT0, 0)) == 0
    inner = timers.timers_read.overloads[timers.timers_read.signatures[0]].library
    entry = kernel.run_slice.overloads[kernel.run_slice.signatures[0]].library
    assert inner.serialize_using_object_code()[1] == "bitcode"
    assert getattr(inner, jit._INNER) and not getattr(entry, jit._INNER, False)
    again = inner.codegen.unserialize_library(inner.serialize_using_object_code())
    assert [f.name for f in again.get_defined_functions()] == [
        f.name for f in inner.get_defined_functions()
    ]


def test_the_stages_name_real_kernel_functions_with_one_signature_each():
    seen = set()
    for part in [p for pair in warm.STAGES for p in pair] + list(warm.SHARED):
        for module, name, signature in part:
            fn = getattr(__import__(f"breadboard.avr.{module}", fromlist=["_"]), name)
            assert callable(fn), name
            assert (module, name) not in seen, f"{module}.{name} is in two parts"
            seen.add((module, name))
            assert isinstance(signature, tuple)


@pytest.mark.skipif(NO_JIT, reason="compiles the kernel")
def test_a_cold_cache_is_compiled_on_two_processes_and_nothing_twice(tmp_path):
    """From an empty cache, warm_up shares the compile with its helper stage by stage, each
    stage function is compiled for the argument types its callers pass (no second signature
    in either process, nothing of the helper's recompiled here), and the next start loads
    it all from the cache."""
    code = "import json; from breadboard.avr import warm_up; print(json.dumps(warm_up()))"
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"))

    def run() -> dict:
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout.splitlines()[-1])

    cold = run()
    assert cold["cold"] and cold["helper"], cold
    assert cold["compiled_twice"] == []  # "raced" may name a function: a matter of time only
    assert len(cold["stages"]) == len(warm.STAGES)
    assert all(there is not None for _, there in cold["stages"])
    assert (tmp_path / "cache" / warm.READY_MARKER).exists()
    again = run()
    assert not again["cold"] and not again["helper"]
    assert again["seconds"] < cold["seconds"] / 3


class _Stages:
    """warm_up's side of the protocol with compile_part stubbed out (the kernel is loaded)."""

    def __init__(self, monkeypatch, helper_code: str) -> None:
        self.compiled = []
        monkeypatch.setattr(warm.config, "DISABLE_JIT", False)  # the protocol, not the compile
        monkeypatch.setattr(warm, "kernel_ready", lambda: False)
        monkeypatch.setattr(warm, "compile_part", self.compiled.append)
        monkeypatch.setattr(warm, "_mismatched", lambda: [])
        monkeypatch.setattr(warm, "_compiled_here", lambda parts: [])
        monkeypatch.setattr(warm, "helper_command", lambda: [sys.executable, "-c", helper_code])


def test_warm_up_and_its_helper_meet_between_stages_and_other_output_is_ignored(monkeypatch):
    helper = (
        "import json, sys\n"
        "for i in range(2):\n"
        "    if i and not sys.stdin.readline(): sys.exit(1)\n"
        "    raced = ['periph.update'] if i else []\n"
        "    print('something else on stdout', flush=True)\n"
        "    print(json.dumps({'seconds': i + 1.5, 'stage': i + 1, 'mismatched': [],\n"
        "                      'raced': raced}), flush=True)\n"
    )
    stages = _Stages(monkeypatch, helper)
    report = warm.warm_up()
    assert report["cold"] and report["helper"]
    assert [there for _, there in report["stages"]] == [1.5, 2.5]
    assert report["raced"] == ["periph.update"] and report["compiled_twice"] == []
    # this process takes every shared module: the stub helper claims none
    assert stages.compiled == [warm.STAGES[0][0], *warm.SHARED, warm.STAGES[1][0]]
    assert report["shared"] == {"here": list(warm.SHARED_MODULES), "helper": []}


def test_warm_up_goes_on_alone_when_the_helper_dies(monkeypatch):
    stages = _Stages(monkeypatch, "import sys; sys.exit(3)")
    report = warm.warm_up()
    assert report["cold"] and not report["helper"]
    assert report["stages"][0][1] is None
    assert stages.compiled == [warm.STAGES[0][0], *warm.SHARED, warm.STAGES[1][0]]


def test_warm_up_goes_on_alone_when_the_helper_cannot_start(monkeypatch):
    stages = _Stages(monkeypatch, "")
    monkeypatch.setattr(warm, "helper_command", lambda: ["/nonexistent/breadboard-helper"])
    report = warm.warm_up()
    assert report["cold"] and not report["helper"] and report["stages"] == []
    assert stages.compiled == []  # run_slice compiles whatever it needs itself


def test_the_helper_compiles_its_part_of_each_stage_when_told(monkeypatch, capsys):
    compiled = []
    monkeypatch.setattr(warm, "compile_part", compiled.append)
    monkeypatch.setattr(sys, "stdin", type("In", (), {"readline": lambda self: "next\n"})())
    monkeypatch.delenv(warm.CLAIMS_ENV, raising=False)
    assert warm.helper_main() == 0
    assert compiled == [there for _, there in warm.STAGES]  # no claims directory: no shared
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["stage"] for r in reports] == [1, 2]
    assert all(r["mismatched"] == [] for r in reports)


def test_each_shared_module_is_compiled_by_the_process_that_claims_it_first(monkeypatch, tmp_path):
    compiled = []
    monkeypatch.setattr(warm, "compile_part", compiled.append)
    (tmp_path / warm.SHARED_MODULES[0]).touch()  # the other process has it
    (tmp_path / warm.SHARED_MODULES[2]).touch()
    taken = warm.compile_shared(str(tmp_path))
    assert taken == [m for i, m in enumerate(warm.SHARED_MODULES) if i not in (0, 2)]
    assert compiled == [p for i, p in enumerate(warm.SHARED) if i not in (0, 2)]
    assert warm.compile_shared(str(tmp_path)) == []  # all claimed now
    assert warm.compile_shared(None) == [] and warm.compile_shared(str(tmp_path / "gone")) == []


def test_without_a_claims_directory_this_process_compiles_every_shared_module(monkeypatch):
    helper = (
        "import json, os, sys\n"
        "assert os.environ.get('BREADBOARD_WARM_CLAIMS') is None\n"
        "for i in range(2):\n"
        "    if i and not sys.stdin.readline(): sys.exit(1)\n"
        "    print(json.dumps({'seconds': 1.0, 'stage': i + 1}), flush=True)\n"
    )
    stages = _Stages(monkeypatch, helper)
    monkeypatch.setattr(warm, "_claims_dir", lambda: None)
    report = warm.warm_up()
    assert report["helper"]
    assert stages.compiled == [warm.STAGES[0][0], *warm.SHARED, warm.STAGES[1][0]]
    assert report["shared"] == {"here": list(warm.SHARED_MODULES), "helper": []}


def test_every_peripheral_module_is_in_exactly_one_part_of_stage_one():
    own = set(warm._MAIN_MODULES) | set(warm.HELPER_MODULES) | set(warm.SHARED_MODULES)
    assert own == set(warm._MODULES)
    assert len(own) == len(warm._MAIN_MODULES) + len(warm.HELPER_MODULES) + len(warm.SHARED)


def test_the_frozen_app_starts_its_helper_through_a_hidden_option(monkeypatch):
    import breadboard.cli as cli

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert warm.helper_command() == [sys.executable, "--kernel-compile-helper"]
    monkeypatch.setattr(cli, "kernel_compile_helper", lambda: 0)
    assert main(["--kernel-compile-helper"]) == 0


@pytest.mark.skipif(NO_JIT, reason="needs numba dispatchers")
def test_the_kernel_is_cached_beside_its_ready_marker_when_numba_was_imported_first(tmp_path):
    """numba reads NUMBA_CACHE_DIR when it is imported: a script (or a test module) that
    imports numba before breadboard had its kernel cached beside the sources while the ready
    marker went to breadboard's cache, so the next start took the kernel for compiled and
    compiled it on one core."""
    code = (
        "import numba\n"
        "from breadboard.avr import CACHE_DIR, kernel\n"
        "print(CACHE_DIR)\n"
        "print(kernel.run_slice._cache._cache_path)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    cache_dir, kernel_cache = out.stdout.split()
    assert Path(cache_dir).parent == tmp_path / "breadboard"
    assert Path(kernel_cache).parent == Path(cache_dir)


def test_caches_of_kernel_versions_unused_for_a_month_are_removed(tmp_path, monkeypatch):
    from breadboard.avr import _cache

    monkeypatch.setattr(_cache, "user_cache_root", lambda: tmp_path)
    now = 1_000_000_000.0
    month = _cache.STALE_SECONDS

    def kernel(name: str, used: float | None, made: float) -> Path:
        path = tmp_path / name
        path.mkdir()
        if used is not None:
            (path / "ready").write_text("compiled\n")
            os.utime(path / "ready", (used, used))
        os.utime(path, (made, made))
        return path

    current = kernel("numba-" + "a" * 16, now, now)
    old = kernel("numba-" + "b" * 16, now - month - 60, now - 2 * month)
    recent = kernel("numba-" + "c" * 16, now - 60, now - 2 * month)
    broken = kernel("numba-" + "d" * 16, None, now - month - 60)
    fresh_broken = kernel("numba-" + "e" * 16, None, now - 60)
    other = kernel("numba-mine", None, now - 2 * month)
    removed = _cache.prune_stale(str(current), "ready", now=now)
    assert sorted(removed) == sorted([old, broken])
    assert all(p.exists() for p in (current, recent, fresh_broken, other))
    assert _cache.prune_stale(str(tmp_path / "elsewhere" / ("numba-" + "a" * 16)), "ready") == []
