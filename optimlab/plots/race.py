"""The optimizer race (notebook 09): paths on the contours, loss against step, the inspector.

Every racer's artists (its path, its current point, its loss curve) are made once; a race
shows or hides them, and moving the iteration only changes their data (blitting over the
contours). A new landscape redraws everything once.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D

from ..problems import HIMMELBLAU_MINIMA, LANDSCAPES
from ..race import RACERS, STATE_SHOWN
from .figure import LiveFigure

# each racer's colour, fixed so that a racer keeps it whatever else races
COLORS = {
    "SGD": "0.15",
    "SGDM": "tab:blue",
    "NAG": "#6baed6",
    "Adagrad": "tab:green",
    "RMSprop": "tab:orange",
    "Adadelta": "#b5cf6b",
    "Adam": "tab:red",
    "AMSGrad": "#ff9896",
    "Adamax": "tab:brown",
    "NAdam": "tab:pink",
    "RAdam": "tab:purple",
    "AdamW": "#c5b0d5",
    "SparseAdam": "0.6",
    "Adafactor": "#bcbd22",
    "ASGD": "tab:cyan",
    "Rprop": "#393b79",
    "Lookahead(SGDM)": "#17becf",
    "Lookahead(Adam)": "#843c39",
    "LBFGS": "#31a354",
}
STYLES = {"Lookahead(SGDM)": "--", "Lookahead(Adam)": "--", "SparseAdam": ":", "LBFGS": "-."}

# the part of the plane each landscape is drawn on: (x range, y range)
WINDOWS = {
    "rosenbrock": ((-2.0, 2.0), (-1.0, 3.0)),
    "beale": ((-1.0, 4.5), (-1.5, 2.0)),
    "himmelblau": ((-5.0, 5.0), (-5.0, 5.0)),
    "saddle": ((-1.5, 1.5), (-3.0, 3.0)),
    "rotated bowl": ((-3.0, 3.0), (-3.0, 3.0)),
    "plateau": ((-3.0, 9.0), (-3.0, 4.0)),
    "noisy bowl": ((-3.0, 3.0), (-3.0, 3.0)),
}
GAP_FLOOR = 1e-14  # the log axis's bottom (loss − f_min)


def _num(v: float) -> str:
    """A number in at most 9 characters, with a real minus sign."""
    if not np.isfinite(v):
        return "–"
    if v == 0:  # -0.0 too: "−0" reads as a sign that means something
        return "0"
    text = f"{v:.3g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.2e}"
    return text.replace("e-0", "e-").replace("e+0", "e").replace("-", "−")


class RaceFigure(LiveFigure):
    """Paths on the landscape's contours (left), loss − f_min against step on a log axis
    (middle), the state inspector (right), and the key to every racer's colour in a strip
    across the top, outside the axes. The saddle, whose loss falls without bound, gets a
    symlog axis for f itself.

    Only the racers' lines and the texts are redrawn on an update. Each landscape's static
    picture (contours, axes, ticks) is saved the first time it is drawn, and the other
    landscapes' are drawn in the kernel's idle time after that (``prepare``), so switching
    landscapes blits too."""

    def __init__(self):
        super().__init__((9.0, 3.9))  # with its controls within 600 px (browser test)
        fig = self.fig
        # paths 0.065-0.335 and loss 0.43-0.68 of the width: subplots, so that a narrower
        # column (LiveFigure.set_width) keeps the margins and the gap and narrows the axes
        self.ax_path, self.ax_loss = fig.subplots(1, 2, width_ratios=[0.27, 0.25])
        fig.subplots_adjust(left=0.065, right=0.68, bottom=0.12, top=0.72, wspace=0.095 / 0.26)
        self.ax_path.set_xlabel("x")
        self.ax_path.set_ylabel("y", labelpad=1)
        self.ax_loss.set_xlabel("step t")
        self.ax_loss.grid(alpha=0.3)
        self.ax_path.set_title("paths (■ start, ★ minimum)", fontsize=10, pad=4)
        self.paths, self.heads, self.curves = {}, {}, {}
        for name in RACERS:
            style = dict(color=COLORS[name], ls=STYLES.get(name, "-"), lw=1.3, label=name)
            self.paths[name] = self.ax_path.plot([], [], **style)[0]
            self.heads[name] = self.ax_path.plot([], [], "o", color=COLORS[name], ms=5)[0]
            self.curves[name] = self.ax_loss.plot([], [], **style)[0]
        self.cursor = self.ax_loss.axvline(0, color="0.4", lw=0.8, ls=":")
        self.dynamic(*self.paths.values(), *self.heads.values(), *self.curves.values())
        self.dynamic(self.cursor)
        self.header = self.dynamic(
            fig.text(0.715, 0.74, "", fontsize=10, va="top", ha="left", linespacing=1.35)
        )
        self.readout = self.dynamic(
            fig.text(0.715, 0.51, "", fontsize=10, va="top", ha="left", family="monospace",
                     linespacing=1.3)
        )  # fmt: skip
        fig.text(0.715, 0.155, "Δ = x_t − x_t−1; −Δ/g: the\nlr each coordinate got", fontsize=10,
                 va="top", ha="left", family="monospace", linespacing=1.3)  # fmt: skip
        # the key to every racer's colour, in a strip above the axes: drawn once (static), so
        # a change of the race never redraws it
        handles = [
            Line2D([], [], color=COLORS[n], ls=STYLES.get(n, "-"), lw=1.8, label=n) for n in RACERS
        ]
        self.legend = fig.legend(
            handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.995), ncol=6,
            fontsize=10, frameon=False, handlelength=1.6, columnspacing=1.0, labelspacing=0.2,
            borderaxespad=0.1, handletextpad=0.4,
        )  # fmt: skip
        self._scenery: dict = {}  # landscape -> its contours, markers and tolerance line
        self._backgrounds: dict = {}  # (landscape, canvas size, dpi) -> saved background
        self._landscape = None
        self._preparing = False

    # -- pieces redone only when the landscape or the selection changes ---------------------

    def _scene(self, landscape: str) -> list:
        """The landscape's static artists (made the first time it is shown)."""
        if landscape in self._scenery:
            return self._scenery[landscape]
        scape = LANDSCAPES[landscape]
        problem = scape.make()
        f_min, ax = scape.f_min, self.ax_path
        (x0, x1), (y0, y1) = WINDOWS[landscape]
        gx, gy = np.meshgrid(np.linspace(x0, x1, 160), np.linspace(y0, y1, 160))
        f = problem.f(np.stack([gx, gy], axis=-1))
        if landscape == "saddle":
            levels = np.linspace(f.min(), f.max(), 15)
        else:
            gap = f - f_min
            lo = max(float(np.percentile(gap, 1)), 1e-3 * float(gap.max()), 1e-12)
            levels = f_min + np.geomspace(lo, float(gap.max()), 14)
        scene = [ax.contour(gx, gy, f, levels=levels, colors="0.78", linewidths=0.7)]
        scene += ax.plot(*scape.start, "ks", ms=6, zorder=5)
        if problem.minimum is not None:
            minima = HIMMELBLAU_MINIMA if landscape == "himmelblau" else (problem.minimum,)
            mx, my = np.array(minima).T
            scene += ax.plot(mx, my, "*", color="gold", mec="k", ms=11, zorder=5)
        scene.append(self.ax_loss.axhline(f_min + scape.tol, color="k", lw=0.8, ls="--"))
        self._scenery[landscape] = scene
        return scene

    def _configure(self, landscape: str) -> None:
        """Show ``landscape``'s scenery, limits, scales and titles (the static picture)."""
        for scene in self._scenery.values():
            for a in scene:
                a.set_visible(False)
        for a in self._scene(landscape):
            a.set_visible(True)
        scape = LANDSCAPES[landscape]
        (x0, x1), (y0, y1) = WINDOWS[landscape]
        self.ax_path.set_xlim(x0, x1)
        self.ax_path.set_ylim(y0, y1)
        loss = self.ax_loss
        loss.set_xlim(0, scape.steps)
        if landscape == "saddle":
            loss.set_yscale("symlog", linthresh=1.0)
            loss.set_ylim(-1e6, 10)
            loss.set_title("loss f; escape: f ≤ −1", fontsize=10, pad=4)
        else:
            loss.set_yscale("log")
            start_gap = float(scape.make().f(np.asarray(scape.start)) - scape.f_min)
            loss.set_ylim(GAP_FLOOR, start_gap * 1e3)
            loss.set_title(f"loss − min; target {scape.tol:g}", fontsize=10, pad=4)
        self._landscape = landscape
        # the background saved for this landscape at this size, if any: else a full draw
        self._background = self._backgrounds.get(self._key())

    def _key(self, landscape=None):
        landscape = self._landscape if landscape is None else landscape
        return (landscape, tuple(np.round(self.fig.bbox.bounds, 3)), self.fig.dpi)

    def _on_full_draw(self, event):
        super()._on_full_draw(event)
        if not self._saving and self._background is not None:
            self._backgrounds[self._key()] = self._background
            if not self._preparing:
                self._prepare_later()

    def _forget(self) -> None:
        super()._forget()
        self._backgrounds.clear()
        self._scenery.clear()

    def unprepared(self) -> list:
        """The landscapes whose static picture is not saved at the current canvas size."""
        current = self._landscape
        return [s for s in LANDSCAPES if s != current and self._key(s) not in self._backgrounds]

    def prepare(self, landscapes=None) -> None:
        """Draw the static picture of ``landscapes`` (default: every one not yet saved at this
        canvas size) and keep it, so that switching to them only blits. Nothing is sent to
        the browser: the canvas's buffer is drawn into, then the current picture is put back
        (``blit`` and ``draw`` are what send frames). Ends on the landscape it started with."""
        current = self._landscape
        canvas = self.fig.canvas
        # Agg's own draw: ipympl's canvas.draw would also send the picture to the browser
        draw = FigureCanvasAgg.draw if isinstance(canvas, FigureCanvasAgg) else type(canvas).draw
        self._preparing = True
        try:
            for name in self.unprepared() if landscapes is None else landscapes:
                self._configure(name)
                if self._background is None:
                    draw(canvas)  # its draw_event saves the background
        finally:
            self._preparing = False
        if current is not None:
            self._configure(current)
            if self._background is not None:  # the buffer as the browser last saw it
                canvas.restore_region(self._background)
                self._draw_dynamic()

    def _prepare_later(self, interval_ms: int = 400) -> None:
        """After a full draw (the first, or at a new width), prepare the other landscapes in
        the kernel's idle time, one per timer tick (a third of a second each; ``when_idle``),
        instead of all at once when the panel is made: the width the browser gives the panel
        is not known then, and a resize makes every saved picture useless. Without an event
        loop (tests, scripts) the timer never fires: call ``prepare`` to have them all."""
        if not self.unprepared():
            return

        def next_job():
            todo = self.unprepared()
            return (lambda: self.prepare(todo[:1])) if todo else None

        self.when_idle("prepare", next_job, interval_ms)

    # -- every update ----------------------------------------------------------------------

    def show(self, view) -> None:
        """Draw a ``race.RaceView``."""
        if view.landscape != self._landscape:
            self._configure(view.landscape)
        t = view.t
        for name in RACERS:
            on = name in view.x
            for a in (self.paths[name], self.heads[name], self.curves[name]):
                a.set_visible(on)
            if not on:
                continue
            x, gap = view.x[name][: t + 1], view.gap[name][: t + 1]
            self.paths[name].set_data(x[:, 0], x[:, 1])
            self.heads[name].set_data(x[-1:, 0], x[-1:, 1])
            big = name == view.inspected
            self.heads[name].set_markersize(9 if big else 5)
            self.heads[name].set_markeredgecolor("k" if big else COLORS[name])
            steps = np.arange(t + 1)
            if view.landscape == "saddle":
                self.curves[name].set_data(steps, gap + view.f_min)
            else:
                self.curves[name].set_data(steps, np.where(gap > 0, gap, np.nan))
        self.cursor.set_xdata([t, t])
        self.header.set_text(self._header(view))
        self.readout.set_text(self._readout(view))

    def _header(self, view) -> str:
        lines = [f"{view.landscape}, {t_of(view)}", f"lr = {view.multiple:g} × tuned"]
        if not view.names:
            lines.append("tick an optimizer to race")
        for name in view.left_out:
            lines.append(f"{name}: no race here (noise)")
        if "LBFGS" in view.names:
            lines.append("L-BFGS: t counts evaluations")
        return "\n".join(lines)

    def _readout(self, view) -> str:
        i, name = view.inspection, view.inspected
        if i is None:
            return f"{name}: no race here"
        rows = [f"{name}, lr {_num(i.lr)}", f"{'':<7}{'x':>8} {'y':>8}"]

        def row(label, v):
            rows.append(f"{label:<7}{_num(v[0]):>8} {_num(v[1]):>8}")

        row("g", i.grad)
        for label, _key in STATE_SHOWN[name]:
            short = label.split(":")[0]
            row({"step size": "size", "slow weights": "slow"}.get(short, short), i.state[label])
        row("Δ", i.move)
        row("−Δ/g", i.rate)
        return "\n".join(rows)


def t_of(view) -> str:
    return f"t = {view.t:,} / {view.steps:,}"
