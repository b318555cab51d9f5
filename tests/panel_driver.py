"""Shared helpers for the panel tests: drive every control of every registered panel, and
check a figure's texts.

``states(panel)`` sets the panel to a list of states (each control's extremes and a value
between with the others at their defaults, every preset button, and the corners where all
controls sit at their first or last value) and yields a label for each. By default a control
is sampled, and so is a long row of checkboxes; with OPTIMLAB_EXHAUSTIVE=1 every value of
every control is visited.
"""

from __future__ import annotations

import os

import ipywidgets as w
import numpy as np
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox

import optimlab as ol

EXHAUSTIVE = os.environ.get("OPTIMLAB_EXHAUSTIVE", "") not in ("", "0")
PANELS = ol.widgets.PANELS


def panel_ids(registered):
    return f"{registered.notebook}-{registered.name}"


def driven(panel):
    """The controls a user sets (name -> control); Play only drives its slider."""
    return {
        name: c
        for name, c in panel.controls.items()
        if hasattr(c, "value") and not isinstance(c, w.Play)
    }


def values(control) -> list:
    """Every value a control can take."""
    if isinstance(control, w.Checkbox):
        return [False, True]
    if hasattr(control, "options"):
        return [v for _, v in control.options]
    return list(range(control.min, control.max + 1))


def sample(vals: list, k: int = 5) -> list:
    """The ends and ``k - 2`` values spread between (all of them when exhaustive)."""
    if EXHAUSTIVE or len(vals) <= k:
        return list(vals)
    idx = np.unique(np.linspace(0, len(vals) - 1, k).round().astype(int))
    return [vals[i] for i in idx]


def buttons(panel) -> list:
    found, stack = [], [panel.widget]
    while stack:
        widget = stack.pop()
        if isinstance(widget, w.Button):
            found.append(widget)
        stack.extend(getattr(widget, "children", ()))
    return found


def states(panel, k: int = 5):
    """Put ``panel`` through its states; yields a label for each (the panel is in it)."""
    controls = driven(panel)
    defaults = {name: c.value for name, c in controls.items()}

    def reset():
        for name, c in controls.items():
            if c.value != defaults[name]:
                c.value = defaults[name]

    # a row of many checkboxes (09's nineteen racers): toggle a sample of them (the first,
    # the last, some between; every one when exhaustive); the corners below tick all or none
    boxes = [name for name, c in controls.items() if isinstance(c, w.Checkbox)]
    toggled = set(sample(boxes, k))
    yield "defaults"
    for name, c in controls.items():
        if isinstance(c, w.Checkbox) and name not in toggled:
            continue
        for v in sample(values(c), k):
            c.value = v
            yield f"{name}={v!r}"
        reset()
    for b in buttons(panel):
        b.click()
        yield f"preset {b.description!r}"
        reset()
    for end in (0, -1):
        for c in controls.values():
            c.value = values(c)[end]
        yield f"every control at its {'first' if end == 0 else 'last'} value"
        reset()


# -- texts -----------------------------------------------------------------------------------


def full_draw(figure):
    """Lay out everything, the animated artists included, without rendering pixels. The
    figure's own response to a draw (saving a background, drawing its dynamic artists on the
    canvas) is held off, as during savefig: nothing was rendered to save."""
    animated = [a for a in figure.fig.findobj() if a.get_animated()]
    for a in animated:
        a.set_animated(False)
    figure._saving = True
    try:
        figure.fig.draw_without_rendering()
    finally:
        figure._saving = False
        for a in animated:
            a.set_animated(True)
    return figure.fig.canvas.get_renderer()


def texts(fig, renderer):
    """(description, window extent) of every drawn, non-empty text: titles, labels, notes,
    annotations, the tick labels in view, and each legend as one box."""
    out = []
    legends = [a for a in fig.findobj(Legend) if a.get_visible()]
    in_legend = {id(t) for leg in legends for t in leg.findobj(Text)}
    for leg in legends:
        out.append(
            (f"legend {[t.get_text() for t in leg.get_texts()]}", leg.get_window_extent(renderer))
        )
    ticklabels = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis._update_ticks():  # the ticks in view: those that are drawn
                for label in (tick.label1, tick.label2):
                    if label.get_visible() and label.get_text():
                        ticklabels.add(id(label))
                        out.append(
                            (f"tick {label.get_text()!r}", label.get_window_extent(renderer))
                        )
    for t in fig.findobj(Text):
        if id(t) in in_legend or not t.get_visible() or not t.get_text().strip():
            continue
        if t.axes is not None and (
            t in t.axes.xaxis.get_ticklabels(minor=True)
            or t in t.axes.yaxis.get_ticklabels(minor=True)
        ):
            continue
        if any(
            t is tick.label1 or t is tick.label2
            for ax in fig.axes
            for axis in (ax.xaxis, ax.yaxis)
            for tick in axis.majorTicks + axis.minorTicks
        ):
            continue  # tick labels: counted above, those in view only
        out.append((repr(t.get_text()), t.get_window_extent(renderer)))
    return out


def overlap(a: Bbox, b: Bbox, tol: float = 0.5) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > tol and min(a.y1, b.y1) - max(a.y0, b.y0) > tol


def text_problems(figure, renderer=None) -> list[str]:
    """Texts that overlap another text or leave the canvas (``renderer``: that of a
    ``full_draw`` just done, else one is done)."""
    renderer = renderer or full_draw(figure)
    fig = figure.fig
    canvas = fig.bbox
    found = texts(fig, renderer)
    problems = []
    for name, box in found:
        if (
            box.x0 < canvas.x0 - 0.5
            or box.y0 < canvas.y0 - 0.5
            or box.x1 > canvas.x1 + 0.5
            or box.y1 > canvas.y1 + 0.5
        ):
            problems.append(f"{name} leaves the canvas: {box.bounds} outside {canvas.bounds}")
    for i, (na, a) in enumerate(found):
        for nb, b in found[i + 1 :]:
            if overlap(a, b):
                problems.append(f"{na} overlaps {nb}")
    return problems


def data_under_notes(figure, renderer=None) -> list[str]:
    """Legends and axes notes (texts placed in axes coordinates) that a data line runs
    through (``renderer``: as for ``text_problems``)."""
    renderer = renderer or full_draw(figure)
    fig = figure.fig
    problems = []
    for ax in fig.axes:
        boxes = (
            [(f"legend of {ax.get_title()!r}", ax.get_legend().get_window_extent(renderer))]
            if ax.get_legend()
            else []
        )
        boxes += [
            (repr(t.get_text()), t.get_window_extent(renderer))
            for t in ax.texts
            if t.get_visible() and t.get_text().strip() and t.get_transform() == ax.transAxes
        ]
        if not boxes:
            continue
        for line in ax.lines:
            clip = line.get_clip_box() or ax.get_window_extent(renderer)  # where it is drawn
            if line.get_transform() != ax.transData:
                continue
            xy = np.column_stack(
                [np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)]
            )
            if len(xy) == 0:
                continue
            with np.errstate(invalid="ignore", divide="ignore"):
                pts = ax.transData.transform(xy)
            # points along each segment between finite neighbours
            a, b = pts[:-1], pts[1:]
            ok = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
            u = np.linspace(0, 1, 12)[:, None, None]
            dense = (a[ok] + u * (b[ok] - a[ok])).reshape(-1, 2)
            dense = np.concatenate([dense, pts[np.isfinite(pts).all(axis=1)]])
            inside_axes = (
                (dense[:, 0] >= clip.x0)
                & (dense[:, 0] <= clip.x1)
                & (dense[:, 1] >= clip.y0)
                & (dense[:, 1] <= clip.y1)
            )
            dense = dense[inside_axes]
            for name, box in boxes:
                hit = (
                    (dense[:, 0] > box.x0 + 1)
                    & (dense[:, 0] < box.x1 - 1)
                    & (dense[:, 1] > box.y0 + 1)
                    & (dense[:, 1] < box.y1 - 1)
                )
                if hit.any():
                    problems.append(f"a line ({line.get_label()!r}) runs through {name}")
    return problems
