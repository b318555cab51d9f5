"""The frames a live figure sends to the browser under ipympl, encoded for speed.

On every redraw ipympl (matplotlib's web backend) sends the browser a PNG of the canvas: the
whole picture, or after a blit only the changed pixels, the others transparent, drawn over the
last frame at the top-left corner. Matplotlib encodes that PNG at the canvas's full size with
Pillow's default compression, which for a panel about 840 x 600 px took about 17 ms per event,
most of a key press's time in the kernel (profiled in the browser benchmark), though almost all
of it is transparent rows.

``send_small_frames(canvas)`` keeps ipympl's protocol (same image modes, same pixels on the
screen) and changes the encoding only:

- a diff frame is cut at the last changed row and column: the browser draws the image at the
  top-left corner at its own size, so the pixels beyond it stay as they were;
- rows with no changed pixel are not compressed again and again: a run of them is a stretch of
  deflate data made once per row length (``_zero_rows``);
- the rest is deflated at level 1 without PNG row filters.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ADLER_MOD = 65521
_ZERO_BLOCKS = (256, 16, 1)  # rows per cached stretch of deflate data, largest first


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def _deflate_part(data: bytes) -> bytes:
    """Raw deflate data for ``data`` that ends on a byte boundary and refers to nothing before
    it (a fresh compressor, a full flush): such parts can be joined one after another."""
    c = zlib.compressobj(1, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)


@lru_cache(maxsize=64)
def _zero_rows(row_bytes: int, rows: int) -> bytes:
    """The deflate part for ``rows`` rows of ``row_bytes`` zero bytes each."""
    return _deflate_part(bytes(row_bytes * rows))


def _adler_after_zeros(adler: int, n: int) -> int:
    """Adler-32 of a stream extended by ``n`` zero bytes: A stays, B grows by n x A."""
    a, b = adler & 0xFFFF, adler >> 16
    return ((b + n * a) % _ADLER_MOD) << 16 | a


def png_rgba(rgba: np.ndarray) -> bytes:
    """``rgba`` (height x width x 4, uint8) as a PNG (8-bit RGBA, no row filters)."""
    rgba = np.asarray(rgba)
    if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] != 4 or 0 in rgba.shape:
        raise ValueError(
            f"rgba must be a non-empty height x width x 4 array of uint8, got shape "
            f"{rgba.shape} and dtype {rgba.dtype}"
        )
    h, w, _ = rgba.shape
    row_bytes = 4 * w + 1  # a filter byte (0: none), then the pixels
    rows = rgba.reshape(h, 4 * w)
    blank = ~rows.any(axis=1)
    parts, adler, y = [], 1, 0
    while y < h:
        end = y + 1
        while end < h and blank[end] == blank[y]:
            end += 1
        if blank[y]:
            left = end - y
            for size in _ZERO_BLOCKS:
                count, left = divmod(left, size)
                parts += [_zero_rows(row_bytes, size)] * count
            adler = _adler_after_zeros(adler, (end - y) * row_bytes)
        else:
            raw = np.zeros((end - y, row_bytes), np.uint8)
            raw[:, 1:] = rows[y:end]
            band = raw.tobytes()
            parts.append(_deflate_part(band))
            adler = zlib.adler32(band, adler)
        y = end
    parts.append(zlib.compressobj(1, zlib.DEFLATED, -15).flush())  # the final (empty) block
    data = b"\x78\x01" + b"".join(parts) + struct.pack(">I", adler)
    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return _SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def changed_corner(diff: np.ndarray) -> tuple[int, int]:
    """(rows, columns) of the smallest top-left rectangle holding every True of ``diff``
    (at least 1 x 1)."""
    rows = np.flatnonzero(diff.any(axis=1))
    cols = np.flatnonzero(diff.any(axis=0))
    return (int(rows[-1]) + 1 if rows.size else 1), (int(cols[-1]) + 1 if cols.size else 1)


def send_small_frames(canvas) -> None:
    """Have ipympl's ``canvas`` encode its frames with ``png_rgba``, a diff frame cut to its
    changed corner. It replaces matplotlib's ``FigureCanvasWebAggCore.get_diff_image`` on the
    canvas and keeps its image modes; the browser ends up showing the kernel's picture
    (tests/test_frames.py draws each frame as ipympl's browser side does and compares)."""

    def get_diff_image():
        if not canvas._png_is_old:
            return None
        pixels = np.asarray(canvas.get_renderer().buffer_rgba())
        buff = pixels.view(np.uint32).squeeze(2)
        out = None
        if not canvas._force_full and buff.shape == canvas._last_buff.shape:
            diff = buff != canvas._last_buff
            h, w = changed_corner(diff)
            diff, corner = diff[:h, :w], pixels[:h, :w]
            # a pixel turned see-through cannot be drawn over the old one: send the whole
            # picture (matplotlib checks every pixel; the unchanged ones are as last sent)
            if not (corner[..., 3][diff] != 255).any():
                canvas.set_image_mode("diff")
                # the changed pixels, the others 0: one multiply of whole pixels (uint32)
                # instead of a select over every byte (7 ms -> 0.2 ms on 09's ten racers)
                out = (buff[:h, :w] * diff).view(np.uint8).reshape(h, w, 4)
        if out is None:
            canvas.set_image_mode("full")
            out = pixels
        canvas._last_buff = buff.copy()
        canvas._force_full = False
        canvas._png_is_old = False
        return png_rgba(out)

    canvas.get_diff_image = get_diff_image
