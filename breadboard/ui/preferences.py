"""Preferences: the toolchain sketches are built with (found, or chosen by hand) and the editor
that opens a sketch at an error's line."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from ..build import KINDS, ToolchainSettings, discover


def toolchain_settings(settings: QSettings) -> ToolchainSettings:
    """The user's toolchain choice (empty fields fall back to the environment variables)."""
    return ToolchainSettings(
        kind=str(settings.value("toolchain/kind", "auto") or "auto"),
        cli=str(settings.value("toolchain/cli", "") or ""),
        bin_dir=str(settings.value("toolchain/bin_dir", "") or ""),
        core_dir=str(settings.value("toolchain/core_dir", "") or ""),
    )


def describe_toolchains(choice: ToolchainSettings) -> str:
    """The toolchains found, in the order they are tried, the first marked as the one used."""
    try:
        found = discover(choice)
    except ValueError as e:
        return f"Your choice does not work: {e}"
    if not found:
        return "No toolchain found: sketches cannot be built (.hex and .elf files still open)."
    lines = [("▶ " if i == 0 else "    ") + tc.summary() for i, tc in enumerate(found)]
    return "Found, in the order tried (▶ builds):\n" + "\n".join(lines)


class PreferencesDialog(QDialog):
    def __init__(self, settings: QSettings, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.settings = settings
        s = toolchain_settings(settings)
        self.kind = QComboBox()
        self.kind.addItems(["auto", *KINDS])
        self.kind.setCurrentText(s.kind)
        self.cli = QLineEdit(s.cli, placeholderText="arduino-cli on PATH")
        self.bin_dir = QLineEdit(s.bin_dir, placeholderText="found automatically")
        self.core_dir = QLineEdit(s.core_dir, placeholderText="found automatically")
        self.editor = QLineEdit(
            str(settings.value("editor", "") or ""),
            placeholderText="the desktop's default (e.g. code -g {file}:{line}:{column})",
        )
        self.found = QLabel(wordWrap=True)
        form = QFormLayout()
        form.addRow("Toolchain", self.kind)
        form.addRow("arduino-cli program", self.cli)
        form.addRow("avr-gcc directory", self.bin_dir)
        form.addRow("AVR core directory", self.core_dir)
        form.addRow("", self.found)
        form.addRow("Editor command", self.editor)
        for w in (self.cli, self.bin_dir, self.core_dir):
            w.editingFinished.connect(self._update_found)
        self.kind.currentTextChanged.connect(self._update_found)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(
            QLabel(
                "Environment variables BREADBOARD_TOOLCHAIN, BREADBOARD_ARDUINO_CLI, "
                "BREADBOARD_AVR_GCC, BREADBOARD_ARDUINO_AVR apply where these are left empty.",
                wordWrap=True,
            )
        )
        lay.addWidget(buttons)
        self._update_found()

    def choice(self) -> ToolchainSettings:
        return ToolchainSettings(
            kind=self.kind.currentText(),
            cli=self.cli.text().strip(),
            bin_dir=self.bin_dir.text().strip(),
            core_dir=self.core_dir.text().strip(),
        )

    def _update_found(self) -> None:
        self.found.setText(describe_toolchains(self.choice()))

    def accept(self) -> None:
        c = self.choice()
        for key, value in (
            ("kind", c.kind),
            ("cli", c.cli),
            ("bin_dir", c.bin_dir),
            ("core_dir", c.core_dir),
        ):
            self.settings.setValue(f"toolchain/{key}", value)
        self.settings.setValue("editor", self.editor.text().strip())
        super().accept()
