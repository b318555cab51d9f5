"""Momentum on the course's parabola: the figures for notebook 03."""

from __future__ import annotations

import matplotlib
import numpy as np

from ..experiments import MOMENTUM_GRID_LR, MOMENTUM_GRID_M
from .figure import LiveFigure, new_figure

LOSS_TOP = 1e6  # the loss axis shows data up to here; above: the legend
REFERENCE_STYLE = {"lw": 1.4, "ls": "--", "alpha": 0.9}


class MomentumFigure(LiveFigure):
    """Three views of SGD with momentum on f(x) = (curvature/2)·x²:

    - the loss of the chosen (lr, m) against iteration, beside the course's two references
      without momentum (log scale, fixed limits);
    - the convergence rate (spectral radius) against m at the chosen lr, with the critical
      damping optimum marked;
    - the (lr, m) phase diagram: the radius over a grid of both, with the edge of the stable
      region (radius = 1) and the chosen point.

    Every axes keeps a margin around its data, so a marker at the end of a slider stays whole,
    and its notes sit in a strip above the data.
    """

    def __init__(
        self, references: dict, curvature: float = 8.0, lr_range=(1e-3, 0.5), steps: int = 100
    ):
        super().__init__((9.0, 4.3), left=0.075, right=0.9, bottom=0.13, top=0.8, wspace=0.5)
        self.curvature, self.lr_range = curvature, lr_range
        ax_loss, ax_r, ax_map = self.fig.subplots(1, 3, width_ratios=[1.15, 1.0, 1.0])
        self.ax_loss, self.ax_r, self.ax_map = ax_loss, ax_r, ax_map
        self.title = self.dynamic(self.fig.suptitle("", fontsize=11, y=0.975))

        ax_loss.set_yscale("log")
        ax_loss.set_ylim(1e-24, 1e17)  # above 1e6: the legend's strip
        ax_loss.set_yticks([1e-20, 1e-10, 1e0])
        ax_loss.set_xlim(0, steps)
        ax_loss.set_xlabel("iteration t")
        ax_loss.set_title("loss $f(x_t)$", fontsize=11)
        ax_loss.grid(alpha=0.3)
        for label, traj in references.items():
            ax_loss.plot(_in_view(traj.loss), label=label, **REFERENCE_STYLE)
        (self.loss_line,) = ax_loss.plot([], [], color="tab:red", lw=2, label="chosen")
        ax_loss.legend(fontsize=10, frameon=False, loc="upper right", labelspacing=0.2,
                       borderaxespad=0.2, handlelength=1.5)  # fmt: skip
        self.dynamic(self.loss_line)

        self.ms = np.linspace(0, 0.995, 400)
        ax_r.set_xlim(-0.04, 1.04)
        ax_r.set_ylim(0.0, 2.0)  # rates up to 1.5 drawn; above: the note's strip
        ax_r.set_yticks([0, 0.5, 1, 1.5])
        ax_r.axhline(1, color="0.3", lw=1)
        ax_r.text(0.02, 1.04, "diverges above", fontsize=10, color="0.3")
        ax_r.set_xlabel("momentum m")
        ax_r.set_title("rate per step (radius)", fontsize=11)
        ax_r.grid(alpha=0.3)
        (self.r_line,) = ax_r.plot([], [], color="0.2", lw=1.5)
        (self.r_best,) = ax_r.plot([], [], "v", color="tab:green", ms=8)
        (self.r_marker,) = ax_r.plot([], [], "o", color="tab:red", ms=8, mec="k")
        self.r_note = ax_r.text(
            0.5, 0.98, "", transform=ax_r.transAxes, ha="center", va="top", fontsize=10,
            color="tab:green",
        )  # fmt: skip
        self.dynamic(self.r_line, self.r_best, self.r_marker, self.r_note)

        self.grid_lr = MOMENTUM_GRID_LR
        self.grid_m = MOMENTUM_GRID_M
        x0, x1 = np.log10(self.grid_lr[0]), np.log10(self.grid_lr[-1])
        self.map_image = ax_map.imshow(
            np.zeros((len(self.grid_m), len(self.grid_lr))),
            origin="lower",
            aspect="auto",
            vmin=0.5,
            vmax=1.0,
            cmap=matplotlib.colormaps["viridis_r"].with_extremes(over="0.85"),
            extent=(x0, x1, 0, 0.99),
        )
        ax_map.set_xlim(x0 - 0.12, x1 + 0.12)  # room for the marker at the sliders' ends
        ax_map.set_ylim(-0.04, 1.03)
        ax_map.set_xlabel("log$_{10}$ lr")
        ax_map.set_ylabel("momentum m")
        ax_map.set_title("phase diagram", fontsize=11)
        bar = self.fig.colorbar(self.map_image, ax=ax_map, fraction=0.1, pad=0.04, extend="max")
        bar.set_label("radius (grey: > 1)", fontsize=10)
        bar.ax.tick_params(labelsize=10)
        # the map changes only with the Nesterov and dampening toggles, but it is redrawn with
        # the rest so that a toggle needs no full redraw of the figure
        self.dynamic(self.map_image)
        self._edge = None
        self.map_marker = self.dynamic(ax_map.plot([], [], "o", color="tab:red", ms=8, mec="w")[0])
        self._phase = None

    def _set_map(self, phase) -> None:
        if phase is self._phase:
            return
        self._phase = phase
        self.map_image.set_data(phase)
        if self._edge is not None:
            self.forget(self._edge)
            self._edge.remove()
        lr, m = np.meshgrid(np.log10(self.grid_lr), self.grid_m)
        self._edge = self.dynamic(
            self.ax_map.contour(lr, m, phase, levels=[1.0], colors="k", linewidths=1.2)
        )

    def show(self, result) -> None:
        """Draw an ``experiments.Momentum`` result."""
        traj, lr, m, r = result.run, result.lr, result.momentum, result.radius
        self._set_map(result.phase)
        self.loss_line.set_data(np.arange(traj.loss.shape[0]), _in_view(traj.loss))
        self.r_line.set_data(result.ms, np.where(result.radii <= 1.5, result.radii, np.nan))
        self.r_marker.set_data([m], [min(r, 1.5)])
        self.r_best.set_data([result.best_m], [result.best_radius])
        if result.critical:
            self.r_note.set_text(
                f"▼ critical damping\nm* = {result.best_m:.3f}\nradius {result.best_radius:.3f}"
            )
        else:
            self.r_note.set_text(
                f"▼ smallest\nm = {result.best_m:.3f}\nradius {result.best_radius:.3f}"
            )
        self.map_marker.set_data([np.log10(lr)], [m])
        variant = (
            " + Nesterov"
            if result.nesterov
            else (" + dampening = m" if result.dampening_on else "")
        )
        after = traj.loss[min(10, traj.loss.shape[0] - 1)]
        self.title.set_text(
            f"lr = {lr:g}, momentum = {m:g}{variant}: radius {r:.3f}, "
            f"loss after 10 steps {after:.3g}"
        )


def _in_view(loss):
    """The loss where the log axis shows it: above 0 and below the legend's strip (1e6)."""
    return np.where((loss > 0) & (loss <= LOSS_TOP), loss, np.nan)


class RollingFigure(LiveFigure):
    """Seed 001's picture, live: the iterates of plain gradient descent (fixed) and of
    momentum m (redrawn) on a 1-D loss curve, each run's end marked with a star."""

    def __init__(self, result, xlim=(-1.8, 2.2)):
        super().__init__((9.0, 3.9), left=0.08, right=0.98, bottom=0.14, top=0.88)
        problem, plain = result.problem, result.plain
        ax = self.fig.subplots()
        self.ax = ax
        grid = np.linspace(*xlim, 400)
        f = problem.f(grid)
        ax.plot(grid, f, color="0.4", lw=1.5)
        ax.plot(plain.x, plain.loss, ".-", color="tab:blue", ms=4, lw=0.8, alpha=0.7,
                label="lr 0.01, no momentum")  # fmt: skip
        ax.plot(plain.x[-1], plain.loss[-1], "*", color="tab:blue", ms=16, mec="k")
        ax.plot(plain.x[0], plain.loss[0], "ks", ms=7)
        (self.path,) = ax.plot([], [], ".-", color="tab:red", ms=4, lw=0.8, alpha=0.7,
                               label="lr 0.01, momentum m")  # fmt: skip
        (self.end,) = ax.plot([], [], "*", color="tab:red", ms=16, mec="k")
        ax.set_xlim(*xlim)
        ax.set_ylim(float(f.min()) - 1, float(f.max()) * 1.05)
        ax.set_xlabel("x")
        ax.set_ylabel("f(x)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=10, frameon=False, loc="upper center")
        self.dynamic(self.path, self.end)
        self.title = self.dynamic(ax.set_title("", fontsize=11))
        self.name = problem.name

    def show(self, result) -> None:
        """Draw an ``experiments.Rolling`` result's momentum run."""
        t = result.rolling
        self.path.set_data(t.x, t.loss)
        self.end.set_data([t.x[-1]], [t.loss[-1]])
        where = "the deep minimum" if t.x[-1] < 0 else "the shallow minimum"
        self.title.set_text(
            f"f(x) = {self.name}, m = {result.momentum:g}: ends at x = {t.x[-1]:.3f} "
            f"({where}); plain GD at {result.plain.x[-1]:.3f}"
        )


def landscape_figure(problem, runs: dict, xlim=(-1.8, 2.2)):
    """The iterates of several runs drawn on a 1-D loss curve (seed 001's picture), each
    run's end marked."""
    fig = new_figure((7.5, 3.6), left=0.1, right=0.97, bottom=0.14, top=0.9)
    ax = fig.subplots()
    grid = np.linspace(*xlim, 400)
    ax.plot(grid, problem.f(grid), color="0.4", lw=1.5)
    for (label, traj), color in zip(
        runs.items(), ("tab:blue", "tab:red", "tab:purple"), strict=False
    ):
        ax.plot(traj.x, traj.loss, ".-", color=color, ms=4, lw=0.8, alpha=0.7, label=label)
        ax.plot(traj.x[-1], traj.loss[-1], "*", color=color, ms=16, mec="k")
    ax.plot(runs[next(iter(runs))].x[0], runs[next(iter(runs))].loss[0], "ks", ms=7)
    ax.set_xlim(*xlim)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=10, frameon=False, loc="upper center")
    ax.set_title(f"f(x) = {problem.name}: where each run ends (★), from the square", fontsize=11)
    return fig
