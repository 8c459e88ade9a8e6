"""InputError on its own (standard library only): ``ccm-tui --help`` builds the members
parser, whose module needs the class; the account-file reader it used to come from imports
dataclasses, tomllib and pathlib (~15 ms before the help text)."""

from __future__ import annotations


class InputError(ValueError):
    """Invalid input: the CLI exits 2 and sends nothing."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))
