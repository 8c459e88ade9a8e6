"""A small logo preview: PNG/JPEG downscaled with Pillow and drawn with half blocks
(each character cell shows two pixels: '▀' with the top pixel as foreground and the
bottom one as background). SVG is not rasterised; only its facts are shown."""

from __future__ import annotations

import io

from rich.text import Text
from textual.widgets import Static

from ccm_tui.safetext import visible

PREVIEW_COLS = 24
PREVIEW_ROWS = 6  # character rows, i.e. 12 pixel rows


def half_block_preview(data: bytes, cols: int = PREVIEW_COLS, rows: int = PREVIEW_ROWS) -> Text:
    """Render image bytes as half-block text; raises ValueError if Pillow cannot read it."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            rgba = im.convert("RGBA")
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"cannot decode the image ({exc})") from None
    bg = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
    flat = Image.alpha_composite(bg, rgba).convert("RGB")
    flat.thumbnail((cols, rows * 2), Image.Resampling.LANCZOS)
    width, height = flat.size
    if height % 2:
        padded = Image.new("RGB", (width, height + 1), (0, 0, 0))
        padded.paste(flat, (0, 0))
        flat, height = padded, height + 1
    rgb = flat.tobytes()  # 3 bytes a pixel, row by row

    def colour(x: int, y: int) -> str:
        at = (y * width + x) * 3
        return "#" + rgb[at:at + 3].hex()

    text = Text(no_wrap=True, overflow="crop")
    for y in range(0, height, 2):
        if y:
            text.append("\n")
        for x in range(width):
            top = colour(x, y)
            bottom = colour(x, y + 1)
            text.append("▀", style=f"{top} on {bottom}")
    return text


def preview_renderable(data: bytes | None, kind: str | None) -> Text | str:
    """What :class:`LogoPreview` shows for image bytes of ``kind``. Decoding costs
    milliseconds to seconds (Pillow): the wizard calls this from a thread, never on the
    event loop, and hands the result to :meth:`LogoPreview.show_rendered`."""
    if not data or kind not in ("png", "jpeg"):
        return "" if not data else "(no preview for SVG)"
    try:
        return half_block_preview(data)
    except ValueError as exc:
        return Text(visible(exc), style="italic")  # may quote the file


class LogoPreview(Static):
    DEFAULT_CSS = """
    LogoPreview { height: auto; width: auto; max-height: 7; }
    """

    def show_rendered(self, rendered: Text | str) -> None:
        """Show a preview built by :func:`preview_renderable` (no decoding here)."""
        self.update(rendered)
