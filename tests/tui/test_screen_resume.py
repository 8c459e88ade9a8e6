"""A screen's first frame skips Textual's second styling pass (CcmScreen.on_screen_resume:
its widgets were styled as they were mounted, just before). Its first frame must still carry
its CSS, and a theme changed while it was covered must show when it comes back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from ccm_tui.screens.base import CcmScreen
from tui_helpers import accounts_ready, until


class Probe(CcmScreen):
    DEFAULT_CSS = "Probe #probe { background: $primary; }"

    def compose(self) -> ComposeResult:
        yield Static("probe", id="probe")


async def test_first_frame_is_styled_and_a_theme_changed_meanwhile_shows_on_return(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        app.theme = "textual-dark"
        probe = Probe()
        await app.push_screen(probe)
        await pilot.pause()
        dark = app.get_theme("textual-dark")
        light = app.get_theme("textual-light")
        assert dark is not None and light is not None and dark.primary != light.primary
        widget = probe.query_one("#probe")
        # The first frame: styled from the CSS at mount, with the theme of the moment.
        assert widget.styles.background.hex.lower() == dark.primary.lower()
        await app.push_screen(Probe())  # another screen covers it
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        app.pop_screen()
        await pilot.pause()
        assert app.screen is probe
        assert widget.styles.background.hex.lower() == light.primary.lower()


async def test_only_later_returns_restyle_the_whole_screen(make_app, monkeypatch):
    """What makes the first frame cheaper: Textual's whole-screen restyle on ScreenResume is
    skipped the first time (CcmScreen marks the event before Screen's handler reads it) and
    done when the screen is shown again (Textual's own pop back to an opaque screen does
    not restyle it either)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        restyled: list[object] = []
        real = app.update_styles

        def update_styles(node, animate=True):
            restyled.append(node)
            return real(node, animate=animate)

        monkeypatch.setattr(app, "update_styles", update_styles)
        probe = Probe()
        app.install_screen(probe, "probe")  # kept when popped: it can be shown again
        await app.push_screen("probe")
        await pilot.pause()
        assert app.screen is probe and probe not in restyled
        app.pop_screen()
        await pilot.pause()
        await app.push_screen("probe")  # shown again: Textual's restyle, as ever
        await pilot.pause()
        assert app.screen is probe and probe in restyled
