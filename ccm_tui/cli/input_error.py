"""InputError on its own (standard library only): ``ccm-tui --help`` builds the members
parser, whose module needs the class, without importing the account-file reader (and with it
dataclasses, tomllib and pathlib)."""

from __future__ import annotations


class InputError(ValueError):
    """Invalid input: the CLI exits 2 and sends nothing."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))
