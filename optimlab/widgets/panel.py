"""A panel: controls above a figure that they update in place."""

from __future__ import annotations

import base64
import logging
import weakref

import ipywidgets as w

from .column import ColumnWidth
from .controls import defer

FIT_MARGIN_PX = 10  # ipympl's margins around the canvas (2 x 2 px + 2 x 2 px), and 2 px to spare


class Panel:
    """Controls wired to one figure.

    ``controls`` maps a name to each control (a test sets ``panel.controls["lr"].value``),
    ``figure`` is the :class:`optimlab.plots.figure.LiveFigure` they update and ``fig`` its
    matplotlib figure. Displaying a panel shows the live widget in a running notebook and,
    where no kernel runs (GitHub, nbviewer, a static HTML export), a PNG of the figure as it was
    when displayed.

    The contract: a subclass says how to build its figure (``new_figure``) and how to turn its
    controls' current values into one result (``compute``: numbers from ``optimlab.experiments``);
    every change of a control draws that result on the live figure (``figure.show(result)``,
    titles and notes included) and redraws what changed.

    A panel owns its figure and widgets: ``close()`` (or leaving a ``with`` block) releases
    them, and so does garbage collection of a panel that is neither referenced nor displayed
    (the controls hold the panel only weakly; a displayed panel lives as long as its widget).
    """

    def __init__(self, controls: dict, rows: list, owned=()):
        self.figure = self.new_figure()
        self.fig = self.figure.fig
        self.controls = controls
        children = list(rows)
        canvas = self.fig.canvas
        # under ipympl the canvas itself is a widget, and below it the browser reports the
        # column's width, which the figure takes (``fit``)
        self.column = ColumnWidth()
        if isinstance(canvas, w.DOMWidget):
            children += [canvas, self.column]
        self.widget = w.VBox(children)
        update = weakref.WeakMethod(self.update)
        fit = weakref.WeakMethod(self.fit)

        lock = self.figure.lock  # events may come on another thread than timers (LiveFigure)

        def on_change(change):
            method = update()
            if method is not None:
                with lock:
                    method(change)

        def on_width(change):
            method = fit()
            if method is not None:
                with lock:
                    method(change["new"])

        for control in controls.values():
            if hasattr(control, "value") and not isinstance(control, w.Play):
                control.observe(on_change, names="value")
        self.column.observe(on_width, names="width")
        widgets = [self.widget, *_tree(self.widget), *controls.values(), self.column, *owned]
        self._release = weakref.finalize(self, _release, self.figure, widgets)
        self.update()

    def new_figure(self):
        raise NotImplementedError

    def compute(self):
        """The result for the controls' current values (what ``figure.show`` draws)."""
        raise NotImplementedError

    def value(self, name: str):
        return self.controls[name].value

    def update(self, change=None) -> None:
        if change is not None and defer(self.update):  # a preset: once, after all its controls
            return
        with self.figure.lock:
            self.figure.show(self.compute())
            self.figure.redraw()

    def set_width(self, px) -> int:
        """Make the figure ``px`` screen pixels wide (at most its design width) and redraw it
        whole; below the narrowest width its texts fit in, a ValueError naming the width."""
        with self.figure.lock:
            width = self.figure.set_width(px)
            self.figure.redraw()
        return width

    def fit(self, px) -> None:
        """Take the width the browser reports for the panel's column (clamped to what the
        figure can draw in); never raises, so resizing a window cannot break the kernel."""
        try:
            before = self.figure.width
            if self.figure.fit(float(px) - FIT_MARGIN_PX) not in (None, before):
                self.figure.redraw()
        except Exception:  # noqa: BLE001  (see LiveFigure.fit)
            logging.getLogger(__name__).exception("optimlab: could not fit the panel to %r", px)

    def close(self) -> None:
        """Release the figure and close the widgets (idempotent)."""
        self._release()

    @property
    def closed(self) -> bool:
        return not self._release.alive

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def render_from_scratch(self) -> bytes:
        """The same picture built the slow way, as ``interact`` with the inline backend does on
        every event: a new figure, the result computed, rendered to PNG (the benchmark's
        reference)."""
        figure = self.new_figure()
        try:
            with self.figure.lock:  # compute() may fill the panel's caches
                result = self.compute()
            figure.show(result)
            return figure.png()
        finally:
            figure.close()

    def _repr_mimebundle_(self, include=None, exclude=None):
        if self.closed:
            return {"text/plain": repr(self) + " (closed)"}
        self.widget._optimlab_panel = self  # on screen: live as long as the widget
        data = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        data["image/png"] = base64.b64encode(self.figure.png()).decode("ascii")
        data["text/plain"] = repr(self)
        return data

    def __repr__(self) -> str:
        values = ", ".join(
            f"{name}={c.value!r}"
            for name, c in self.controls.items()
            if hasattr(c, "value") and not isinstance(c, w.Play)
        )
        return f"{type(self).__name__}({values})"


def _tree(widget):
    for child in getattr(widget, "children", ()):
        yield child
        yield from _tree(child)


def _release(figure, widgets) -> None:
    figure.close()
    for widget in widgets:
        widget.close()
