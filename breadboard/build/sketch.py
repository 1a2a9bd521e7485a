"""An Arduino sketch on disk, and its ``.ino`` -> ``.cpp`` step.

A sketch is a folder ``NAME/`` with ``NAME.ino`` (plus more ``.ino`` tabs and ``.c``/``.cpp``/
``.S``/``.h`` files, and a ``src/`` folder), as the Arduino IDE keeps it. A ``.ino`` file whose
folder has another name is a one-file sketch (the examples shipped with breadboard are such).

The ``.ino`` files become one ``NAME.ino.cpp`` the way the IDE does it: ``#include
<Arduino.h>`` first, then the tabs (main first, the others alphabetically), with a prototype
for every function inserted just before the first function definition and ``#line``
directives that keep compiler messages and debug lines pointing into the ``.ino`` files.
Function definitions are recognised as ``tests/firmware/build.sh`` does (one line: return
type, name, parameter list, an optional ``{``), the same output for its sketches.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

SOURCE_SUFFIXES = (".c", ".cpp", ".S")


class SketchError(Exception):
    """A path that is not a sketch (the message names it and says why)."""


@dataclass(frozen=True)
class Sketch:
    """A sketch's main ``.ino``, its other tabs and its extra source files."""

    main: Path
    tabs: tuple[Path, ...] = ()
    sources: tuple[Path, ...] = ()  # .c .cpp .S in the folder and src/

    @property
    def name(self) -> str:
        return self.main.stem

    @property
    def folder(self) -> Path:
        return self.main.parent

    @property
    def inos(self) -> tuple[Path, ...]:
        return (self.main, *self.tabs)

    def watched_paths(self) -> list[Path]:
        """Files whose change means the sketch must be rebuilt."""
        return [*self.inos, *self.sources, *self._headers()]

    def _headers(self) -> list[Path]:
        if not self.is_folder_sketch:
            return []
        return sorted(p for p in self.folder.glob("*.h") if p.is_file())

    @property
    def is_folder_sketch(self) -> bool:
        return self.folder.name == self.main.stem


def is_sketch_path(path: str | os.PathLike) -> bool:
    """True for a ``.ino`` file or a folder holding ``FOLDER.ino`` (or one ``.ino``)."""
    p = Path(path)
    if p.suffix.lower() == ".ino":
        return True
    if p.is_dir():
        return (p / f"{p.name}.ino").is_file() or len(list(p.glob("*.ino"))) == 1
    return False


def open_sketch(path: str | os.PathLike) -> Sketch:
    """The sketch at ``path`` (a ``.ino`` file or a sketch folder); raises ``SketchError``."""
    p = Path(path).expanduser().absolute()
    if p.is_dir():
        main = p / f"{p.name}.ino"
        if not main.is_file():
            inos = sorted(p.glob("*.ino"))
            if len(inos) != 1:
                raise SketchError(
                    f"{p}: not a sketch folder (it should hold {p.name}.ino"
                    + (f"; it has {len(inos)} .ino files)" if inos else ")")
                )
            main = inos[0]
    else:
        main = p
        if main.suffix.lower() != ".ino":
            raise SketchError(f"{p}: not a sketch (an Arduino sketch is a .ino file)")
        if not main.is_file():
            raise SketchError(f"{p}: no such file")
    folder = main.parent
    if folder.name != main.stem:
        return Sketch(main)  # a lone .ino: the other files in its folder are not its own
    tabs = tuple(sorted(q for q in folder.glob("*.ino") if q != main and q.is_file()))
    sources = [q for q in folder.iterdir() if q.suffix in SOURCE_SUFFIXES and q.is_file()]
    src = folder / "src"
    if src.is_dir():
        sources += [q for q in src.rglob("*") if q.suffix in SOURCE_SUFFIXES and q.is_file()]
    return Sketch(main, tabs, tuple(sorted(sources)))


# The function-definition rule of tests/firmware/build.sh (awk): a return type, a name, a
# parameter list on one line, then an optional "{" and comment; extended to a body that starts
# on the same line ("void setup() { helper(); }").
_FUNDEF = re.compile(
    r"^(?P<head>[A-Za-z_][A-Za-z0-9_:<>*& \t]*[ \t*&]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\([^()]*\))"
    r"[ \t]*(\{.*|//.*)?$"
)
_NOT_FUNCTIONS = {
    "if", "else", "while", "for", "switch", "return", "do", "typedef", "struct", "class",
    "enum", "union", "ISR", "case", "goto",
}  # fmt: skip


def _prototype(line: str) -> str | None:
    """``line``'s function prototype (without ";") if it starts a function definition."""
    m = _FUNDEF.match(line)
    if not m or re.split(r"[ \t(]", line, maxsplit=1)[0] in _NOT_FUNCTIONS:
        return None
    return m.group("head")


def _lines(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _quote(path: str) -> str:
    return path.replace("\\", "\\\\").replace('"', '\\"')


def preprocess(sketch: Sketch, names: dict[Path, str] | None = None) -> str:
    """The ``NAME.ino.cpp`` the compiler sees. ``names`` maps each ``.ino`` to the file name
    written in its ``#line`` directives (default: its absolute path)."""
    rows: list[tuple[str, int, str]] = []  # (file name, line number, text)
    for ino in sketch.inos:
        name = _quote((names or {}).get(ino, str(ino)))
        rows += [(name, i, line) for i, line in enumerate(_lines(ino), start=1)]
    protos = [(n, num, p) for n, num, text in rows if (p := _prototype(text)) is not None]
    first = next((i for i, r in enumerate(rows) if _prototype(r[2]) is not None), None)
    out = ["#include <Arduino.h>"]
    current = None
    for i, (name, num, text) in enumerate(rows):
        if name != current:
            out.append(f'#line {num} "{name}"')
            current = name
        if i == first:
            for pname, pnum, proto in protos:
                out.append(f'#line {pnum} "{pname}"\n{proto};')
            out.append(f'#line {num} "{name}"')
        out.append(text)
    return "\n".join(out) + "\n"


_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]+)[>"]', re.MULTILINE)


def includes(path: Path) -> list[str]:
    """The headers a source file ``#include``s, in order (comments are not parsed out)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return _INCLUDE.findall(text)
