"""Gradient descent on a parabola: the course's figures for notebook 01.

Each class builds its figure once; ``show`` puts new numbers into the same artists.
"""

from __future__ import annotations

import numpy as np

from ..run import Trajectory
from ..theory import gd_factor, gd_regime
from .figure import LiveFigure, finite_range

PATH_COLOR = "tab:blue"
STABLE_COLOR = "#d9f0d3"
N_LABELS = 4  # iterates named x0, x1, ... on the curve


class DescentFigure(LiveFigure):
    """Loss against iteration, the iterates on the curve, and the per-step factor against lr.

    The first two panels are the course's figure; the third shows where the current lr sits
    among the stability facts of f(x) = (curvature/2)·x²: convergence iff 0 < lr < 2/f'', the
    bounce at lr = 2/f'', Newton's one step at lr = 1/f''.
    """

    def __init__(self, curvature: float = 8.0, lr_range=(1e-3, 1.0), x_view: float = 3.0):
        self.curvature = float(curvature)
        self.x_view = float(x_view)
        super().__init__((9.0, 3.7), left=0.07, right=0.985, bottom=0.14, top=0.78, wspace=0.33)
        fig = self.fig
        ax_loss, ax_path, ax_q = fig.subplots(1, 3, width_ratios=[1.1, 1.1, 1.0])
        self.ax_loss, self.ax_path, self.ax_q = ax_loss, ax_path, ax_q
        # what a slider changes: the two left axes whole (their limits move), the marker and
        # the title; the factor panel is drawn once
        self.dynamic(ax_loss, ax_path)
        self.title = self.dynamic(fig.suptitle("", fontsize=12, y=0.975))

        ax_loss.set_title("loss $f(x_t)$ against iteration $t$", fontsize=11, pad=12)
        ax_loss.set_xlabel("iteration t")
        ax_loss.grid(alpha=0.3)
        (self.loss_line,) = ax_loss.plot([], [], "o-", color=PATH_COLOR, ms=4, lw=1.5)
        self.loss_note = ax_loss.text(
            0.97, 0.95, "", transform=ax_loss.transAxes, ha="right", va="top", fontsize=10
        )

        name = f"{self.curvature / 2:g}x^2"
        ax_path.set_title(f"iterates on $f(x) = {name}$ (dark: early)", fontsize=11, pad=12)
        ax_path.set_xlabel("x")
        ax_path.grid(alpha=0.3)
        (self.curve,) = ax_path.plot([], [], color="0.6", lw=1.5, zorder=1)
        (self.path,) = ax_path.plot([], [], "-", color=PATH_COLOR, lw=1, alpha=0.6, zorder=2)
        self.points = ax_path.scatter(
            [], [], s=22, c=[], cmap="plasma", vmin=0, vmax=1.25, zorder=3
        )  # dark early, light late (never pale yellow)
        (self.start,) = ax_path.plot([], [], "s", color="k", ms=6, zorder=4)
        self.labels = [
            ax_path.text(
                0, 0, f"$x_{i}$", fontsize=10, ha="center", va="bottom", visible=False, zorder=5
            )
            for i in range(N_LABELS)
        ]

        lrs = np.geomspace(*lr_range, 400)
        lo, hi = 1 / self.curvature, 2 / self.curvature
        ax_q.set_title(
            f"factor per step $x_{{t+1}}/x_t = 1 - {self.curvature:g}\\,lr$", fontsize=10, pad=12
        )
        ax_q.set_xscale("log")
        ax_q.set_xlim(lr_range[0] / 1.25, lr_range[1] * 1.25)  # room for the marker
        q_min = float(gd_factor(lr_range[1], self.curvature))
        ax_q.set_ylim(min(q_min, -1) - 0.5, 1.5)
        ax_q.axhspan(-1, 1, color=STABLE_COLOR, zorder=0)
        ax_q.text(
            lr_range[0] * 1.3,
            -0.9,
            "|factor| < 1: converges",
            fontsize=9,
            va="bottom",
            color="darkgreen",
        )
        ax_q.axhline(0, color="0.5", lw=0.8)
        ax_q.plot(lrs, gd_factor(lrs, self.curvature), color="0.3", lw=1.5)
        ax_q.axvline(lo, color="tab:green", ls="--", lw=1)
        ax_q.axvline(hi, color="tab:red", ls="--", lw=1)
        ax_q.text(
            lo / 1.06,
            q_min,
            f"Newton: 1/f'' = {lo:g}",
            rotation=90,
            ha="right",
            va="bottom",
            fontsize=9,
            color="tab:green",
        )
        ax_q.text(
            hi * 1.06,
            q_min,
            f"bounces: 2/f'' = {hi:g}",
            rotation=90,
            ha="left",
            va="bottom",
            fontsize=9,
            color="tab:red",
        )
        ax_q.set_xlabel("learning rate lr (log scale)")
        self.q_marker = self.dynamic(
            ax_q.plot([], [], "o", color="tab:orange", ms=9, mec="k", zorder=5)[0]
        )

    def set_log_loss(self, log: bool) -> None:
        self.ax_loss.set_yscale("log" if log else "linear")

    def show(self, traj: Trajectory, lr: float, iterations: int) -> None:
        """Draw the first ``iterations`` steps of ``traj``, a run at learning rate ``lr``."""
        n = int(iterations)
        x = traj.x[: n + 1]
        loss = traj.loss[: n + 1]
        t = np.arange(n + 1)

        self.loss_line.set_data(t, loss)
        self.ax_loss.set_xlim(-0.02 * n - 0.1, n * 1.02 + 0.1)
        log = self.ax_loss.get_yscale() == "log"
        rng = finite_range(loss, floor=0.0 if log else None)
        if rng is not None:
            lo, hi = rng
            if log:
                # far beyond 1e250 matplotlib's log ticks overflow: clip the view there
                self.ax_loss.set_ylim(max(lo / 3, 1e-250), min(hi * 3, 1e250))
            else:
                pad = 0.05 * (hi - min(lo, 0.0)) or 1.0
                self.ax_loss.set_ylim(min(lo, 0.0) - pad, hi + pad)
        notes = []
        if log and np.any(loss == 0):
            notes.append("loss 0 is off a log axis")
        div = traj.diverged_at
        if div is not None and div <= n:
            notes.append(f"overflows at step {div}")
        self.loss_note.set_text("\n".join(notes))

        finite = np.isfinite(x)
        r = max(self.x_view, 1.1 * float(np.max(np.abs(x[finite]), initial=0.0)))
        r = min(r, 1e150)  # f(±r) must stay finite
        grid = np.linspace(-r, r, 201)
        top = self.curvature / 2 * r * r
        self.curve.set_data(grid, self.curvature / 2 * grid**2)
        self.ax_path.set_xlim(-r, r)
        self.ax_path.set_ylim(-0.06 * top, 1.08 * top)
        self.path.set_data(x, loss)
        self.points.set_offsets(np.column_stack([x, loss])[finite])
        self.points.set_array(t[finite] / max(n, 1))
        self.start.set_data(x[:1], loss[:1])
        # name the first iterates, as the course does; iterates on the same spot share a label
        spots: dict[float, list[int]] = {}
        for i in range(min(N_LABELS, n + 1)):
            if finite[i]:
                spots.setdefault(float(x[i]), []).append(i)
        groups = list(spots.items())
        for k, label in enumerate(self.labels):
            label.set_visible(k < len(groups))
            if k < len(groups):
                xi, idx = groups[k]
                label.set_text("$" + ", ".join(f"x_{i}" for i in idx) + "$")
                label.set_position((xi, self.curvature / 2 * xi * xi + 0.03 * top))

        q = float(gd_factor(lr, self.curvature))
        self.q_marker.set_data([lr], [q])
        self.title.set_text(
            f"lr = {lr:g}:  each step multiplies x by 1 − {self.curvature:g}·lr"
            f" = {q:.4g}  →  {gd_regime(lr, self.curvature)}"
        )


class SweepFigure(LiveFigure):
    """Loss curves of several learning rates on one log-scaled axis (the course's multi lr).

    The y-limits are fixed, so a curve that diverges is drawn until it leaves through the top,
    and one that converges fast leaves through the bottom: neither rescales the plot.
    """

    def __init__(self, n_rates: int = 10, ylim=(1e-20, 1e6), steps: int = 100):
        super().__init__((9.0, 4.0), left=0.09, right=0.80, bottom=0.13, top=0.88)
        ax = self.fig.subplots()
        self.ax = ax
        ax.set_yscale("log")
        ax.set_ylim(*ylim)
        ax.set_xlim(0, steps)
        ax.set_xlabel("iteration t")
        ax.set_ylabel("loss $f(x_t)$ (log scale)")
        ax.grid(alpha=0.3)
        colors = [_viridis(i / max(n_rates - 1, 1)) for i in range(n_rates)]
        self.lines = [ax.plot([], [], lw=1.8, color=c, label=" ")[0] for c in colors]
        # the axes stay fixed; the curves, their legend and the title change
        self.dynamic(*self.lines)
        self.legend = self.dynamic(
            ax.legend(
                loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, title="lr", frameon=False
            )
        )
        self.title = self.dynamic(ax.set_title("", fontsize=11))

    def show(self, lrs: np.ndarray, traj: Trajectory, curvature: float = 8.0) -> None:
        """Draw the loss of each column of ``traj``, the run at ``lrs[i]``."""
        t = np.arange(traj.loss.shape[0])
        q = np.abs(gd_factor(lrs, curvature))
        for line, text, lr, loss, qi in zip(
            self.lines, self.legend.get_texts(), lrs, traj.loss.T, q, strict=True
        ):
            line.set_data(t, np.where(loss > 0, loss, np.nan))
            line.set_linestyle("--" if qi >= 1 else "-")
            text.set_text(f"{lr:.4f}" + ("  diverges" if qi > 1 else ""))
        for handle, line in zip(self.legend.legend_handles, self.lines, strict=True):
            handle.set_linestyle(line.get_linestyle())
        n_div = int(np.sum(q > 1))
        fastest = lrs[np.argmin(q)]
        self.title.set_text(
            f"lr = linspace({lrs[0]:g}, {lrs[-1]:g}, {len(lrs)}): "
            f"{n_div} diverge; fastest lr = {fastest:.4f}"
        )


def _viridis(u: float):
    import matplotlib

    return matplotlib.colormaps["viridis"](0.9 * u)
