"""What pyproject.toml cannot say: the wheel ships the top-level ``resources/`` folder.

The examples (firmware, sketches, circuits, index.json), the board's SVG and the icon live in
``resources/`` at the top of the repository (the app finds them there in a checkout and in an
editable install; packaging/breadboard.spec bundles the same folder). A wheel (``pip install
.``) carries them as package data of ``breadboard.resources``, mapped onto that folder (each
subfolder its own data-only package), so an installed app finds them beside its code
(breadboard/ui/resources.py). The screenshots are for the README only and stay out.
"""

from pathlib import Path

from setuptools import find_packages, setup

RESOURCES = Path(__file__).resolve().parent / "resources"
LEFT_OUT = {"screenshots", "__pycache__"}
#: The files an example folder ships (a MicroPython example's script is its firmware; the
#: test_*.py files are the worked examples of testing a sketch).
EXAMPLE_FILES = ["*.ino", "*.hex", "*.elf", "*.json", "*.py"]


def resource_packages() -> dict[str, list[str]]:
    """``{package name: data patterns}`` for resources/ and every folder under it."""
    out = {"breadboard.resources": ["*.svg", "icon.png"]}
    for folder in sorted(p for p in RESOURCES.rglob("*") if p.is_dir()):
        parts = folder.relative_to(RESOURCES).parts
        if not LEFT_OUT.intersection(parts) and not any(p.startswith(".") for p in parts):
            out[".".join(("breadboard", "resources", *parts))] = EXAMPLE_FILES
    return out


DATA = resource_packages()

setup(
    packages=[*find_packages(include=["breadboard", "breadboard.*"]), *DATA],
    package_dir={"breadboard.resources": "resources"},
    package_data={"breadboard": ["py.typed"], **DATA},
)
