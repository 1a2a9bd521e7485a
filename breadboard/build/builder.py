"""Build a sketch for the Uno as the Arduino IDE does, with a cached core.

With avr-gcc and an AVR core (an Arduino IDE installation, or Debian's packages) the commands
are the core's own recipes: ``platform.txt``'s ``recipe.{c,cpp,S}.o.pattern``,
``recipe.ar.pattern``, ``recipe.c.combine.pattern`` and ``recipe.objcopy.hex.pattern``, with
``boards.txt``'s ``uno.build.*`` (``-mmcu=atmega328p -DF_CPU=16000000L -DARDUINO_AVR_UNO``),
``-Os``, LTO, ``-ffunction-sections -fdata-sections`` and ``--gc-sections``: the core goes into
``core.a``, the sketch (``NAME.ino.cpp``, see ``sketch.preprocess``), its ``.c/.cpp/.S`` files
and the libraries it includes are compiled and linked against it, then ``avr-objcopy -O ihex
-R .eeprom``. Debian's avr-gcc 5.4 also needs ``-DDECIMAL_DIG=__DECIMAL_DIG__`` (for
``WString.cpp``), added for compilers older than 7 only.

The compiled core (and each library's objects) is cached in the user's cache directory, keyed
by the compiler, the core's files and the flags, so only the sketch is compiled again.

``arduino-cli`` builds the sketch itself (``compile --fqbn arduino:avr:uno``).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .sketch import SOURCE_SUFFIXES, Sketch, includes, open_sketch, preprocess
from .toolchain import ARDUINO_CLI, Toolchain, find_toolchain, gcc_version

#: ``-DARDUINO=`` (the IDE version the recipes expect; 1.8.19 as ``tests/firmware/build.sh``).
IDE_VERSION = "10819"
BOARD = "uno"
FQBN = "arduino:avr:uno"


class NoToolchainError(Exception):
    """No toolchain to build sketches with (``toolchain.install_hint`` says what to install)."""


@dataclass(frozen=True)
class Diagnostic:
    """One compiler message with a place: ``file:line[:column]: severity: message``."""

    file: str
    line: int
    column: int | None
    severity: str  # "error", "warning", "note" ("fatal error" counts as "error")
    message: str

    def __str__(self) -> str:
        col = f":{self.column}" if self.column is not None else ""
        return f"{self.file}:{self.line}{col}: {self.severity}: {self.message}"


_DIAG = re.compile(
    r"^(?P<file>[^\s:][^:]*?|[A-Za-z]:[^:]*?):(?P<line>\d+):(?:(?P<col>\d+):)?\s+"
    r"(?P<sev>fatal error|error|warning|note):\s*(?P<msg>.*)$"
)
_LINK = re.compile(
    r"^(?P<file>[^\s:][^:]*?|[A-Za-z]:[^:]*?):(?P<line>\d+): (?P<msg>undefined reference.*)$"
)


def parse_diagnostics(output: str) -> list[Diagnostic]:
    """The ``file:line:col: error: ...`` lines (and the linker's ``file:line: undefined
    reference ...``) of a compiler's output, in order."""
    out = []
    for line in output.splitlines():
        m = _DIAG.match(line.strip())
        if m:
            sev = "error" if m["sev"] == "fatal error" else m["sev"]
            col = int(m["col"]) if m["col"] else None
            out.append(Diagnostic(m["file"], int(m["line"]), col, sev, m["msg"]))
            continue
        m = _LINK.match(line.strip())
        if m:
            out.append(Diagnostic(m["file"], int(m["line"]), None, "error", m["msg"]))
    return out


@dataclass
class BuildResult:
    """What a build produced: the firmware files (when ``ok``), the compiler's output and its
    messages."""

    sketch: Sketch
    toolchain: Toolchain
    ok: bool
    hex: Path | None
    elf: Path | None
    output: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    core_cached: bool = False
    flash_bytes: int | None = None  # program storage used (.text + .data)
    ram_bytes: int | None = None  # global variables (.data + .bss + .noinit)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def user_cache_root() -> Path:
    """The per-user cache directory of breadboard (XDG on Linux, LOCALAPPDATA on Windows).

    The same directory as ``breadboard.avr._cache.user_cache_root`` (copied: the build package
    stands alone). ``BREADBOARD_BUILD_CACHE`` puts the build cache elsewhere.
    """
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "breadboard"


def build_cache_dir() -> Path:
    env = os.environ.get("BREADBOARD_BUILD_CACHE")
    return Path(env) if env else user_cache_root() / "build"


# ---- platform.txt / boards.txt ------------------------------------------------------------
_OS_SUFFIX = {"win32": ".windows", "darwin": ".macosx"}.get(sys.platform, ".linux")


def read_properties(path: Path) -> dict[str, str]:
    """An Arduino ``key=value`` properties file; ``key.linux``/``.windows``/``.macosx``
    override ``key`` on that system."""
    props: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        props[key.strip()] = value.strip()
    for key in [k for k in props if k.endswith(_OS_SUFFIX)]:
        props[key[: -len(_OS_SUFFIX)]] = props[key]
    return props


def expand(pattern: str, props: dict[str, str]) -> str:
    """``{key}`` replaced by its value, repeatedly (unknown keys become empty)."""
    for _ in range(10):
        new = re.sub(r"\{([^{}\s]+)\}", lambda m: props.get(m.group(1), m.group(0)), pattern)
        if new == pattern:
            break
        pattern = new
    return re.sub(r"\{[^{}\s]+\}", "", pattern)


def split_command(command: str) -> list[str]:
    """A recipe's command line as arguments: split at blanks outside double quotes."""
    args, cur, quoted, has = [], [], False, False
    for ch in command:
        if ch == '"':
            quoted, has = not quoted, True
        elif ch in " \t" and not quoted:
            if cur or has:
                args.append("".join(cur))
            cur, has = [], False
        else:
            cur.append(ch)
    if cur or has:
        args.append("".join(cur))
    return args


@dataclass(frozen=True)
class Library:
    name: str
    folder: Path
    include_dir: Path  # src/ (1.5 format) or the folder itself (legacy)

    def sources(self) -> list[Path]:
        if self.include_dir != self.folder:  # 1.5 format: src/ recursively
            files = [p for p in self.include_dir.rglob("*") if p.suffix in SOURCE_SUFFIXES]
        else:  # legacy: the folder and its utility/
            files = [p for p in self.folder.glob("*") if p.suffix in SOURCE_SUFFIXES]
            files += [p for p in (self.folder / "utility").glob("*") if p.suffix in SOURCE_SUFFIXES]
        return sorted(p for p in files if p.is_file())


def _library_at(folder: Path) -> Library | None:
    src = folder / "src"
    if (folder / "library.properties").is_file() and src.is_dir():
        return Library(folder.name, folder, src)
    if any(folder.glob("*.h")):
        return Library(folder.name, folder, folder)
    return None


class _Recipes:
    """The compile/archive/link commands of one toolchain + AVR core for the Uno."""

    def __init__(self, tc: Toolchain) -> None:
        assert tc.core_dir is not None and tc.bin_dir is not None
        self.tc = tc
        core = tc.core_dir
        props = read_properties(core / "platform.txt")
        boards = read_properties(core / "boards.txt")
        prefix = f"{BOARD}."
        props.update({k[len(prefix) :]: v for k, v in boards.items() if k.startswith(prefix)})
        props.setdefault("build.extra_flags", "")
        self.gcc = gcc_version(tc)
        m = re.search(r"\)\s*(\d+)\.", self.gcc) or re.search(r"\s(\d+)\.\d+", self.gcc)
        if m and int(m.group(1)) < 7:
            # Debian's avr-gcc 5.4: WString.cpp needs DECIMAL_DIG (not defined by its float.h)
            props["compiler.cpp.extra_flags"] = (
                props.get("compiler.cpp.extra_flags", "") + " -DDECIMAL_DIG=__DECIMAL_DIG__"
            ).strip()
        props["compiler.path"] = str(tc.bin_dir) + os.sep
        props["runtime.ide.version"] = IDE_VERSION
        props["build.arch"] = "AVR"
        props["runtime.platform.path"] = str(core)
        self.props = props
        self.core_src = core / "cores" / props.get("build.core", "arduino")
        self.variant = core / "variants" / props.get("build.variant", "standard")

    def core_includes(self) -> list[Path]:
        return [self.core_src, self.variant]

    def compile_cmd(self, src: Path, obj: Path, include_dirs: list[Path]) -> list[str]:
        kind = {".c": "c", ".cpp": "cpp", ".S": "S"}[src.suffix]
        p = dict(self.props)
        p["includes"] = " ".join(f'"-I{d}"' for d in include_dirs)
        p["source_file"], p["object_file"] = str(src), str(obj)
        return split_command(expand(p[f"recipe.{kind}.o.pattern"], p))

    def archive_cmd(self, archive: Path, objs: list[Path]) -> list[str]:
        p = dict(self.props)
        p["archive_file_path"], p["object_file"] = str(archive), str(objs[0])
        return split_command(expand(p["recipe.ar.pattern"], p)) + [str(o) for o in objs[1:]]

    def link_cmd(self, build: Path, name: str, objs: list[Path], archive: str) -> list[str]:
        p = dict(self.props)
        p["build.path"], p["build.project_name"], p["archive_file"] = str(build), name, archive
        p["object_files"] = " ".join(f'"{o}"' for o in objs)
        return split_command(expand(p["recipe.c.combine.pattern"], p))

    def hex_cmd(self, build: Path, name: str) -> list[str]:
        p = dict(self.props)
        p["build.path"], p["build.project_name"] = str(build), name
        return split_command(expand(p["recipe.objcopy.hex.pattern"], p))

    def size_cmd(self, build: Path, name: str) -> list[str]:
        p = dict(self.props)
        p["build.path"], p["build.project_name"] = str(build), name
        return split_command(expand(p.get("recipe.size.pattern", ""), p))

    def key(self, *parts: object) -> str:
        """A cache key: the compiler, the recipes, the core's files and ``parts``."""
        h = hashlib.sha256()
        h.update(f"{self.gcc}\0{self.tc.bin_dir}\0{self.tc.core_dir}\0".encode())
        for k in sorted(self.props):
            h.update(f"{k}={self.props[k]}\0".encode())
        for d in (self.core_src, self.variant):
            for f in sorted(d.rglob("*")):
                if f.is_file():
                    st = f.stat()
                    h.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
        for part in parts:
            h.update(f"{part}\0".encode())
        return h.hexdigest()[:16]


def _run(cmd: list[str], cwd: Path) -> tuple[int, str]:
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=_build_env()
        )
    except OSError as e:
        return 127, f"{cmd[0]}: cannot run: {e.strerror or e}\n"
    return proc.returncode, proc.stdout.decode("utf-8", errors="replace")


def _build_env() -> dict[str, str]:
    env = dict(os.environ)
    env["LC_ALL"] = "C"  # English messages, for the diagnostics parser
    env.pop("LANGUAGE", None)
    return env


class _Build:
    def __init__(self, sketch: Sketch, tc: Toolchain, log: Callable[[str], None]) -> None:
        self.sketch, self.tc, self.log = sketch, tc, log
        self.output: list[str] = []
        self.core_cached = False

    def emit(self, text: str) -> None:
        if text:
            if not text.endswith("\n"):
                text += "\n"
            self.output.append(text)
            self.log(text)

    def run_all(self, jobs: list[tuple[list[str], Path]], cwd: Path) -> bool:
        """Run compile commands (2+ at a time); True when all succeeded."""
        workers = max(1, min(len(jobs), os.cpu_count() or 1))
        with ThreadPoolExecutor(workers) as pool:
            results = list(pool.map(lambda job: _run(job[0], cwd), jobs))
        ok = True
        for (_cmd, _obj), (code, text) in zip(jobs, results, strict=True):
            self.emit(text)
            ok &= code == 0
        return ok


def _lib_for_header(header: str, dirs: tuple[Path, ...]) -> Library | None:
    for root in dirs:
        try:
            candidates = sorted(p for p in root.iterdir() if p.is_dir())
        except OSError:
            continue
        # a library whose name is the header's first (the IDE's best match), then any
        stem = header.rsplit("/", 1)[-1].removesuffix(".h")
        candidates.sort(key=lambda p: p.name != stem)
        for folder in candidates:
            lib = _library_at(folder)
            if lib is not None and (lib.include_dir / header).is_file():
                return lib
    return None


def find_libraries(sketch: Sketch, tc: Toolchain, core_includes: list[Path]) -> list[Library]:
    """The libraries a sketch uses: each ``#include`` that is not in the sketch or the core
    resolved in ``tc.library_dirs`` (the sketchbook's ``libraries/`` first), and the libraries
    those include, in the order they are found."""
    libs: list[Library] = []
    seen_headers: set[str] = set()
    queue = [*sketch.inos, *sketch.sources]
    while queue:
        for header in includes(queue.pop(0)):
            if header in seen_headers:
                continue
            seen_headers.add(header)
            if (sketch.folder / header).is_file() or any(
                (d / header).is_file() for d in core_includes
            ):
                continue
            if any((lib.include_dir / header).is_file() for lib in libs):
                continue
            lib = _lib_for_header(header, tc.library_dirs)
            if lib is not None:
                libs.append(lib)
                queue += lib.sources() + sorted(lib.include_dir.glob("*.h"))
    return libs


def _build_dir_for(sketch: Sketch) -> Path:
    tag = hashlib.sha256(str(sketch.main).encode()).hexdigest()[:12]
    return build_cache_dir() / "sketches" / f"{sketch.name}-{tag}"


def _build_core(b: _Build, r: _Recipes) -> Path | None:
    """core.a from the cache, or compiled into it; None when the core does not compile."""
    cache = build_cache_dir() / f"core-{r.key()}"
    archive = cache / "core.a"
    if archive.is_file():
        b.core_cached = True
        b.emit(f"Using the cached core: {archive}")
        return archive
    b.emit(f"Compiling the Arduino core ({r.core_src}) ...")
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="core-", dir=cache.parent))
    try:
        srcs = sorted(p for p in r.core_src.iterdir() if p.suffix in SOURCE_SUFFIXES)
        objs = [tmp / f"{s.name}.o" for s in srcs]
        jobs = [
            (r.compile_cmd(s, o, r.core_includes()), o) for s, o in zip(srcs, objs, strict=True)
        ]
        if not b.run_all(jobs, tmp):
            return None
        code, text = _run(r.archive_cmd(tmp / "core.a", objs), tmp)
        b.emit(text)
        if code != 0:
            return None
        try:
            os.replace(tmp, cache)
        except OSError:  # another build cached it meanwhile
            pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return archive if archive.is_file() else None


def _build_library(b: _Build, r: _Recipes, lib: Library, incs: list[Path]) -> list[Path] | None:
    cache = build_cache_dir() / f"lib-{r.key(lib.folder, *incs)}"
    srcs = lib.sources()
    objs = [cache / f"{i:02d}-{s.name}.o" for i, s in enumerate(srcs)]
    if all(o.is_file() for o in objs) and (cache / "ok").is_file():
        b.emit(f"Using the cached library {lib.name} ({lib.folder})")
        return objs
    b.emit(f"Compiling library {lib.name} ({lib.folder}) ...")
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="lib-", dir=cache.parent))
    try:
        tmp_objs = [tmp / o.name for o in objs]
        jobs = [
            (r.compile_cmd(s, o, incs + [s.parent]), o) for s, o in zip(srcs, tmp_objs, strict=True)
        ]
        if not b.run_all(jobs, tmp):
            return None
        (tmp / "ok").write_text("")
        try:
            os.replace(tmp, cache)
        except OSError:
            pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return objs if (cache / "ok").is_file() else None


def _size(b: _Build, r: _Recipes, build: Path, name: str) -> tuple[int | None, int | None]:
    cmd = r.size_cmd(build, name)
    if not cmd:
        return None, None
    code, text = _run(cmd, build)
    if code != 0:
        return None, None

    def total(regex: str | None) -> int | None:
        if not regex:
            return None
        return sum(int(m.group(1)) for m in re.finditer(regex, text, re.MULTILINE))

    return total(r.props.get("recipe.size.regex")), total(r.props.get("recipe.size.regex.data"))


def _gcc_build(b: _Build, r: _Recipes, out_dir: Path) -> tuple[Path | None, Path | None]:
    sketch = b.sketch
    archive = _build_core(b, r)
    if archive is None:
        return None, None
    libs = find_libraries(sketch, b.tc, r.core_includes())
    incs = r.core_includes() + [lib.include_dir for lib in libs]
    name = f"{sketch.name}.ino"
    b.emit(
        f"Compiling sketch {sketch.main}"
        + (f" with {', '.join(x.name for x in libs)}" if libs else "")
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    cpp = out_dir / f"{name}.cpp"
    cpp.write_text(preprocess(sketch), encoding="utf-8")
    objs = [out_dir / f"{name}.cpp.o"]
    jobs = [(r.compile_cmd(cpp, objs[0], incs), objs[0])]
    for i, src in enumerate(sketch.sources):
        obj = out_dir / f"sketch-{i:02d}-{src.name}.o"
        jobs.append((r.compile_cmd(src, obj, incs + [sketch.folder]), obj))
        objs.append(obj)
    if not b.run_all(jobs, out_dir):
        return None, None
    for lib in libs:
        lib_objs = _build_library(b, r, lib, incs)
        if lib_objs is None:
            return None, None
        objs += lib_objs
    (out_dir / "core").mkdir(exist_ok=True)
    shutil.copyfile(archive, out_dir / "core" / "core.a")
    for stale in (out_dir / f"{name}.elf", out_dir / f"{name}.hex"):
        stale.unlink(missing_ok=True)
    b.emit("Linking ...")
    code, text = _run(r.link_cmd(out_dir, name, objs, "core/core.a"), out_dir)
    b.emit(text)
    if code != 0:
        return None, None
    code, text = _run(r.hex_cmd(out_dir, name), out_dir)
    b.emit(text)
    if code != 0:
        return None, None
    return out_dir / f"{name}.hex", out_dir / f"{name}.elf"


def _cli_build(b: _Build, out_dir: Path) -> tuple[Path | None, Path | None]:
    sketch = b.sketch
    assert b.tc.cli is not None
    staged: Path | None = None
    folder = sketch.folder
    if not sketch.is_folder_sketch:  # arduino-cli wants NAME/NAME.ino: copy a lone .ino
        staged = Path(tempfile.mkdtemp(prefix="sketch-")) / sketch.name
        staged.mkdir()
        shutil.copyfile(sketch.main, staged / sketch.main.name)
        folder = staged
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [str(b.tc.cli), "compile", "--fqbn", FQBN, "--output-dir", str(out_dir), str(folder)]
    b.emit(" ".join(cmd))
    try:
        code, text = _run(cmd, out_dir)
    finally:
        if staged is not None:
            shutil.rmtree(staged.parent, ignore_errors=True)
    if staged is not None:
        text = text.replace(str(staged / sketch.main.name), str(sketch.main))
    b.emit(text)
    name = f"{sketch.main.name}"
    hex_, elf = out_dir / f"{name}.hex", out_dir / f"{name}.elf"
    if code != 0 or not hex_.is_file():
        return None, None
    return hex_, elf if elf.is_file() else None


def build_sketch(
    path: str | os.PathLike | Sketch,
    toolchain: Toolchain | None = None,
    log: Callable[[str], None] | None = None,
    out_dir: str | os.PathLike | None = None,
) -> BuildResult:
    """Build a sketch (a ``.ino``, a sketch folder or a ``Sketch``) for the Uno.

    Uses ``toolchain`` or the first one ``find_toolchain`` finds (raises ``NoToolchainError``
    when there is none; ``SketchError`` for a path that is not a sketch). ``log`` gets the
    build's output as it comes, a chunk of lines at a time. The ``.hex`` and ``.elf`` go to
    ``out_dir`` (default: a folder per sketch in the user's cache). Compile errors are not
    exceptions: the result has ``ok`` False, the output and the ``diagnostics``.
    """
    sketch = path if isinstance(path, Sketch) else open_sketch(path)
    tc = toolchain or find_toolchain()
    if tc is None:
        raise NoToolchainError("no Arduino toolchain found (arduino-cli, Arduino IDE, or avr-gcc)")
    start = time.perf_counter()
    b = _Build(sketch, tc, log or (lambda text: None))
    out = Path(out_dir) if out_dir is not None else _build_dir_for(sketch)
    flash = ram = None
    if tc.kind == ARDUINO_CLI:
        hex_, elf = _cli_build(b, out)
    else:
        r = _Recipes(tc)
        hex_, elf = _gcc_build(b, r, out)
        if hex_ is not None:
            flash, ram = _size(b, r, out, f"{sketch.name}.ino")
            if flash is not None:
                b.emit(f"Sketch uses {flash} bytes of program storage space, "
                       f"global variables use {ram} bytes of dynamic memory.")  # fmt: skip
    ok = hex_ is not None
    seconds = time.perf_counter() - start
    b.emit(f"Build {'done' if ok else 'FAILED'} in {seconds:.1f} s ({tc.description})")
    text = "".join(b.output)
    return BuildResult(
        sketch=sketch,
        toolchain=tc,
        ok=ok,
        hex=hex_,
        elf=elf,
        output=text,
        diagnostics=parse_diagnostics(text),
        seconds=seconds,
        core_cached=b.core_cached,
        flash_bytes=flash,
        ram_bytes=ram,
    )


__all__ = [
    "BuildResult",
    "Diagnostic",
    "NoToolchainError",
    "build_sketch",
    "build_cache_dir",
    "find_libraries",
    "parse_diagnostics",
]
