"""How a kernel function is compiled: two numba decorators over one lean compiler pipeline.

Every kernel function is cached on disk (``cache=True``, see ``_cache``) and releases the GIL.
They differ in who calls them:

- ``entry``: Python calls it (``Mcu``), so numba builds a CPython wrapper for it (not the
  C-callable wrapper, which only first-class function use needs).
- ``inner``: only other kernel functions call it. It gets neither the CPython wrapper nor the
  C-callable wrapper, which takes about a fifth off the first-run compile (measured: 31.8 s ->
  26.3 s for the whole kernel). Python must never call one: without the wrapper the call
  crashes the interpreter. Only ``Mcu`` calls kernels (a test checks it calls entries only);
  tests that need to reach an inner function go through ``door``.

Both compile through ``KernelCompiler``: numba's own nopython pipeline without the passes that
serve language features the kernel does not use (``with`` blocks, closures, inlinable and
overloaded-inline functions, ``literally``/``literal_unroll``, literal propagation, and the
IR rewrites). Numba's typing and lowering are the same; the first-run compile takes about 15 %
less (median of three cold compiles, one process: 27.9 s -> 23.1 s). While a kernel function
compiles, each distinct call of a builtin (``a[i]``, ``==``, ``bool``) is resolved once
(``_remembered_call_type``): about a sixth less again (single-process compile CPU time, three
interleaved pairs: 0.82x).
"""

from __future__ import annotations

import sys
from functools import cache

import llvmlite.binding as ll
from numba import njit
from numba.core import targetconfig, typed_passes, types, untyped_passes
from numba.core.codegen import CPUCodeLibrary, JITCPUCodegen
from numba.core.compiler import CompilerBase, DefaultPassBuilder
from numba.core.compiler_machinery import PassManager
from numba.core.target_extension import get_local_target
from numba.core.types.functions import BaseFunction


class _WithoutScipyLinalg:
    """Import hook that finds no ``scipy.linalg``."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "scipy.linalg" or name.startswith("scipy.linalg."):
            raise ModuleNotFoundError(f"{name} is kept out while numba loads", name=name)


def _load_numba_array_implementations() -> None:
    """Load numba's array implementations with SciPy's linear algebra kept out.

    numba loads them on a process's first compile or cache load, and they import
    ``scipy.linalg`` (when SciPy is installed) to find BLAS for ``np.dot`` and ``np.linalg``,
    which the kernel never uses: a quarter of a second of every start, a quarter of the
    1 s budget of a warm start. Without it numba just has no BLAS. Nothing is kept out for
    good: a later ``import scipy.linalg`` works as usual.
    """
    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return
    hook = _WithoutScipyLinalg()
    sys.meta_path.insert(0, hook)
    try:
        import numba.np.arraymath  # noqa: F401
    finally:
        sys.meta_path.remove(hook)


_load_numba_array_implementations()

#: Passes of numba's nopython pipeline that the kernel's code never needs.
_UNUSED_PASSES = tuple(
    cls
    for module, name in (
        (untyped_passes, "WithLifting"),
        (untyped_passes, "InlineClosureLikes"),
        (untyped_passes, "MakeFunctionToJitFunction"),
        (untyped_passes, "InlineInlinables"),
        (untyped_passes, "FindLiterallyCalls"),
        (untyped_passes, "LiteralUnroll"),
        (untyped_passes, "LiteralPropagationSubPipelinePass"),
        (typed_passes, "InlineOverloads"),
    )
    if (cls := getattr(module, name, None)) is not None
)


_compiling = 0  # kernel compiles running (nested: a callee is compiled while its caller is typed)
_call_types: dict = {}  # (function type, its template count, context, target, args, kws, flags)
_numba_get_call_type = BaseFunction.get_call_type


def _remembered_call_type(self, context, args, kws):  # noqa: ANN001, ANN202 (numba's own)
    """``BaseFunction.get_call_type``, remembered while a kernel function compiles.

    Typing ``a[i]`` on an array first tries numba's seven ``getitem`` overloads for strings,
    lists and dicts, each failing with an error object, before the array's own template
    answers: about 0.7 ms per array access, asked again when the access is lowered; 5 s of
    the kernel's 27 s single-core compile (``==``, ``a[i] = x`` and ``bool`` alike). The
    answer depends only on the key below, so each distinct call is resolved once. Outside
    the kernel's compiles numba's own resolution runs unchanged, and a call that fails to
    type is not remembered.
    """
    if not _compiling:
        return _numba_get_call_type(self, context, args, kws)
    key = (
        self,
        len(self.templates),
        context,
        get_local_target(context),
        tuple(args),
        tuple(kws.items()),
        targetconfig.ConfigStack.top_or_none(),
    )
    sig = _call_types.get(key)
    if sig is None:
        sig = _call_types[key] = _numba_get_call_type(self, context, args, kws)
    return sig


BaseFunction.get_call_type = _remembered_call_type


# ---- inner functions get no machine code and no module optimisation ----------------------
# numba turns every compiled function's library into machine code (and caches that), although
# an inner function's code only ever runs inlined into its callers' libraries, which link its
# IR and generate their own machine code: a sixth of the cold compile (4.5 s of 30 on one
# core, measured with numba's timings). An inner function's library is marked; it is
# finalised without machine code and cached as its IR (numba's "bitcode" kind, which numba
# itself never writes). Nor does it get numba's module optimisation (inlining its callees
# linked in, then the full -O3 suite): its callers run that over everything they link, and
# running it at every level of the call tree as well was 12 % of a one-process cold compile
# (1.6 of 13 s). Its functions keep their function-level optimisation.
_INNER = "_breadboard_inner"
#: numba's internals this relies on (0.68 has them all); without them an inner function
#: gets its machine code as numba makes it.
_NO_MACHINE_CODE = all(
    hasattr(CPUCodeLibrary, name)
    for name in (
        "_finalize_final_module",
        "_finalize_dynamic_globals",
        "_verify_declare_only_symbols",
        "serialize_using_object_code",
        "_unserialize",
        "_optimize_final_module",
        "enable_object_caching",
    )
) and hasattr(JITCPUCodegen, "set_env")
_numba_finalize_final_module = getattr(CPUCodeLibrary, "_finalize_final_module", None)
_numba_optimize_final_module = getattr(CPUCodeLibrary, "_optimize_final_module", None)
_numba_serialize = getattr(CPUCodeLibrary, "serialize_using_object_code", None)
_numba_unserialize = getattr(getattr(CPUCodeLibrary, "_unserialize", None), "__func__", None)
_numba_set_env = getattr(JITCPUCodegen, "set_env", None)


def _optimize_final_module(self) -> None:  # noqa: ANN001
    if not getattr(self, _INNER, False):
        _numba_optimize_final_module(self)


def _finalize_final_module(self) -> None:  # noqa: ANN001
    if not getattr(self, _INNER, False):
        _numba_finalize_final_module(self)
        return
    self._finalize_dynamic_globals()
    self._verify_declare_only_symbols()
    self._finalized = True


def _serialize_using_object_code(self):  # noqa: ANN001, ANN202
    if not getattr(self, _INNER, False):
        return _numba_serialize(self)
    self._ensure_finalized()
    return (self.name, "bitcode", self._final_module.as_bitcode())


def _unserialize(cls, codegen, state):  # noqa: ANN001, ANN202
    name, kind, data = state
    if kind != "bitcode":
        return _numba_unserialize(cls, codegen, state)
    library = codegen.create_library(name)
    setattr(library, _INNER, True)
    library._final_module = ll.parse_bitcode(data)
    library._finalize_final_module()
    return library


def _set_env(self, env_name, env):  # noqa: ANN001, ANN202
    # an inner function's environment lives in its callers' machine code, set when they load
    if self._engine.get_global_value_address(env_name):
        _numba_set_env(self, env_name, env)


if _NO_MACHINE_CODE:
    CPUCodeLibrary._optimize_final_module = _optimize_final_module
    CPUCodeLibrary._finalize_final_module = _finalize_final_module
    CPUCodeLibrary.serialize_using_object_code = _serialize_using_object_code
    CPUCodeLibrary._unserialize = classmethod(_unserialize)
    JITCPUCodegen.set_env = _set_env


class KernelCompiler(CompilerBase):
    """numba's nopython pipeline minus ``_UNUSED_PASSES`` and the IR rewrites, with each
    distinct builtin call typed once (``_remembered_call_type``); an inner function's library
    gets no machine code."""

    def compile_extra(self, func):  # noqa: ANN001, ANN201 (numba's own)
        global _compiling
        state = self.state
        if _NO_MACHINE_CODE and state.library is None and state.flags.no_cpython_wrapper:
            # an inner function: its library, marked, before numba makes one
            state.library = state.targetctx.codegen().create_library(func.__qualname__)
            state.library.enable_object_caching()
            setattr(state.library, _INNER, True)
        _compiling += 1
        try:
            return super().compile_extra(func)
        finally:
            _compiling -= 1

    def define_pipelines(self) -> list[PassManager]:
        self.state.flags.no_rewrites = True
        default = DefaultPassBuilder.define_nopython_pipeline(self.state)
        lean = PassManager("breadboard kernel")
        for pass_class, description in default.passes:
            if pass_class not in _UNUSED_PASSES:
                lean.add_pass(pass_class, description)
        lean.finalize()
        return [lean]


_entry = njit(cache=True, nogil=True, no_cfunc_wrapper=True, pipeline_class=KernelCompiler)
_inner = njit(
    cache=True,
    nogil=True,
    no_cpython_wrapper=True,
    no_cfunc_wrapper=True,
    pipeline_class=KernelCompiler,
)

#: Every kernel function, in the order they were defined.
KERNEL_FUNCTIONS: list = []


def _kernel(decorator):  # noqa: ANN001, ANN202 (numba dispatchers carry no useful annotation)
    def decorate(fn):  # noqa: ANN001, ANN202
        dispatcher = decorator(fn)
        resolve = dispatcher.get_call_template

        def get_call_template(args, kws):  # noqa: ANN001, ANN202 (numba's own)
            # A constant argument (``raise_flags(data, st, ACSR, ACI, cycle)``) is a literal
            # type to numba, which compiled the callee once per distinct constant (eight
            # times for raise_flags, 1.4 s of the cold compile): the plain types instead.
            plain = {k: types.unliteral(v) for k, v in kws.items()}
            return resolve(tuple(types.unliteral(a) for a in args), plain)

        dispatcher.get_call_template = get_call_template
        KERNEL_FUNCTIONS.append(dispatcher)
        return dispatcher

    return decorate


#: A kernel function Python calls (see the module's docstring).
entry = _kernel(_entry)
#: A kernel function only other kernel functions call (see the module's docstring).
inner = _kernel(_inner)


@cache
def door(fn):  # noqa: ANN001, ANN201 (numba dispatchers carry no useful annotation)
    """A Python-callable door to an ``inner`` kernel function (for tests and debugging).

    One door per function; it is compiled on first use for the argument types it gets and is
    not kept in the disk cache.
    """

    @njit(nogil=True)
    def call(*args):  # noqa: ANN002, ANN202
        return fn(*args)

    return call


__all__ = ["entry", "inner", "door", "KernelCompiler", "KERNEL_FUNCTIONS"]
