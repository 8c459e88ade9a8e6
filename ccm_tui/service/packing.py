"""The page bodies an account list keeps, compressed: ``pack`` and ``unpack``.

The table keeps each page's body, so that the account an operator opens is built from the
exact item the server sent (``AccountRow.account``). As sent, a page of 1000 accounts is
~600 KB (~600 B an account); zstd at level 1 packs it ~7x in ~0.45 ms. zlib at level 1,
used before, took ~2.2 ms for ~5x: at 50,000 accounts, ~90 ms of the console's CPU while
the pages arrive, on a machine whose other core the start-up helper needs.

A body under ``PACK_FROM`` bytes is kept as it is (a short list never imports zstandard).
Where zstandard cannot be imported (a platform with no wheel for it, installed without its
dependencies), bodies are packed with zlib as before. What a row holds tells which it is:
zstd's frame starts with its magic number, a zlib stream at level 1 with 0x78 0x01, and a
list answer is a JSON text (it has been parsed before it gets here), which starts with an
ASCII character other than "x" or "(" in any of its encodings.
"""

from __future__ import annotations

#: Bodies shorter than this are kept as they are (a page of ~100 accounts).
PACK_FROM = 64 * 1024
LEVEL = 1
_MAGIC = b"\x28\xb5\x2f\xfd"
_ZLIB = b"\x78\x01"  # zlib's header at level 1


def pack(body: bytes) -> bytes:
    """``body`` compressed, or ``body`` itself when it is short."""
    if len(body) < PACK_FROM:
        return body
    try:
        import zstandard
    except ImportError:  # pragma: no cover - depends on the platform's wheels
        import zlib

        return zlib.compress(body, 1)
    packed = zstandard.compress(body, LEVEL)
    # zstandard allocates its answer for the worst case (about the body's size) and keeps
    # that allocation: an exact copy gives ~500 KB a page back (at 50,000 accounts the
    # console's RSS was 21 MB larger without it).
    return bytes(memoryview(packed))


def unpack(data: bytes) -> bytes:
    """The body ``pack`` was given."""
    if data.startswith(_MAGIC):
        import zstandard

        return zstandard.decompress(data)
    if data.startswith(_ZLIB):
        import zlib

        return zlib.decompress(data)
    return data
