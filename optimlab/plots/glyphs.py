"""Text drawn from glyph images kept between frames, for the live figures.

Matplotlib 3.11's Agg renderer draws text one glyph at a time in Python: for every glyph of
every string on every frame it sets the font's size and transform, asks FreeType to hint and
rasterise the glyph, and copies the bitmap onto the canvas (``_draw_text_glyphs_and_boxes``). It
also lays each string out again with HarfBuzz (``FT2Font._layout``) every time it is drawn. On
the panels that is about 60 to 80 microseconds per glyph, and titles and notes whose numbers
change are redrawn on every event: a third of some panels' time per event.

``keep_glyphs(canvas)`` makes the canvas's renderers keep what does not change between frames:

- a glyph's bitmap, keyed by everything FreeType is given to make it (the font object, size,
  dpi, glyph, hinting, the rotation and slant, and the position's fraction of a pixel in 1/64:
  FreeType's grid). A glyph drawn at the same fraction of a pixel elsewhere is the same bitmap
  moved by whole pixels, so the canvas gets the same pixels as matplotlib's own loop;
- a string's layout, keyed by the font object matplotlib picked for it (which stands for the
  font files, their settings and the thread: matplotlib keeps one per thread), the size, the
  dpi and the string.

Both stores are bounded (least recently used go first; the bitmaps also in bytes) and hold no
font object: a font matplotlib lets go of is freed as before. The canvas's pixels are the same as
without them, which tests/test_glyphs.py checks on every panel. Where the renderer has not the
method this relies on (matplotlib before 3.11 draws a string's glyphs in C++ in one call), the
canvas is left as it is.
"""

from __future__ import annotations

import functools
import itertools
import math
import threading
import weakref
from collections import OrderedDict

import numpy as np

GLYPHS_KEPT = 8192  # glyph bitmaps (about 300 bytes each at 10-14 pt) ...
GLYPH_BYTES = 16 << 20  # ... and at most this many bytes of them
GLYPH_BIGGEST = 64 << 10  # a bigger bitmap (a glyph of about 250 pt) is made, not kept
LAYOUTS_KEPT = 1024  # strings laid out


class _Kept:
    """A store bounded in entries and in bytes, least recently used evicted first; safe to
    share between threads."""

    def __init__(self, size: int, nbytes: int | None = None):
        self.size, self.budget = size, nbytes
        self._items, self._lock, self.nbytes = OrderedDict(), threading.Lock(), 0

    def get(self, key):
        """The item kept under ``key`` (now the most recently used), or None."""
        with self._lock:
            kept = self._items.get(key)
            if kept is None:
                return None
            self._items.move_to_end(key)
            return kept[1]

    def put(self, key, item, nbytes: int = 0) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.nbytes -= old[0]
            self._items[key] = (nbytes, item)
            self.nbytes += nbytes
            while len(self._items) > self.size or (
                self.budget is not None and self.nbytes > self.budget
            ):
                self.nbytes -= self._items.popitem(last=False)[1][0]

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.nbytes = 0


GLYPHS = _Kept(GLYPHS_KEPT, GLYPH_BYTES)
LAYOUTS = _Kept(LAYOUTS_KEPT)

# Each font object matplotlib makes (one per font list, settings and thread; it keeps 64 and
# drops the rest) gets a number never given again: the stores are keyed by it and hold no font
# object, so a font matplotlib dropped is freed (its files closed), and a new font object
# opened at the same path (a replaced file) never meets the old one's glyphs.
_NUMBERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_COUNTER = itertools.count()
_NUMBERS_LOCK = threading.Lock()


def _number(font) -> int:
    number = _NUMBERS.get(font)
    if number is None:
        with _NUMBERS_LOCK:
            number = _NUMBERS.setdefault(font, next(_COUNTER))
    return number


@functools.cache
def _agg():
    """matplotlib's Agg module, if its renderer draws text glyph by glyph in Python (looked
    up once: every text drawn asks)."""
    from matplotlib.backends import backend_agg

    renderer = backend_agg.RendererAgg
    needed = ("_draw_text_glyphs_and_boxes", "_prepare_font", "draw_text")
    if all(hasattr(renderer, name) for name in needed) and hasattr(backend_agg, "RenderMode"):
        return backend_agg
    return None


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
    last_font, number = None, None
    for font, size, index, slant, extend, dx, dy in glyphs:  # dy is upwards
        if font is not last_font:
            last_font, number = font, _number(font)
        # the glyph's origin in FreeType's 26.6 fixed point, y upwards (as matplotlib's loop)
        x64 = round(0x40 * (x + dx * cos - dy * sin))
        y64 = round(0x40 * (height - y + dx * sin + dy * cos))
        (xi, xf), (yi, yf) = divmod(x64, 0x40), divmod(y64, 0x40)
        key = (number, size, self.dpi, index, angle, slant, extend, xf, yf, flags, antialiased)
        kept = GLYPHS.get(key)
        if kept is None:
            font.set_size(size, self.dpi)
            font._set_transform(_matrix(cos, sin, slant, extend), [xf, yf])
            bitmap = font._render_glyph(index, flags, mode)
            buffer = bitmap.buffer.copy()
            if not antialiased:
                buffer *= 0xFF
            kept = (buffer, bitmap.left, bitmap.top)
            if buffer.nbytes <= GLYPH_BIGGEST:
                GLYPHS.put(key, kept, buffer.nbytes)
        buffer, left, top = kept
        draw(buffer, left + xi, int(height) - (top + yi) + buffer.shape[0], 0, gc)
    if boxes:
        agg.RendererAgg._draw_text_glyphs_and_boxes(self, gc, x, y, angle, (), boxes)


def _matrix(cos, sin, slant, extend):
    """FreeType's 16.16 matrix for rotation and slant, computed as matplotlib computes it."""
    return (
        (0x10000 * np.array([[cos, -sin], [sin, cos]]) @ [[extend, extend * slant], [0, 1]])
        .round()
        .astype(int)
    )


def _draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
    """``RendererAgg.draw_text`` with the string's layout taken from ``LAYOUTS`` when the same
    string was laid out before in the same font object, size and dpi."""
    if ismath:
        return self.draw_mathtext(gc, x, y, s, prop, angle)
    agg = _agg()
    font = self._prepare_font(prop)
    flags = agg.get_hinting_flag()
    features = mtext.get_fontfeatures() if mtext is not None else None
    language = mtext.get_language() if mtext is not None else None
    size = prop.get_size_in_points()
    key = (_number(font), size, self.dpi, s, flags, _hashable(features), _hashable(language))
    items = LAYOUTS.get(key)
    if items is not None:  # the glyphs' fonts are the font and its fallbacks: alive with it
        items = [(ref(), index, gx, gy) for ref, index, gx, gy in items]
    else:
        laid = font._layout(s, flags=flags, features=features, language=language)
        items = [(item.ft_object, item.glyph_index, item.x, item.y) for item in laid]
        refs = {id(ft): weakref.ref(ft) for ft, *_ in items}
        LAYOUTS.put(key, tuple((refs[id(ft)], *rest) for ft, *rest in items))
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


@functools.cache
def _kept_renderer_class():
    """RendererAgg with the two methods above: a renderer's class is switched to it (no
    bound method stored on the renderer, which would keep it and its pixels alive in a
    reference cycle until a full garbage collection)."""
    return type(
        "KeptGlyphsRendererAgg",
        (_agg().RendererAgg,),
        {"_draw_text_glyphs_and_boxes": _draw_glyphs, "draw_text": _draw_text,
         "__module__": __name__},
    )  # fmt: skip


def _install(renderer) -> None:
    if type(renderer) is _agg().RendererAgg:
        renderer.__class__ = _kept_renderer_class()


def keep_glyphs(canvas) -> bool:
    """Make ``canvas``'s Agg renderers draw text from kept glyphs and layouts (see the module's
    docstring). Returns whether it did: False where matplotlib draws text its older way, or
    where the canvas is not an Agg canvas."""
    agg = _agg()
    if agg is None or not isinstance(canvas, agg.FigureCanvasAgg):
        return False
    get_renderer = canvas.get_renderer
    if getattr(get_renderer, "_keeps_glyphs", False):
        return True

    def kept_get_renderer(*args, **kwargs):
        renderer = get_renderer(*args, **kwargs)
        _install(renderer)
        return renderer

    kept_get_renderer._keeps_glyphs = True
    canvas.get_renderer = kept_get_renderer
    return True
