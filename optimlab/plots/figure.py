"""Figures that a slider can update cheaply."""

from __future__ import annotations

import io
import math
import threading
import time
import weakref
from collections import OrderedDict

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from .frames import send_small_frames
from .glyphs import keep_glyphs
from .style import BASE_DPI, dpi

QUIET_S = 1.0  # idle work (``LiveFigure.when_idle``) waits this long after the last redraw
FRAMES_KEPT = 6  # frame images kept per dynamic axes, for limits a slider comes back to
IMAGES_KEPT = 8  # images kept per artist drawn alone (``LiveFigure.dynamic``)
MISSES_BEFORE_WHOLE = 3  # new frames in a row after which an axes is drawn whole (see below)
CLOSE_WAIT_S = 5.0  # close() waits at most this long for work in progress on another thread


def new_figure(figsize: tuple[float, float], **adjust) -> plt.Figure:
    """A figure of fixed layout.

    With ipympl (``%matplotlib widget``) the figure is not displayed on creation (a panel shows it
    next to its controls) and its toolbar, header and footer are hidden, so a projected notebook
    shows the plot alone. Margins are fixed with ``adjust`` (``subplots_adjust`` keywords) instead
    of a layout engine: a layout engine would run again on every redraw of a slider.

    The figure has the current backend's canvas but is not registered with pyplot (no figure
    number, no "more than 20 figures" warning): its owner closes it (``LiveFigure.close``), or
    garbage collection frees it. It is drawn at ``style.dpi()`` (projector mode enlarges it).
    """
    with plt.ioff():
        manager = plt.new_figure_manager(0, figsize=figsize, dpi=dpi())
    fig = manager.canvas.figure
    canvas = fig.canvas
    keep_glyphs(canvas)
    for flag in ("toolbar_visible", "header_visible", "footer_visible", "resizable"):
        if hasattr(canvas, flag):
            setattr(canvas, flag, False)
    if hasattr(canvas, "syncing_data_url"):
        # ipympl (0.10) stores a frame drawn before the canvas is shown as bare base64 in the
        # synced ``_data_url``; the browser then loads it as a URL, the image is broken, and the
        # canvas stays 0 x 0 px. Panels keep their own static PNG, so switch that sync off.
        canvas.syncing_data_url = False
    if hasattr(canvas, "set_image_mode") and hasattr(canvas, "_image_mode"):
        _draw_frames_over(canvas)
        send_small_frames(canvas)
    # pyplot redraws a figure whenever one of its artists changes (interactive mode). Panels
    # redraw explicitly (LiveFigure.redraw), and an automatic full draw on top of that would
    # undo the blitting, or loop: drawing the changing artists marks their axes changed again.
    fig.stale_callback = None
    fig.subplots_adjust(**adjust)
    return fig


def _hold_for_events(canvas, lock) -> None:
    """Under ipympl (or any web canvas), handle the browser's requests to the canvas (draw,
    resize, refresh, image mode) while holding ``lock``: they may come on another thread than
    the figure's other work (see ``LiveFigure``)."""
    handle = getattr(canvas, "handle_event", None)
    if handle is None or not hasattr(canvas, "get_diff_image"):
        return

    def handle_event(event):
        with lock:
            return handle(event)

    canvas.handle_event = handle_event


def _draw_frames_over(canvas) -> None:
    """Under ipympl, have the browser draw every frame over the last one, never clearing first.

    ipympl tells the browser whether a frame is whole ("full": clear, then draw) or only the
    changed pixels ("diff": draw over) through a synced trait, and sends the frame itself as a
    message; the browser may apply the trait after drawing the frame. A first diff frame after
    a full one (the first key press after a resize) was then drawn on a cleared canvas, which
    stayed blank but for the changed pixels. An opaque figure's full frame covers every pixel,
    so drawing it over the last one is the same picture: keep the browser in "diff" mode.
    """
    set_mode = canvas.set_image_mode

    def set_image_mode(mode):
        opaque = canvas.figure.patch.get_alpha() in (None, 1.0)
        set_mode("diff" if opaque else mode)

    canvas.set_image_mode = set_image_mode


class LiveFigure:
    """A figure built once, whose changing parts are redrawn alone.

    Subclasses build the figure in ``__init__`` and register what a slider changes with
    ``dynamic`` (whole axes whose limits move, or single artists on a fixed axes). ``redraw``
    then repaints only those on top of a saved image of the rest (matplotlib's blitting): the
    static axes, their ticks and labels are not drawn again on every event. Any full draw (the
    first one, a resize, a change of screen resolution under ipympl) saves a fresh background.

    ``lock`` makes the work on the figure one thread at a time. In a kernel, ipywidgets may
    deliver the controls' and the canvas's messages on a thread of their own (a kernel subshell,
    as JupyterLab 4 does), while a timer fires on the thread that started it (``when_idle``,
    the whole-frame resends): without it, a timer's drawing and a key press's blit ran at once
    on one canvas (slower, and a frame could mix both). Panels hold it for each update; the
    canvas's own event handling (ipympl's draw, resize and refresh requests) holds it too.
    """

    #: the narrowest figure, in design pixels (inches x BASE_DPI), whose texts still fit without
    #: overlapping (tests/test_panels_layout.py checks every registered panel at this width,
    #: tests/test_panels_blit.py at its design width); a figure that needs more room sets its own
    min_width = 800

    def __init__(self, figsize, **adjust):
        self.fig = new_figure(figsize, **adjust)
        self._dynamic: list = []
        self._background = None
        self._saving = False
        self._design = None  # the layout at the design width, saved by the first set_width
        self._frames: dict = {}  # dynamic axes -> (key, image of its frame, its box) in force
        self._kept: dict = {}  # dynamic axes -> {key: (image, box)}, the FRAMES_KEPT last used
        self._alone: dict = {}  # dynamic artist drawn alone -> its key function (``dynamic``)
        self._images: dict = {}  # such an artist -> {key: its image}, the IMAGES_KEPT last used
        self._cache_frames = True
        self._misses: dict = {}  # dynamic axes -> updates in a row that changed its frame
        self._last_redraw = 0.0  # time.monotonic() of the last redraw (see when_idle)
        self._idle: dict = {}  # name -> the timer doing that idle work
        self._idle_jobs: dict = {}  # name -> its next_job (see when_idle, run_idle_work)
        self.lock = threading.RLock()
        self.fig.canvas.mpl_connect("draw_event", self._on_full_draw)
        _hold_for_events(self.fig.canvas, self.lock)

    # -- width -------------------------------------------------------------------------------

    def _px_per_inch(self) -> float:
        """Screen (CSS) pixels per inch: the figure's dpi before ipympl's device-pixel ratio
        (projector mode included)."""
        return float(getattr(self.fig, "_original_dpi", self.fig.dpi))

    @property
    def scale(self) -> float:
        return self._px_per_inch() / BASE_DPI

    @property
    def max_width(self) -> int:
        """The design width in screen pixels: the figure does not grow beyond it."""
        w = self._design["w"] if self._design else self.fig.get_figwidth()
        return int(round(w * self._px_per_inch()))

    @property
    def min_width_px(self) -> int:
        """The narrowest width in screen pixels (``min_width`` x the projector scale)."""
        return min(int(math.ceil(self.min_width * self.scale)), self.max_width)

    @property
    def width(self) -> int:
        """The current width in screen pixels."""
        return int(round(self.fig.get_figwidth() * self._px_per_inch()))

    def set_width(self, px) -> int:
        """Make the figure ``px`` screen pixels wide (at most its design width), keeping its
        height: margins, the strips reserved for legends and notes and the gaps between axes
        keep their size, the axes take what is left. Returns the width now in force. The next
        redraw is a full one (new background). A width below ``min_width_px`` is a ValueError."""
        if isinstance(px, bool) or not isinstance(px, (int, float, np.integer, np.floating)):
            raise TypeError(f"width must be a number of pixels, got {px!r}")
        if not math.isfinite(px) or px < self.min_width_px:
            raise ValueError(
                f"width must be at least {self.min_width_px} px for {type(self).__name__}, "
                f"got {px!r}"
            )
        px = min(int(px), self.max_width)
        if px == self.width:
            return px
        self._save_design()
        self._send_whole_frame()
        w_in = px / self._px_per_inch()
        self._relayout(w_in)
        self.fig.set_size_inches(w_in, self.fig.get_figheight(), forward=True)
        self._background = None
        self._send_whole_frame_later()
        return self.width

    def _send_whole_frame_later(self, delays_ms=(500, 2000, 5000)) -> None:
        """Under ipympl, send the whole picture again a little after a resize or a column
        report, a few times. The browser resizes (clears) its canvas when its own messages
        about the canvas are handled, which during Run All can be seconds after the first
        frame arrived; without a whole frame after that the canvas showed only the pixels the
        next blits changed, or nothing (seen in the browser tests: a "blank" panel)."""
        canvas = self.fig.canvas
        if not hasattr(canvas, "_force_full"):  # not ipympl: nothing is sent anywhere
            return
        self._resend_timers = []
        for ms in delays_ms:
            timer = canvas.new_timer(interval=ms)
            timer.single_shot = True
            timer.add_callback(self._send_whole_frame)
            timer.start()
            self._resend_timers.append(timer)  # keep them alive until they fire

    def _send_whole_frame(self) -> None:
        """Under ipympl, send the browser the whole current picture (not the changed pixels)
        before a resize: on a resize the browser clears its canvas and redraws the last frame
        it received, and if that was a diff, the canvas showed only its changed pixels."""
        canvas = self.fig.canvas
        manager = getattr(canvas, "manager", None)
        with self.lock:
            if hasattr(canvas, "_force_full") and manager is not None and self._background:
                canvas._force_full = True
                canvas._png_is_old = True
                manager.refresh_all()

    def fit(self, px) -> int | None:
        """``set_width`` clamped to [min_width_px, max_width], for widths reported by the
        browser; never raises (a bad report leaves the figure as it is). Returns the width
        in force, or None if nothing was done."""
        try:
            px = float(px)
            if not math.isfinite(px) or px <= 0:
                return None
            width = self.set_width(max(px, self.min_width_px))
            # the report comes when the panel is first shown, or after the browser resized
            # it; either may have cleared the canvas: send the whole picture again
            self._send_whole_frame_later()
            return width
        except Exception:  # noqa: BLE001  (a resize in the browser must never raise here)
            import logging

            logging.getLogger(__name__).exception("optimlab: could not fit the figure to %r", px)
            return None

    def _save_design(self):
        if self._design is not None:
            return
        fig = self.fig
        sp = fig.subplotpars
        grids = {
            ax.get_subplotspec().get_gridspec()
            for ax in fig.axes
            if ax.get_subplotspec() is not None
        }
        ncols = max((g.ncols for g in grids), default=1)
        to_fig = fig.transFigure.inverted()
        self._design = {
            "w": fig.get_figwidth(),
            "left": sp.left,
            "right": sp.right,
            "wspace": sp.wspace,
            "ncols": ncols,
            "texts": [(t, t.get_position()[0]) for t in fig.texts],
            "legends": [
                (leg, leg.get_bbox_to_anchor().transformed(to_fig).bounds) for leg in fig.legends
            ],
        }

    def _relayout(self, w_in: float) -> None:
        d = self._design
        k = d["w"] / w_in  # > 1 when narrower than designed

        def fixed(x):
            """A figure-fraction x keeping its distance in inches from its nearer edge."""
            if abs(x - 0.5) < 1e-9:
                return x
            return x * k if x < 0.5 else 1 - (1 - x) * k

        left, right = d["left"] * k, 1 - (1 - d["right"]) * k
        wspace = d["wspace"]
        n = d["ncols"]
        if n > 1:  # the gaps between axes keep their width in inches
            axw0 = d["w"] * (d["right"] - d["left"]) / (n + (n - 1) * d["wspace"])
            gap = d["wspace"] * axw0
            axw = (w_in * (right - left) - (n - 1) * gap) / n
            wspace = gap / axw
        self.fig.subplots_adjust(left=left, right=right, wspace=wspace)
        for text, x in d["texts"]:
            text.set_x(fixed(x))
        for leg, (x, y, bw, bh) in d["legends"]:  # each edge keeps its distance in inches
            x0, x1 = fixed(x), fixed(x + bw)  # from its nearer edge (the figure's own: 0, 1)
            leg.set_bbox_to_anchor((x0, y, x1 - x0, bh), transform=self.fig.transFigure)

    def dynamic(self, *artists, alone=None):
        """Mark ``artists`` as redrawn on every update; returns the first.

        ``alone``: for artists that nothing else is ever drawn over or under but the static
        background (a legend in a strip of its own), a function of the artist giving a key for
        what it shows. The image of each is kept for its last ``IMAGES_KEPT`` keys, and a key
        seen lately (a slider moved back) is put back instead of drawn: a legend's layout is
        slow to compute."""
        for a in artists:
            a.set_animated(True)
            self._dynamic.append(a)
            if alone is not None:
                self._alone[a] = alone
        return artists[0]

    def _on_full_draw(self, event):
        if self._saving:  # savefig draws everything: no background to keep from that
            return
        canvas = self.fig.canvas
        self._background = canvas.copy_from_bbox(self.fig.bbox)
        self._frames.clear()  # the size or the resolution may have changed
        self._kept.clear()
        self._images.clear()
        self._draw_dynamic()

    def _draw_dynamic(self):
        frames = self._frames_for_dynamic_axes()
        renderer = self.fig.canvas.get_renderer() if frames else None
        for a in self._dynamic:
            frame = frames.get(a)
            if a in self._alone:
                self._draw_alone(a)
            elif frame is None:
                self.fig.draw_artist(a)
            else:  # its frame as it was, then what is drawn on it, in z-order
                self.fig.canvas.restore_region(frame[1])
                for child in sorted(_over_frame(a), key=lambda c: c.get_zorder()):
                    child.draw(renderer)
        # drawing them marks their axes, hence the figure, as changed; what is on the canvas
        # is current, so say so: otherwise pyplot draws all "stale" figures after every
        # message from the browser, and each of those draws would stale the figure again
        self.fig.stale = False

    def _draw_alone(self, artist) -> None:
        """Draw an artist marked ``alone``, or put back its image for the same key."""
        canvas = self.fig.canvas
        key = self._alone[artist](artist)
        kept = self._images.setdefault(artist, OrderedDict())
        if _recall(kept, key) is not None:
            canvas.restore_region(kept[key])
            return
        self.fig.draw_artist(artist)
        box = artist.get_window_extent(canvas.get_renderer()).padded(2)
        _remember(kept, key, canvas.copy_from_bbox(box), IMAGES_KEPT)

    def _frames_for_dynamic_axes(self) -> dict:
        """For each dynamic axes, an image of its frame (background, grid, ticks, tick labels,
        axis labels, titles) at its current limits, ticks and labels: drawn once and kept
        while those stay the same, so an update that moves only the data does not draw the
        frame's texts again (most of an axes' drawing time). {} when there is nothing to keep
        (no dynamic axes, or the frames of two of them overlap)."""
        # an axes that needed a new frame on MISSES_BEFORE_WHOLE updates in a row (its limits
        # follow the data) is drawn whole: keeping its frames would only cost time
        axes = [
            a for a in self._dynamic
            if isinstance(a, Axes) and self._misses.get(a, 0) < MISSES_BEFORE_WHOLE
        ]  # fmt: skip
        if not axes or not self._cache_frames:
            return {}
        canvas = self.fig.canvas
        keys = {ax: self._frame_key(ax) for ax in axes}
        stale = []
        for ax in axes:
            kept = self._kept.setdefault(ax, OrderedDict())
            seen = _recall(kept, keys[ax])  # limits seen lately (a slider moved back)
            if seen is not None:
                self._frames[ax] = (keys[ax], *seen)
                self._misses[ax] = 0
            else:
                stale.append(ax)
                self._misses[ax] = self._misses.get(ax, 0) + 1 if kept else 0
        if stale:
            renderer = canvas.get_renderer()
            for ax in stale:
                children = [c for c in _over_frame(ax) if c.get_visible()]
                for c in children:
                    c.set_visible(False)
                try:
                    self.fig.draw_artist(ax)
                finally:
                    for c in children:
                        c.set_visible(True)
                box = ax.get_tightbbox(renderer, bbox_extra_artists=[]).padded(2)
                self._frames[ax] = (keys[ax], canvas.copy_from_bbox(box), box)
                _remember(self._kept[ax], keys[ax], self._frames[ax][1:], FRAMES_KEPT)
            canvas.restore_region(self._background)  # the frames were drawn on it
            boxes = [self._frames[ax][2] for ax in axes]
            if any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]):
                self._cache_frames = False  # restoring one would cover part of another
                self._frames.clear()
                self._kept.clear()
                return {}
        return {ax: self._frames[ax] for ax in axes}

    def _frame_key(self, ax):
        """What an axes' frame image depends on."""
        return (
            ax.get_xlim(),
            ax.get_ylim(),
            ax.get_xscale(),
            ax.get_yscale(),
            tuple(ax.get_xticks()),
            tuple(ax.get_yticks()),
            ax.get_xlabel(),
            ax.get_ylabel(),
            tuple(t.get_text() for t in (ax.title, ax._left_title, ax._right_title)),
            ax.get_position().bounds,
            self.fig.bbox.bounds,
        )

    def when_idle(self, name: str, next_job, interval_ms: int) -> None:
        """Do work in the kernel's idle time: on each timer tick, unless the figure was redrawn
        less than ``QUIET_S`` ago (someone is moving a control: a tick would delay them), call
        ``next_job()`` and run the job it returns; stop when it returns None or the figure is
        closed. Work under the same ``name`` replaces what was scheduled before. Without an
        event loop (tests, scripts) the timer never fires: nothing runs."""
        old = self._idle.pop(name, None)
        if old is not None:
            old.stop()
        self._idle_jobs[name] = next_job
        timer = self.fig.canvas.new_timer(interval=interval_ms)
        me = weakref.ref(self)  # a running timer must not keep a dropped figure alive

        def tick():
            figure = me()
            if figure is None:
                timer.stop()
                return
            with figure.lock:
                # checked under the lock: close() or new work under this name may have come
                # while this tick waited for it
                if figure._idle.get(name) is not timer:
                    timer.stop()
                    return
                if time.monotonic() - figure._last_redraw < QUIET_S:
                    return
                job = next_job()
                if job is None:
                    timer.stop()
                    del figure._idle[name]
                    figure._idle_jobs.pop(name, None)
                    return
                job()

        timer.add_callback(tick)
        self._idle[name] = timer
        timer.start()

    def run_idle_work(self) -> None:
        """Do now all the work scheduled with ``when_idle``, as a kernel would in its idle
        time: for scripts and benchmarks, which have no event loop to fire the timers."""
        with self.lock:
            while self._idle_jobs:
                name, next_job = next(iter(self._idle_jobs.items()))
                while (job := next_job()) is not None:
                    job()
                self._idle_jobs.pop(name, None)
                timer = self._idle.pop(name, None)
                if timer is not None:
                    timer.stop()

    def close(self) -> None:
        """Release the canvas (under ipympl, close its widget) and forget the artists. Waits
        for work in progress on another thread (an idle job, an update), but not for long:
        garbage collection closes figures too."""
        locked = self.lock.acquire(timeout=CLOSE_WAIT_S)
        try:
            for timer in self._idle.values():
                timer.stop()
            self._idle.clear()
            self._idle_jobs.clear()
            canvas = self.fig.canvas
            if hasattr(canvas, "close"):  # ipympl: the canvas is a widget, and so is its
                toolbar = getattr(canvas, "toolbar", None)  # toolbar, which holds the canvas:
                if hasattr(toolbar, "close"):  # an open toolbar kept the whole figure alive
                    toolbar.close()
                canvas.close()
            plt.close(self.fig)  # in case it was registered with pyplot after all
            self._forget()
        finally:
            if locked:
                self.lock.release()

    def _forget(self) -> None:
        """Drop what the figure keeps for redrawing (on close)."""
        self._dynamic.clear()
        self._frames.clear()
        self._kept.clear()
        self._images.clear()
        self._alone.clear()
        self._background = None

    def forget(self, artist) -> None:
        """Stop redrawing ``artist`` (before removing it from the figure)."""
        self._dynamic.remove(artist)

    def redraw(self) -> None:
        """Show the current state of the artists: a full draw the first time, then only the
        dynamic artists over the saved background."""
        canvas = self.fig.canvas
        self._last_redraw = time.monotonic()
        if self._background is None:
            canvas.draw()  # its draw_event saves the background; ipympl sends the frame
        else:
            canvas.restore_region(self._background)
            self._draw_dynamic()
            canvas.blit(self.fig.bbox)  # ipympl sends the changed pixels

    def png(self) -> bytes:
        """The whole figure as PNG (the static image a notebook keeps for readers without a
        kernel)."""
        buf = io.BytesIO()
        with self.lock:  # it draws over the canvas's buffer, which a blit sends from
            self._saving = True
            for a in self._dynamic:
                a.set_animated(False)
            try:
                self.fig.savefig(buf, format="png")
            finally:
                for a in self._dynamic:
                    a.set_animated(True)
                self._saving = False
                self._background = None  # savefig drew over the canvas: start afresh
        return buf.getvalue()


def _recall(kept: OrderedDict, key):
    """``kept[key]``, now the most recently used, or None."""
    if key not in kept:
        return None
    kept.move_to_end(key)
    return kept[key]


def _remember(kept: OrderedDict, key, value, limit: int) -> None:
    """Keep ``value`` under ``key``, dropping the least recently used beyond ``limit``."""
    kept[key] = value
    if len(kept) > limit:
        kept.popitem(last=False)


def _over_frame(ax) -> list:
    """What an axes draws besides its frame: the data, notes and legends (and its spines,
    which sit above the data)."""
    frame = {id(a) for a in (ax.patch, ax.xaxis, ax.yaxis, ax.title, ax._left_title,
                             ax._right_title)}  # fmt: skip
    return [c for c in ax.get_children() if id(c) not in frame]


def finite_range(*arrays, floor=None):
    """(lo, hi) over the finite values of ``arrays`` (those above ``floor`` if given), or None."""
    vals = np.concatenate([np.ravel(a) for a in arrays])
    keep = np.isfinite(vals)
    if floor is not None:
        keep &= vals > floor
    vals = vals[keep]
    if vals.size == 0:
        return None
    return float(vals.min()), float(vals.max())


class PNG:
    """A finished static figure, shown in a notebook as a plain PNG image (no widget)."""

    def __init__(self, data: bytes, title: str = ""):
        self.data, self.title = data, title

    def _repr_png_(self) -> bytes:
        return self.data

    def __repr__(self) -> str:
        return f"<figure: {self.title}>" if self.title else "<figure>"


def png(fig, title: str = "") -> PNG:
    """Render ``fig`` once to a PNG for the notebook and close it (a static plot: nothing to
    update, so no live canvas)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return PNG(buf.getvalue(), title)


def envelope(y, bins: int = 1000):
    """(index, value) of a long series reduced to its min and max per bin, in order: a line
    through them looks like the full series at screen resolution (spikes kept) but draws in a
    fraction of the time."""
    y = np.asarray(y, dtype=float)
    n = y.shape[0]
    if n <= 2 * bins:
        return np.arange(n), y
    k = -(-n // bins)  # bin width, rounded up; the last bin is padded with the last value
    blocks = np.concatenate([y, np.full(k * bins - n, y[-1])]).reshape(bins, k)
    start = np.arange(bins) * k
    i_lo = np.minimum(start + blocks.argmin(axis=1), n - 1)
    i_hi = np.minimum(start + blocks.argmax(axis=1), n - 1)
    pairs = np.sort(np.stack([i_lo, i_hi], axis=1), axis=1).ravel()
    return pairs, y[pairs]
