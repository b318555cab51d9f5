"""Newton's method against first-order methods on a rotated bowl: the figure for notebook 08."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from ..curvature import DAMPED_LR, METHODS, N_LEVELS
from .figure import LiveFigure

COLORS = {
    "GD": "tab:blue",
    "momentum": "tab:orange",
    "Newton": "tab:red",
    "damped Newton": "tab:purple",
    "L-BFGS": "tab:green",
}
MARKERS = {
    "GD": "",
    "momentum": "",  # long zigzags: lines only
    "Newton": "s",
    "damped Newton": "D",
    "L-BFGS": "^",
}
VIEW = 2.4  # the contour plot shows [−VIEW, VIEW]²
LOSS_FLOOR = 1e-16  # losses below (Newton's exact 0 included) are drawn on the floor
LOSS_TOP = 1e8


class CurvatureFigure(LiveFigure):
    """Left: level sets of the bowl ½xᵀHx (condition number κ, axes turned by the angle) and
    each method's iterates up to the chosen iteration. Right: the loss against iteration (log
    scale, losses below 1e-16 drawn on the floor). The methods' legend is a strip under both
    axes; the title names κ and each shown method's settings."""

    def __init__(self, max_iterations: int = 100):
        super().__init__((8.4, 4.0), left=0.065, right=0.985, bottom=0.2, top=0.79, wspace=0.22)
        self.max_iterations = max_iterations
        ax_c, ax_l = self.fig.subplots(1, 2, width_ratios=[1.0, 1.25])
        self.ax_c, self.ax_l = ax_c, ax_l
        self.title = self.dynamic(self.fig.suptitle("", fontsize=10.5, y=0.985, va="top"))
        # the same for every κ: drawn once, under the two changing lines
        self.fig.text(
            0.5, 0.985 - 2 * 0.047, f"Newton: one step;  damped Newton ×{1 - DAMPED_LR:g} "
            f"(lr {DAMPED_LR:g});  L-BFGS: one inner iteration per step (strong Wolfe)",
            ha="center", va="top", fontsize=10.5,
        )  # fmt: skip

        ax_c.set_xlim(-VIEW, VIEW)
        ax_c.set_ylim(-VIEW, VIEW)
        ax_c.set_aspect("equal", adjustable="box")
        ax_c.set_xlabel("x", labelpad=1)
        ax_c.set_ylabel("y", labelpad=1)
        ax_c.set_title("iterates on the level sets", fontsize=10.5)
        self.levels = [
            ax_c.plot([], [], color="0.72", lw=0.9, zorder=1)[0] for _ in range(N_LEVELS)
        ]
        (self.minimum,) = ax_c.plot([0], [0], "+", color="k", ms=9, zorder=2)
        self.paths, self.curves = {}, {}
        for name in METHODS:
            first_order = name in ("GD", "momentum")  # long zigzags: under the others
            self.paths[name] = ax_c.plot(
                [],
                [],
                "-",
                marker=MARKERS[name],
                color=COLORS[name],
                zorder=3 - first_order,
                lw=0.8 if first_order else 1.2,
                ms=2.5 if first_order else 4,
                alpha=0.75 if first_order else 1.0,
            )[0]
        (self.start,) = ax_c.plot([], [], "s", color="k", ms=6, zorder=4)
        self.dynamic(*self.levels, *self.paths.values(), self.start)

        ax_l.set_yscale("log")
        ax_l.set_ylim(LOSS_FLOOR / 10, LOSS_TOP)
        ax_l.set_yticks([1e-15, 1e-10, 1e-5, 1e0, 1e5])
        ax_l.set_xlim(-1, max_iterations + 1)
        ax_l.set_xlabel("iteration t", labelpad=1)
        ax_l.set_title("loss $f(x_t)$ (floor: $10^{-16}$)", fontsize=10.5)
        ax_l.grid(alpha=0.3)
        for name in METHODS:
            self.curves[name] = ax_l.plot([], [], color=COLORS[name], lw=1.6)[0]
        (self.now,) = ax_l.plot([], [], color="0.4", lw=1, ls=":")
        self.dynamic(*self.curves.values(), self.now)

        handles = [
            Line2D([], [], color=COLORS[n], marker=MARKERS[n], ms=4, lw=1.4, label=n)
            for n in METHODS
        ]
        self.fig.legend(
            handles=handles, loc="lower center", ncol=5, fontsize=10, frameon=False,
            bbox_to_anchor=(0.5, 0.0), columnspacing=1.4, handlelength=1.8,
        )  # fmt: skip

    def show(self, result) -> None:
        """Draw a ``curvature.Curvature`` result: the first ``iterations`` steps of each shown
        method."""
        n = result.iterations
        for line, ring in zip(self.levels, result.levels, strict=True):
            line.set_data(ring[0], ring[1])
        t = np.arange(n + 1)
        for name in METHODS:
            on = name in result.methods
            x = result.runs[name].x[: n + 1]
            loss = np.maximum(result.runs[name].loss[: n + 1], LOSS_FLOOR)
            self.paths[name].set_data(x[:, 0], x[:, 1])
            self.curves[name].set_data(t, loss)
            self.paths[name].set_visible(on)
            self.curves[name].set_visible(on)
        self.start.set_data([result.x0[0]], [result.x0[1]])
        self.now.set_data([n, n], [LOSS_FLOOR / 10, LOSS_TOP])
        r = result.rates
        s = result.settings
        self.title.set_text(
            f"κ = {result.kappa:g}, turned {result.angle:g}°, start "
            f"({result.x0[0]:g}, {result.x0[1]:g}), iteration {n}\n"
            f"error per step: GD ×{r['GD']:.3g} ({s['GD']}),  momentum ×{r['momentum']:.3g} "
            f"({s['momentum']})"
        )
