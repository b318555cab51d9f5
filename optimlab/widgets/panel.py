"""A panel: controls above a figure that they update in place."""

from __future__ import annotations

import base64

import ipywidgets as w


class Panel:
    """Controls wired to one figure.

    ``controls`` maps a name to each control (a test sets ``panel.controls["lr"].value``),
    ``figure`` is the :class:`optimlab.plots.figure.LiveFigure` they update and ``fig`` its
    matplotlib figure. Displaying a panel shows the live widget in a running notebook and,
    where no kernel runs (GitHub, nbviewer, a static HTML export), a PNG of the figure as it was
    when displayed.
    """

    def __init__(self, figure, controls: dict, rows: list):
        self.figure = figure
        self.fig = figure.fig
        self.controls = controls
        canvas = self.fig.canvas
        children = list(rows)
        if isinstance(canvas, w.DOMWidget):  # ipympl: the canvas itself is a widget
            children.append(canvas)
        self.widget = w.VBox(children)

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        data["image/png"] = base64.b64encode(self.figure.png()).decode("ascii")
        data["text/plain"] = repr(self)
        return data

    def __repr__(self) -> str:
        values = ", ".join(
            f"{name}={c.value!r}" for name, c in self.controls.items() if hasattr(c, "value")
        )
        return f"{type(self).__name__}({values})"
