"""The wizard's one-line step indicator: "1 Basics › 2 Logo › … › 6 Submit"."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

STEP_TITLES = ("Basics", "Logo", "Auth", "TLS", "Review", "Submit")


class StepIndicator(Static):
    """Shows every step; the current one reversed, visited ones bold."""

    DEFAULT_CSS = """
    StepIndicator { height: 1; width: 1fr; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.current = 0
        self.reached = 0

    def on_mount(self) -> None:
        self.set_step(self.current, self.reached)

    def set_step(self, current: int, reached: int) -> None:
        self.current, self.reached = current, max(reached, current)
        text = Text()
        for i, title in enumerate(STEP_TITLES):
            if i:
                text.append(" › ", style="dim")
            label = f"{i + 1} {title}"
            if i == current:
                text.append(f" {label} ", style="bold reverse")
            elif i <= self.reached:
                text.append(label, style="bold")
            else:
                text.append(label, style="dim")
        self.update(text)
