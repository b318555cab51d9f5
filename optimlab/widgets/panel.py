"""A panel: controls above a figure that they update in place."""

from __future__ import annotations

import base64

import ipywidgets as w
import matplotlib.pyplot as plt


class Panel:
    """Controls wired to one figure.

    ``controls`` maps a name to each control (a test sets ``panel.controls["lr"].value``),
    ``figure`` is the :class:`optimlab.plots.figure.LiveFigure` they update and ``fig`` its
    matplotlib figure. Displaying a panel shows the live widget in a running notebook and,
    where no kernel runs (GitHub, nbviewer, a static HTML export), a PNG of the figure as it was
    when displayed.

    A subclass says how to build its figure (``new_figure``) and how to show the controls'
    current values on a figure (``show``); every change of a control calls ``show`` on the live
    figure and redraws what changed.
    """

    def __init__(self, controls: dict, rows: list):
        self.figure = self.new_figure()
        self.fig = self.figure.fig
        self.controls = controls
        children = list(rows)
        if isinstance(self.fig.canvas, w.DOMWidget):  # ipympl: the canvas itself is a widget
            children.append(self.fig.canvas)
        self.widget = w.VBox(children)
        for control in controls.values():
            if hasattr(control, "value") and not isinstance(control, w.Play):
                control.observe(self.update, names="value")
        self.update()

    def new_figure(self):
        raise NotImplementedError

    def show(self, figure, fresh: bool = False) -> None:
        """Put the numbers for the controls' current values on ``figure``; ``fresh``: recompute
        everything, as a new figure would (no cached run)."""
        raise NotImplementedError

    def value(self, name: str):
        return self.controls[name].value

    def update(self, change=None) -> None:
        self.show(self.figure)
        self.figure.redraw()

    def render_from_scratch(self) -> bytes:
        """The same picture built the slow way, as ``interact`` with the inline backend does on
        every event: a new figure, everything recomputed, rendered to PNG (the benchmark's
        reference)."""
        figure = self.new_figure()
        self.show(figure, fresh=True)
        png = figure.png()
        plt.close(figure.fig)
        return png

    def _repr_mimebundle_(self, include=None, exclude=None):
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
