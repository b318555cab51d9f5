"""Text drawn from glyph images kept between frames, for the live figures.

Matplotlib 3.11's Agg renderer draws text one glyph at a time in Python: for every glyph of
every string on every frame it sets the font's size and transform, asks FreeType to hint and
rasterise the glyph, and copies the bitmap onto the canvas (``_draw_text_glyphs_and_boxes``). It
also lays each string out again with HarfBuzz (``FT2Font._layout``) every time it is drawn. On
the panels that is about 60 to 80 microseconds per glyph, and titles and notes whose numbers
change are redrawn on every event: a third of some panels' time per event.

``keep_glyphs(canvas)`` makes the canvas's renderers keep what does not change between frames:

- a glyph's bitmap, keyed by everything FreeType is given to make it (font file and face, size,
  dpi, glyph, hinting, the rotation and slant, and the position's fraction of a pixel in 1/64:
  FreeType's grid). A glyph drawn at the same fraction of a pixel elsewhere is the same bitmap
  moved by whole pixels, so the canvas gets the same pixels as matplotlib's own loop;
- a string's layout, keyed by the font object matplotlib picked for it (which stands for the
  font files, their settings and the thread: matplotlib keeps one per thread), the size, the
  dpi and the string.

Both stores are bounded (least recently used go first). The canvas's pixels are the same as
without them, which tests/test_glyphs.py checks on every panel. Where the renderer has not the
method this relies on (matplotlib before 3.11 draws a string's glyphs in C++ in one call), the
canvas is left as it is.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from types import MethodType

import numpy as np

GLYPHS_KEPT = 8192  # glyph bitmaps; about 300 bytes each at 10-14 pt
LAYOUTS_KEPT = 1024  # strings laid out


class _Kept:
    """A bounded store, least recently used evicted first; safe to share between threads."""

    def __init__(self, size: int):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key, item) -> None:
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


GLYPHS = _Kept(GLYPHS_KEPT)
LAYOUTS = _Kept(LAYOUTS_KEPT)


def _agg():
    """matplotlib's Agg module, if its renderer draws text glyph by glyph in Python."""
    from matplotlib.backends import backend_agg

    renderer = backend_agg.RendererAgg
    needed = ("_draw_text_glyphs_and_boxes", "_prepare_font", "draw_text")
    if all(hasattr(renderer, name) for name in needed) and hasattr(backend_agg, "RenderMode"):
        return backend_agg
    return None


def _face(font) -> tuple:
    return (font.fname, getattr(font, "face_index", 0))


def _draw_glyphs(self, gc, x, y, angle, glyphs, boxes):
    """``RendererAgg._draw_text_glyphs_and_boxes`` with each glyph's bitmap taken from
    ``GLYPHS`` when it was made before. Boxes (mathtext's rules) are drawn by matplotlib."""
    agg = _agg()
    cos = math.cos(math.radians(angle))
    sin = math.sin(math.radians(angle))
    flags = agg.get_hinting_flag()
    antialiased = gc.get_antialiased()
    mode = agg.RenderMode.NORMAL if antialiased else agg.RenderMode.MONO
    height = self.height
    draw = self._renderer.draw_text_image
    for font, size, index, slant, extend, dx, dy in glyphs:  # dy is upwards
        # the glyph's origin in FreeType's 26.6 fixed point, y upwards (as matplotlib's loop)
        x64 = round(0x40 * (x + dx * cos - dy * sin))
        y64 = round(0x40 * (height - y + dx * sin + dy * cos))
        (xi, xf), (yi, yf) = divmod(x64, 0x40), divmod(y64, 0x40)
        key = (*_face(font), size, self.dpi, index, angle, slant, extend, xf, yf, flags,
               antialiased)  # fmt: skip
        kept = GLYPHS.get(key)
        if kept is None:
            font.set_size(size, self.dpi)
            font._set_transform(_matrix(cos, sin, slant, extend), [xf, yf])
            bitmap = font._render_glyph(index, flags, mode)
            buffer = bitmap.buffer.copy()
            if not antialiased:
                buffer *= 0xFF
            kept = (buffer, bitmap.left, bitmap.top)
            GLYPHS.put(key, kept)
        buffer, left, top = kept
        draw(buffer, left + xi, int(height) - (top + yi) + buffer.shape[0], 0, gc)
    if boxes:
        type(self)._draw_text_glyphs_and_boxes(self, gc, x, y, angle, (), boxes)


def _matrix(cos, sin, slant, extend):
    """FreeType's 16.16 matrix for rotation and slant, computed as matplotlib computes it."""
    return (
        (0x10000 * np.array([[cos, -sin], [sin, cos]]) @ [[extend, extend * slant], [0, 1]])
        .round()
        .astype(int)
    )


def _draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
    """``RendererAgg.draw_text`` with the string's layout taken from ``LAYOUTS`` when the same
    string was laid out before in the same font, size and dpi."""
    if ismath:
        return self.draw_mathtext(gc, x, y, s, prop, angle)
    agg = _agg()
    font = self._prepare_font(prop)
    flags = agg.get_hinting_flag()
    features = mtext.get_fontfeatures() if mtext is not None else None
    language = mtext.get_language() if mtext is not None else None
    size = prop.get_size_in_points()
    # keyed by the font object matplotlib picked: it stands for the font files, the settings
    # they were opened with (kerning, fallbacks) and the thread (one font object per thread);
    # the entry holds the object, so its id cannot be reused while the entry is kept
    key = (id(font), size, self.dpi, s, flags, _hashable(features), _hashable(language))
    kept = LAYOUTS.get(key)
    if kept is None or kept[0] is not font:
        laid = font._layout(s, flags=flags, features=features, language=language)
        kept = (font, tuple((item.ft_object, item.glyph_index, item.x, item.y) for item in laid))
        LAYOUTS.put(key, kept)
    items = kept[1]
    self._draw_text_glyphs_and_boxes(
        gc, x, y, angle,
        ((ft, size, index, 0, 1, gx, gy) for ft, index, gx, gy in items),
        [],
    )  # fmt: skip


def _hashable(value):
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def _install(renderer) -> None:
    if isinstance(renderer, _agg().RendererAgg) and "draw_text" not in vars(renderer):
        renderer._draw_text_glyphs_and_boxes = MethodType(_draw_glyphs, renderer)
        renderer.draw_text = MethodType(_draw_text, renderer)


def keep_glyphs(canvas) -> bool:
    """Make ``canvas``'s Agg renderers draw text from kept glyphs and layouts (see the module's
    docstring). Returns whether it did: False where matplotlib draws text its older way."""
    if _agg() is None or not hasattr(canvas, "get_renderer"):
        return False
    get_renderer = canvas.get_renderer

    def kept_get_renderer(*args, **kwargs):
        renderer = get_renderer(*args, **kwargs)
        _install(renderer)
        return renderer

    canvas.get_renderer = kept_get_renderer
    return True
