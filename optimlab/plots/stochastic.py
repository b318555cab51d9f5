"""Stochastic gradients: the figure for notebook 06's panel."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from .figure import LiveFigure

SGD_COLOR = "tab:blue"
GD_COLOR = "0.1"
LOSS_VIEW = (1e-4, 1e4)  # f − f* on the right axes (log scale)


class StochasticFigure(LiveFigure):
    """Left: the loss contours of the linear fit (x standardised, so they are circles) with the
    paths of several seeds of SGD, one bold, and full-batch gradient descent (dashed). Right:
    f − f* against the number of examples seen, both on log scales, for the same runs. Both
    axes keep fixed limits; a path that leaves them is cut at the edge, and the title says
    when a run overflows."""

    def __init__(self, problem, x0, window, n_seeds: int = 5, epochs: int = 5):
        super().__init__((9.0, 4.1), left=0.07, right=0.985, bottom=0.25, top=0.8, wspace=0.22)
        self.n_seeds = n_seeds
        ax_path, ax_loss = self.fig.subplots(1, 2, width_ratios=[1.0, 1.75])
        self.ax_path, self.ax_loss = ax_path, ax_loss
        self.title = self.dynamic(self.fig.suptitle("", fontsize=11, y=0.985, va="top"))

        (wl, bl) = window
        w, b = np.meshgrid(np.linspace(*wl, 160), np.linspace(*bl, 160))
        f_min = float(problem.f(np.asarray(problem.minimum, dtype=float)))
        excess = problem.f(np.stack([w, b], axis=-1)) - f_min
        ax_path.contour(
            w, b, excess, levels=[1, 3, 10, 30, 100, 300], colors="0.78",
            linewidths=0.8,
        )  # fmt: skip
        ax_path.plot(*problem.minimum, "*", color="k", ms=11, zorder=6)
        ax_path.plot(*x0, "s", color="k", ms=6, zorder=6)
        ax_path.set_xlim(*wl)
        ax_path.set_ylim(*bl)
        ax_path.set_aspect("equal", adjustable="box")
        ax_path.set_xlabel("slope w")
        ax_path.set_ylabel("intercept b")
        ax_path.set_title("paths on the loss contours", fontsize=11)

        ax_loss.set_xscale("log")
        ax_loss.set_yscale("log")
        ax_loss.set_xlim(0.8, 1.25 * epochs * problem.n)
        ax_loss.set_ylim(*LOSS_VIEW)
        ax_loss.set_xlabel("examples seen (log scale)")
        ax_loss.set_ylabel("$f - f^*$ (log scale)")
        ax_loss.set_title("loss against examples seen", fontsize=11)
        ax_loss.grid(alpha=0.3, which="major")
        for k in range(1, epochs + 1):  # one tick per epoch would crowd: mark them lightly
            ax_loss.axvline(k * problem.n, color="0.92", lw=0.8, zorder=0)

        thin = {"color": "#9ecae1", "lw": 0.8}
        bold = {"color": SGD_COLOR, "lw": 1.8}
        gd = {"color": GD_COLOR, "lw": 1.4, "ls": "--", "marker": "o", "ms": 3.5}
        self.paths = [ax_path.plot([], [], **(bold if k == 0 else thin))[0] for k in range(n_seeds)]
        self.curves = [
            ax_loss.plot([], [], **(bold if k == 0 else thin))[0] for k in range(n_seeds)
        ]
        (self.gd_path,) = ax_path.plot([], [], **gd)
        (self.gd_curve,) = ax_loss.plot([], [], **gd)
        (self.here_path,) = ax_path.plot([], [], "o", color="tab:red", ms=6, mec="k", zorder=7)
        (self.here_curve,) = ax_loss.plot([], [], "o", color="tab:red", ms=6, mec="k", zorder=7)
        # the bold seed's first, so its line is drawn on top of the others
        self.dynamic(*self.paths[::-1], *self.curves[::-1], self.gd_path, self.gd_curve)
        self.dynamic(self.here_path, self.here_curve)
        handles = [
            Line2D([], [], **bold),
            Line2D([], [], **thin),
            Line2D([], [], **gd),
            Line2D([], [], ls="", marker="o", color="tab:red", ms=6, mec="k"),
        ]
        labels = ["SGD, the slider's seed", "SGD, other seeds", "full batch (GD)",
                  "bold run now"]  # fmt: skip
        self.fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=10, frameon=False)

    def show(self, result) -> None:
        """Draw a ``stochastic.Paths`` result: the first ``result.shown`` updates of SGD and
        full-batch gradient descent over as many examples."""
        sgd, gd, k = result.sgd, result.gd, result.shown
        seen = sgd.seen[: k + 1]
        for line, curve, j in zip(self.paths, self.curves, range(self.n_seeds), strict=True):
            if j < sgd.x.shape[1]:
                line.set_data(sgd.x[: k + 1, j, 0], sgd.x[: k + 1, j, 1])
                curve.set_data(seen[1:], _positive(sgd.loss[1 : k + 1, j]))
            else:
                line.set_data([], [])
                curve.set_data([], [])
        m = int(np.searchsorted(gd.seen, seen[-1], side="right"))  # GD's points seen so far
        self.gd_path.set_data(gd.x[:m, 0, 0], gd.x[:m, 0, 1])
        self.gd_curve.set_data(gd.seen[1:m], _positive(gd.loss[1:m, 0]))
        self.here_path.set_data(sgd.x[k : k + 1, 0, 0], sgd.x[k : k + 1, 0, 1])
        if k >= 1:
            self.here_curve.set_data(seen[-1:], _positive(sgd.loss[k : k + 1, 0]))
        else:
            self.here_curve.set_data([], [])
        self.title.set_text(_title(result, m))


def _positive(y):
    """f − f* for a log axis: round-off below zero drawn at the axis' floor."""
    y = np.asarray(y, dtype=float)
    return np.where(np.isnan(y), np.nan, np.maximum(y, LOSS_VIEW[0] / 10))


def _fmt(v: float) -> str:
    if not np.isfinite(v):
        return "overflow"
    if abs(v) >= 1e5:
        return f"{v:.1e}".replace("e+0", "e").replace("e+", "e")
    return f"{v:.0f}" if abs(v) >= 100 else f"{v:.2g}"  # 418, not 4.2e+02


def _title(result, gd_points: int) -> str:
    sgd, gd, k, b, n = result.sgd, result.gd, result.shown, result.batch_size, result.n
    per_epoch = -(-n // b)
    decay = "" if result.decay == "none" else f", decay {result.decay}"
    first = (
        f"B = {b}: {per_epoch} update{'s' * (per_epoch > 1)} per epoch;  lr {result.lr:g}{decay}"
    )
    diverged = [int(d) for d in np.ravel(sgd.diverged_at) if 0 <= d <= k]
    if diverged:
        second = f"{k} updates: {len(diverged)} of {sgd.loss.shape[1]} seeds overflowed"
    else:
        second = f"{k} updates ({int(sgd.seen[k])} examples): f − f* = {_fmt(sgd.loss[k, 0])}"
    g = gd_points - 1
    if g >= 1:
        second += f";  full batch, {g} update{'s' * (g > 1)}: {_fmt(gd.loss[g, 0])}"
    return f"{first}\n{second}"


def noise_ball_figure(ball):
    """f − f* per update, averaged over the seeds, for the constant lrs and the decays of a
    ``stochastic.NoiseBall`` (log scales), the constant lrs' floors dotted."""
    from .figure import new_figure

    fig = new_figure((9.0, 3.6), left=0.08, right=0.72, bottom=0.15, top=0.9)
    ax = fig.subplots()
    t = np.arange(1, ball.steps + 1)
    constant = [k for k in ball.curves if k.startswith("lr ")]
    blues = ["#9ecae1", "#4292c6", "#08306b"]
    for name, color in zip(sorted(constant, key=lambda k: float(k[3:])), blues, strict=False):
        lr = float(name[3:])
        ax.plot(t, _positive(ball.curves[name][1:]), color=color, lw=1.2, label=f"constant {name}")
        ax.axhline(ball.floors[lr], color=color, lw=0.8, ls=":")
    styles = {"1/t": "tab:red", "1/√t": "tab:orange", "exp": "tab:green"}
    for name, color in styles.items():
        if name in ball.curves:
            label = f"lr0 = {ball.lr0:g}, decay {'e^(−0.1t)' if name == 'exp' else name}"
            ax.plot(t, _positive(ball.curves[name][1:]), color=color, lw=1.6, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(*LOSS_VIEW)
    ax.set_xlim(1, ball.steps)
    ax.set_xlabel(f"update t (B = {ball.batch_size}; log scale)")
    ax.set_ylabel(f"$f - f^*$, mean of {ball.seeds} seeds")
    ax.set_title("constant lrs settle at a floor (dotted); decaying lrs keep going", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=10, frameon=False)
    return fig
