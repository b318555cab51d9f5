"""Text drawn from kept glyph bitmaps and layouts (optimlab/plots/glyphs.py) gives the canvas the
same pixels as matplotlib's own text drawing: on figures made to vary what a glyph's bitmap
depends on, and on every panel through its states."""

from pathlib import Path

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as _Figure
from panel_driver import PANELS, panel_ids, states

from optimlab.plots import figure as live
from optimlab.plots import glyphs

pytestmark = pytest.mark.skipif(
    glyphs._agg() is None, reason="this matplotlib draws text in C++ (before 3.11)"
)


def Figure(**kwargs):
    fig = _Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


def is_kept(renderer) -> bool:
    return isinstance(renderer, glyphs._kept_renderer_class())


def pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def both(make):
    """The pixels of the figure ``make()`` draws, with glyphs kept and without."""
    plain = make()
    kept = make()
    assert glyphs.keep_glyphs(kept.canvas)
    return pixels(plain), pixels(kept)


def texts_figure(strings, dx, dy, dpi, size, rotation, antialiased, math):
    def make():
        fig = Figure(figsize=(3, 2), dpi=dpi)
        for i, s in enumerate(strings):
            fig.text(
                0.05 + dx + 0.1 * i, 0.1 + dy + 0.25 * i,
                f"${s}$" if math and s else s,
                fontsize=size, rotation=rotation, antialiased=antialiased,
            )  # fmt: skip
        return fig

    return make


@settings(max_examples=40, deadline=None)
@given(
    strings=st.lists(
        st.text(alphabet="aAgjy0123456789.,=-+ βσ²√→", min_size=0, max_size=12),
        min_size=1,
        max_size=3,
    ),
    dx=st.floats(0, 0.3),
    dy=st.floats(0, 0.2),
    dpi=st.sampled_from([72, 100, 137.5]),
    size=st.sampled_from([7, 10, 12.5, 20]),
    rotation=st.sampled_from([0, 90, 33, -45]),
    antialiased=st.booleans(),
)
def test_text_has_the_same_pixels(strings, dx, dy, dpi, size, rotation, antialiased):
    glyphs.GLYPHS.clear()  # each example meets empty stores first, then its own glyphs again
    plain, kept = both(texts_figure(strings, dx, dy, dpi, size, rotation, antialiased, False))
    np.testing.assert_array_equal(kept, plain)


@pytest.mark.parametrize("rotation", [0, 90])
def test_mathtext_has_the_same_pixels(rotation):
    """Mathtext's glyphs come from the kept bitmaps too; its rules (fraction bars, roots) are
    drawn by matplotlib."""
    strings = [r"\frac{\eta}{\sqrt{\hat v_t}+\epsilon}", r"x_{t+1} = x_t - \alpha \nabla f"]
    plain, kept = both(texts_figure(strings, 0.013, 0.007, 100, 12, rotation, True, True))
    np.testing.assert_array_equal(kept, plain)


def test_fallback_fonts_have_the_same_pixels():
    """Chinese in a font of a collection (Noto CJK's .ttc, a face index) after a Latin font."""
    from matplotlib import font_manager

    cjk = [f.name for f in font_manager.fontManager.ttflist if "CJK" in f.name]
    if not cjk:
        pytest.skip("no Noto CJK font here (Debian's fonts-noto-cjk)")

    def make():
        fig = Figure(figsize=(3, 2), dpi=100)
        fig.text(0.05, 0.5, "学习率 lr = 0.1 (动量)", family=["DejaVu Sans", cjk[0]], size=12)
        return fig

    plain, kept = both(make)
    np.testing.assert_array_equal(kept, plain)
    assert len({k[0] for k in glyphs.GLYPHS._items}) >= 2  # glyphs from both fonts


@pytest.mark.parametrize("rc", [{"text.hinting": "no_hinting"}, {"text.antialiased": False}])
def test_a_change_of_text_settings_is_drawn_as_matplotlib_draws_it(rc):
    """The kept layouts and glyphs were made under the default settings; a figure drawn under
    other ones gets what matplotlib gives under them, not the kept ones."""

    def make():
        fig = Figure(figsize=(3, 2), dpi=100)
        fig.text(0.05, 0.5, "AVAWAY To Ty = 0.125", size=13)
        return fig

    warm = make()
    glyphs.keep_glyphs(warm.canvas)
    pixels(warm)  # layouts and glyphs kept under the defaults
    with matplotlib.rc_context(rc):
        plain, kept = both(make)
    np.testing.assert_array_equal(kept, plain)
    assert not np.array_equal(kept, pixels(make())), "the setting should change the picture"


def test_a_glyph_is_made_once_per_fraction_of_a_pixel():
    glyphs.GLYPHS.clear()
    glyphs.LAYOUTS.clear()

    def make():
        fig = Figure(figsize=(3, 2), dpi=100)
        fig.text(0.1, 0.5, "aaaa aaaa")
        return fig

    fig = make()
    glyphs.keep_glyphs(fig.canvas)
    pixels(fig)
    made, laid = len(glyphs.GLYPHS), len(glyphs.LAYOUTS)
    assert 1 <= made <= 9 and laid == 1  # one "a" and one " " per fraction of a pixel met
    pixels(fig)
    assert (len(glyphs.GLYPHS), len(glyphs.LAYOUTS)) == (made, laid)  # nothing new to make


def test_the_stores_are_bounded(monkeypatch):
    monkeypatch.setattr(glyphs, "GLYPHS", glyphs._Kept(5))
    fig = Figure(figsize=(3, 2), dpi=100)
    fig.text(0.1, 0.5, "abcdefghij")
    glyphs.keep_glyphs(fig.canvas)
    pixels(fig)
    assert len(glyphs.GLYPHS) == 5


def test_each_thread_lays_out_with_its_own_fonts():
    """Matplotlib keeps one font object per thread (a font is not safe to share): a layout kept
    on one thread is not handed to another."""
    import threading

    glyphs.LAYOUTS.clear()
    fig = Figure(figsize=(3, 2), dpi=100)
    fig.text(0.1, 0.5, "thread")
    glyphs.keep_glyphs(fig.canvas)
    first = pixels(fig)
    other = []
    t = threading.Thread(target=lambda: other.append(pixels(fig)))
    t.start()
    t.join()
    np.testing.assert_array_equal(other[0], first)
    assert len(glyphs.LAYOUTS) == 2


def test_the_stores_hold_no_font_object(tmp_path):
    """A font matplotlib lets go of (it keeps 64) is freed, its files closed: the stores hold
    numbers, not fonts."""
    import gc
    import weakref

    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties, findfont

    path = tmp_path / "only_here.ttf"  # a font file no other figure (or mathtext) uses
    path.write_bytes(Path(findfont("DejaVu Serif")).read_bytes())
    fig = Figure(figsize=(3, 2), dpi=100)
    fig.text(0.1, 0.5, "font", fontproperties=FontProperties(fname=path))
    glyphs.keep_glyphs(fig.canvas)
    pixels(fig)
    font = fig.canvas.get_renderer()._prepare_font(fig.texts[0].get_fontproperties())
    ref = weakref.ref(font)
    del font
    font_manager._get_font.cache_clear()
    gc.collect()
    assert ref() is None
    assert len(glyphs.LAYOUTS) and len(glyphs.GLYPHS)


def test_a_font_file_replaced_at_its_path_draws_the_new_font(tmp_path):
    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties, findfont

    path = tmp_path / "font.ttf"

    def make():
        fig = Figure(figsize=(3, 1), dpi=100)
        fig.text(0.05, 0.4, "Sample text", fontproperties=FontProperties(fname=path, size=16))
        return fig

    path.write_bytes(Path(findfont("DejaVu Sans")).read_bytes())
    both(make)
    path.write_bytes(Path(findfont("DejaVu Serif")).read_bytes())
    font_manager._get_font.cache_clear()  # as when matplotlib drops the old font object
    plain, kept = both(make)
    np.testing.assert_array_equal(kept, plain)


def test_a_replaced_renderer_is_freed_at_once():
    """A renderer (and its pixels) is freed when the canvas replaces it (a new size), without
    waiting for a full garbage collection: nothing in it refers back to it."""
    import gc
    import weakref

    fig = Figure(figsize=(3, 2), dpi=100)
    fig.text(0.1, 0.5, "resize")
    glyphs.keep_glyphs(fig.canvas)
    pixels(fig)
    ref = weakref.ref(fig.canvas.get_renderer())
    gc.disable()
    try:
        fig.set_size_inches(4, 2)
        pixels(fig)
        assert ref() is None
    finally:
        gc.enable()


def test_the_bitmaps_kept_are_bounded_in_bytes(monkeypatch):
    monkeypatch.setattr(glyphs, "GLYPHS", glyphs._Kept(10_000, 200_000))
    fig = Figure(figsize=(8, 4), dpi=100)
    t = fig.text(0.0, 0.2, "WMQ@#", fontsize=100)
    glyphs.keep_glyphs(fig.canvas)
    for i in range(60):  # new fractions of a pixel: new bitmaps
        t.set_position((i * 0.00037, 0.2 + i * 0.000291))
        pixels(fig)
    assert 0 < glyphs.GLYPHS.nbytes <= 200_000
    big = Figure(figsize=(8, 8), dpi=100)
    big.text(0.0, 0.1, "W", fontsize=600)  # a bitmap above GLYPH_BIGGEST: made, not kept
    glyphs.keep_glyphs(big.canvas)
    before = len(glyphs.GLYPHS)
    pixels(big)
    assert len(glyphs.GLYPHS) == before


def test_only_agg_canvases_and_only_once():
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    svg = _Figure()
    FigureCanvasSVG(svg)
    assert glyphs.keep_glyphs(svg.canvas) is False
    fig = Figure()
    assert glyphs.keep_glyphs(fig.canvas) and glyphs.keep_glyphs(fig.canvas)
    wrapper = fig.canvas.get_renderer
    assert glyphs.keep_glyphs(fig.canvas) and fig.canvas.get_renderer is wrapper


def test_older_matplotlib_is_left_as_it_is(monkeypatch):
    monkeypatch.setattr(glyphs, "_agg", lambda: None)
    fig = Figure()
    get_renderer = fig.canvas.get_renderer
    assert glyphs.keep_glyphs(fig.canvas) is False
    assert fig.canvas.get_renderer == get_renderer


def test_live_figures_keep_glyphs():
    fig = live.new_figure((3, 2))
    assert is_kept(fig.canvas.get_renderer())
    assert matplotlib.get_backend()  # the test backend's canvas is an Agg canvas


@pytest.mark.parametrize("registered", PANELS, ids=panel_ids)
def test_every_panel_has_the_same_pixels_in_every_state(registered, monkeypatch):
    """Two copies of each panel go through its states side by side, one drawing text its own
    way: after every state their canvases hold the same pixels."""
    kept = registered.make()
    monkeypatch.setattr(live, "keep_glyphs", lambda canvas: False)
    plain = registered.make()
    assert is_kept(kept.fig.canvas.get_renderer())
    assert not is_kept(plain.fig.canvas.get_renderer())
    for label, _ in zip(states(kept, 3), states(plain, 3), strict=True):
        np.testing.assert_array_equal(
            np.asarray(kept.fig.canvas.buffer_rgba()),
            np.asarray(plain.fig.canvas.buffer_rgba()),
            err_msg=label,
        )
