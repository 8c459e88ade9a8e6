"""The baseline: a bare Textual app that paints one label (run by bench.py in a pty).

Started exactly like the console (same interpreter, same terminal size), so the ratios in
bench.py measure what ccm-tui adds on top of Textual itself.
"""

from textual.app import App, ComposeResult
from textual.widgets import Label

MARKER = "BARE BASELINE READY"


class BareApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Label(MARKER)


if __name__ == "__main__":
    BareApp().run()
