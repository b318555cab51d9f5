"""The frames a live figure sends under ipympl (optimlab/plots/frames.py): valid PNGs, and what
the browser shows after drawing each over the last is the kernel's picture."""

import subprocess
import sys
from io import BytesIO

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from optimlab.plots.frames import changed_corner, png_rgba, send_small_frames


def decode(png: bytes) -> np.ndarray:
    with Image.open(BytesIO(png)) as im:
        assert im.mode == "RGBA"
        return np.asarray(im)


@st.composite
def sparse_images(draw):
    """RGBA images that are zero but for a few rectangles (as a diff frame is)."""
    h, w = draw(st.integers(1, 70)), draw(st.integers(1, 70))
    img = np.zeros((h, w, 4), np.uint8)
    for _ in range(draw(st.integers(0, 3))):
        y0, y1 = sorted(draw(st.integers(0, h - 1)) for _ in range(2))
        x0, x1 = sorted(draw(st.integers(0, w - 1)) for _ in range(2))
        patch = draw(arrays(np.uint8, (y1 - y0 + 1, x1 - x0 + 1, 4)))
        img[y0 : y1 + 1, x0 : x1 + 1] = patch
    return img


@given(sparse_images())
def test_png_rgba_decodes_to_the_same_pixels(img):
    np.testing.assert_array_equal(decode(png_rgba(img)), img)


def test_png_rgba_of_long_blank_runs_and_a_full_image():
    img = np.zeros((700, 33, 4), np.uint8)  # runs longer than every cached stretch
    img[300, 5] = (1, 2, 3, 255)
    img[699, 32] = 255
    np.testing.assert_array_equal(decode(png_rgba(img)), img)
    full = np.random.default_rng(0).integers(0, 256, (40, 50, 4), dtype=np.uint8)
    np.testing.assert_array_equal(decode(png_rgba(full)), full)


@pytest.mark.parametrize(
    "bad",
    [np.zeros((3, 4, 3), np.uint8), np.zeros((3, 4, 4), np.float64), np.zeros((0, 4, 4), np.uint8),
     np.zeros((12, 4), np.uint8)],
    ids=["rgb", "float", "empty", "2-d"],
)  # fmt: skip
def test_png_rgba_refuses_what_is_not_an_rgba_image(bad):
    with pytest.raises(ValueError, match="rgba must be"):
        png_rgba(bad)


def test_changed_corner():
    d = np.zeros((5, 7), bool)
    assert changed_corner(d) == (1, 1)
    d[1, 2] = d[3, 0] = True
    assert changed_corner(d) == (4, 3)


class WebCanvas:
    """What ``send_small_frames`` uses of ipympl's canvas: its buffer and frame state."""

    def __init__(self, pixels):
        self.pixels, self.modes = pixels, []
        self._png_is_old, self._force_full = True, True
        self._last_buff = np.empty((0, 0), np.uint32)

    def get_renderer(self):
        return self

    def buffer_rgba(self):
        return self.pixels

    def set_image_mode(self, mode):
        self.modes.append(mode)


def test_frames_whole_then_the_changed_corner_then_whole_for_a_see_through_pixel():
    pixels = np.full((30, 40, 4), 255, np.uint8)
    canvas = WebCanvas(pixels)
    send_small_frames(canvas)
    np.testing.assert_array_equal(decode(canvas.get_diff_image()), pixels)  # the first: whole
    assert canvas.get_diff_image() is None  # nothing drawn since
    pixels[5, 7, :3] = (10, 20, 30)
    canvas._png_is_old = True
    frame = decode(canvas.get_diff_image())
    assert canvas.modes == ["full", "diff"] and frame.shape == (6, 8, 4)
    assert frame[5, 7].tolist() == [10, 20, 30, 255] and frame[..., 3].sum() == 255
    canvas._png_is_old = True
    assert decode(canvas.get_diff_image()).shape == (1, 1, 4)  # no change: one blank pixel
    pixels[2, 3, 3] = 128  # see-through: cannot be drawn over the old pixel
    canvas._png_is_old = True
    np.testing.assert_array_equal(decode(canvas.get_diff_image()), pixels)
    assert canvas.modes[-1] == "full"


# Under ipympl: move a panel's controls; after each event, draw the frame the canvas sent over
# the browser's picture the way ipympl's browser side does (full: replace; diff: draw the image
# at the top-left corner, its transparent pixels leaving the old ones), and compare the picture
# with the kernel's canvas.
IPYMPL_FRAMES = """
import numpy as np, matplotlib
matplotlib.use("module://ipympl.backend_nbagg")
from io import BytesIO
from PIL import Image
from matplotlib.backends.backend_webagg_core import FigureCanvasWebAggCore
import optimlab as ol
panel = ol.widgets.{cls}()
canvas = panel.fig.canvas
sent = []
canvas.send = lambda content, buffers=None: buffers and sent.append(bytes(buffers[0]))
for msg in ({{"type": "initialized"}}, {{"type": "send_image_mode"}}, {{"type": "refresh"}}):
    canvas._handle_message(canvas, msg, [])
canvas.draw()
screen = None
def show(png, mode):
    global screen
    img = np.asarray(Image.open(BytesIO(png)).convert("RGBA"))
    if screen is None or mode == "full":
        screen = img.copy()
    else:
        h, w = img.shape[:2]
        seen = img[..., 3] > 0
        screen[:h, :w][seen] = img[seen]
show(sent[-1], "full")
control = panel.controls["{control}"]
values = [v for _, v in control.options] if hasattr(control, "options") else None
sizes, ok = [], True
for k in range(12):
    n = len(sent)
    if values:
        control.value = values[(values.index(control.value) + 7) % len(values)]
    else:
        span = control.max - control.min + 1
        control.value = control.min + (control.value - control.min + 7) % span
    assert len(sent) == n + 1, "one frame per event"
    show(sent[-1], canvas._image_mode)
    kernel = np.asarray(canvas.get_renderer().buffer_rgba())
    ok &= screen.shape == kernel.shape and bool((screen == kernel).all())
    sizes.append(len(sent[-1]))
print(ok, canvas._image_mode, max(sizes))
"""


@pytest.mark.parametrize(
    "cls, control",
    [("SmoothingPanel", "beta"), ("LearningRatePanel", "lr"), ("StallPanel", "size")],
)
def test_under_ipympl_the_browsers_picture_is_the_kernels_after_every_event(cls, control):
    out = subprocess.run(
        [sys.executable, "-c", IPYMPL_FRAMES.format(cls=cls, control=control)],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert out[:2] == ["True", "diff"]
