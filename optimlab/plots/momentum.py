"""Momentum on the course's parabola: the figures for notebook 03."""

from __future__ import annotations

import matplotlib
import numpy as np

from ..run import Trajectory
from ..theory import critical_momentum, momentum_radius
from .figure import LiveFigure, new_figure

REFERENCE_STYLE = {"lw": 1.4, "ls": "--", "alpha": 0.9}


class MomentumFigure(LiveFigure):
    """Three views of SGD with momentum on f(x) = (curvature/2)·x²:

    - the loss of the chosen (lr, m) against iteration, beside the course's two references
      without momentum (log scale, fixed limits);
    - the convergence rate (spectral radius) against m at the chosen lr, with the critical
      damping optimum marked;
    - the (lr, m) phase diagram: the radius over a grid of both, computed in one vectorised
      call, with the edge of the stable region (radius = 1) and the chosen point.
    """

    def __init__(
        self, references: dict, curvature: float = 8.0, lr_range=(1e-3, 0.5), steps: int = 100
    ):
        super().__init__((9.0, 3.9), left=0.07, right=0.93, bottom=0.14, top=0.79, wspace=0.45)
        self.curvature, self.lr_range = curvature, lr_range
        ax_loss, ax_r, ax_map = self.fig.subplots(1, 3, width_ratios=[1.15, 1.0, 1.0])
        self.ax_loss, self.ax_r, self.ax_map = ax_loss, ax_r, ax_map
        self.title = self.dynamic(self.fig.suptitle("", fontsize=11, y=0.975))

        ax_loss.set_yscale("log")
        ax_loss.set_ylim(1e-24, 1e6)
        ax_loss.set_xlim(0, steps)
        ax_loss.set_xlabel("iteration t")
        ax_loss.set_title("loss $f(x_t)$", fontsize=10)
        ax_loss.grid(alpha=0.3)
        for label, traj in references.items():
            ax_loss.plot(np.where(traj.loss > 0, traj.loss, np.nan), label=label, **REFERENCE_STYLE)
        (self.loss_line,) = ax_loss.plot([], [], color="tab:red", lw=2, label="chosen")
        ax_loss.legend(fontsize=8, frameon=False, loc="lower left")
        self.dynamic(self.loss_line)

        self.ms = np.linspace(0, 0.995, 400)
        ax_r.set_xlim(0, 1)
        ax_r.set_ylim(0.0, 1.5)
        ax_r.axhline(1, color="0.3", lw=1)
        ax_r.text(0.02, 1.03, "diverges above", fontsize=8, color="0.3")
        ax_r.set_xlabel("momentum m")
        ax_r.set_title("rate per step (spectral radius)", fontsize=10)
        ax_r.grid(alpha=0.3)
        (self.r_line,) = ax_r.plot([], [], color="0.2", lw=1.5)
        (self.r_best,) = ax_r.plot([], [], "v", color="tab:green", ms=8)
        (self.r_marker,) = ax_r.plot([], [], "o", color="tab:red", ms=8, mec="k")
        self.r_note = ax_r.text(
            0.98,
            0.04,
            "",
            transform=ax_r.transAxes,
            ha="right",
            va="bottom",
            fontsize=8,
            color="tab:green",
        )
        self.dynamic(self.r_line, self.r_best, self.r_marker, self.r_note)

        self.grid_lr = np.geomspace(*lr_range, 160)
        self.grid_m = np.linspace(0, 0.99, 100)
        self.map_image = ax_map.imshow(
            np.zeros((len(self.grid_m), len(self.grid_lr))),
            origin="lower",
            aspect="auto",
            vmin=0.5,
            vmax=1.0,
            cmap=matplotlib.colormaps["viridis_r"].with_extremes(over="0.85"),
            extent=(np.log10(lr_range[0]), np.log10(lr_range[1]), 0, 0.99),
        )
        ax_map.set_xlabel("log$_{10}$ lr")
        ax_map.set_ylabel("momentum m")
        ax_map.set_title("phase diagram: radius", fontsize=10)
        bar = self.fig.colorbar(self.map_image, ax=ax_map, fraction=0.09, pad=0.03, extend="max")
        bar.set_label("radius (grey: > 1, diverges)", fontsize=8)
        bar.ax.tick_params(labelsize=8)
        # the map changes only with the Nesterov and dampening toggles, but it is redrawn with
        # the rest so that a toggle needs no full redraw of the figure
        self.dynamic(self.map_image)
        self._edge = None
        self.map_marker = self.dynamic(ax_map.plot([], [], "o", color="tab:red", ms=8, mec="w")[0])
        self._map_key = None

    def set_map(self, dampening_on: bool, nesterov: bool) -> None:
        """Show the phase diagram of this variant (computed on the grid in one call)."""
        key = (dampening_on, nesterov)
        if key == self._map_key:
            return
        self._map_key = key
        lr, m = np.meshgrid(self.grid_lr, self.grid_m)
        radius = momentum_radius(lr, m, self.curvature, m if dampening_on else 0.0, nesterov)
        self.map_image.set_data(radius)
        if self._edge is not None:
            self.forget(self._edge)
            self._edge.remove()
        self._edge = self.dynamic(
            self.ax_map.contour(np.log10(lr), m, radius, levels=[1.0], colors="k", linewidths=1.2)
        )

    def show(self, traj: Trajectory, lr: float, m: float, dampening_on: bool, nesterov: bool):
        self.loss_line.set_data(
            np.arange(traj.loss.shape[0]), np.where(traj.loss > 0, traj.loss, np.nan)
        )
        damp = self.ms if dampening_on else 0.0
        radii = momentum_radius(lr, self.ms, self.curvature, damp, nesterov)
        self.r_line.set_data(self.ms, radii)
        r = float(momentum_radius(lr, m, self.curvature, m if dampening_on else 0.0, nesterov))
        self.r_marker.set_data([m], [min(r, 1.5)])
        if not (dampening_on or nesterov) and lr * self.curvature < 1:
            m_star = float(critical_momentum(lr, self.curvature))
            best = float(momentum_radius(lr, m_star, self.curvature))
            self.r_best.set_data([m_star], [best])
            self.r_note.set_text(f"▼ critical damping:\nm* = {m_star:.3f}, radius {best:.3f}")
        else:
            i = int(np.argmin(radii))
            self.r_best.set_data([self.ms[i]], [radii[i]])
            self.r_note.set_text(f"▼ smallest: m = {self.ms[i]:.3f}, radius {radii[i]:.3f}")
        self.map_marker.set_data([np.log10(lr)], [m])
        variant = " + Nesterov" if nesterov else (" + dampening = m" if dampening_on else "")
        after = traj.loss[min(10, traj.loss.shape[0] - 1)]
        self.title.set_text(
            f"lr = {lr:g}, momentum = {m:g}{variant}: radius {r:.3f}, "
            f"loss after 10 steps {after:.3g}"
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
    ax.legend(fontsize=9, frameon=False, loc="upper center")
    ax.set_title(f"f(x) = {problem.name}: where each run ends (★), from the square", fontsize=11)
    return fig
