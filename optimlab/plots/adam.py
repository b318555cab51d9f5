"""Adam's memory and Adam against SGDM: the figures for notebook 05."""

from __future__ import annotations

import numpy as np

from .figure import LiveFigure, envelope

ADAM, AMSGRAD, SGDM, SWATS = "tab:blue", "tab:orange", "0.35", "tab:red"
BEFORE, AFTER = 500, 3000  # the zoomed views show these many steps around the spike


class MemoryFigure(LiveFigure):
    """Adam on a long stream of gradients 1 with one spike: the movement per step |Δx|/lr and
    the second moment v̂_t, over the whole stream (left) and around the spike (right), for
    Adam and AMSGrad. All limits are fixed, so only the curves are redrawn."""

    def __init__(self, n: int):
        super().__init__(
            (9.0, 5.0), left=0.09, right=0.98, bottom=0.1, top=0.85, wspace=0.22, hspace=0.4
        )
        self.n = n
        axes = self.fig.subplots(2, 2)
        self.title = self.dynamic(self.fig.suptitle("", fontsize=11, y=0.975))
        self.lines = {}
        rel = np.arange(-BEFORE, AFTER + 1)
        for row, (what, ylim, label) in enumerate(
            (("move", (1e-7, 1e3), "$|\\Delta x_t|$ / lr"), ("v", (1e-2, 1e12), "$\\hat v_t$"))
        ):
            for col, xlim in enumerate(((0, n), (rel[0], rel[-1]))):
                ax = axes[row, col]
                ax.set_yscale("log")
                ax.set_ylim(*ylim)
                ax.set_xlim(*xlim)
                ax.set_ylabel(label)
                ax.grid(alpha=0.3)
                for name, color, lw in (("Adam", ADAM, 2.2), ("AMSGrad", AMSGRAD, 1.4)):
                    (line,) = ax.plot([], [], color=color, lw=lw, label=name)
                    self.lines[(what, col, name)] = line
        axes[0, 0].set_title("the whole stream", fontsize=10)
        axes[0, 1].set_title("around the spike", fontsize=10)
        axes[1, 0].set_xlabel("step t")
        axes[1, 1].set_xlabel("steps from the spike")
        axes[0, 1].legend(fontsize=8, frameon=False, loc="upper right")
        self.axes = axes
        self.dynamic(*self.lines.values())
        self.bounds = [self.dynamic(ax.axhline(1, color="k", lw=0.8, ls=":")) for ax in axes[0]]
        self.note = self.dynamic(
            axes[1, 1].text(
                0.98, 0.04, "", transform=axes[1, 1].transAxes, fontsize=8, ha="right", va="bottom"
            )
        )

    def show(self, moves: dict, v_hats: dict, spike_at: int, beta2: float, sums: dict):
        """``moves`` and ``v_hats``: name → per-step arrays; ``spike_at``: the spike's index."""
        lo, hi = max(spike_at - BEFORE, 0), min(spike_at + AFTER + 1, self.n)
        for name in moves:
            for what, series in (("move", np.abs(moves[name])), ("v", v_hats[name])):
                idx, val = envelope(series, 1000)
                self.lines[(what, 0, name)].set_data(idx, val)
                self.lines[(what, 1, name)].set_data(np.arange(lo, hi) - spike_at, series[lo:hi])
        bound = np.sqrt(1 / (1 - beta2))
        for line in self.bounds:
            line.set_ydata([bound, bound])
        self.note.set_text(
            f"dotted: bound √(1/(1 − β₂)) = {bound:.3g}\n"
            f"moved by the 999 steps before the spike: {sums['before']:.4g}·lr\n"
            f"moved by the spike itself: {sums['spike']:.4g}·lr\n"
            f"moved by the 1000 steps after it: {sums['after']:.4g}·lr (Adam)"
        )


class SwatsFigure(LiveFigure):
    """Adam, SGD with momentum, and SWATS (Adam until a switch step, then SGDM) on a bowl in
    a plateau: the paths on the contours and the loss against the step."""

    def __init__(self, problem, adam, sgdm, window=((-3, 9), (-2, 4))):
        super().__init__((9.0, 3.9), left=0.07, right=0.98, bottom=0.14, top=0.8, wspace=0.25)
        ax_path, ax_loss = self.fig.subplots(1, 2)
        self.ax_path, self.ax_loss = ax_path, ax_loss
        self.title = self.dynamic(self.fig.suptitle("", fontsize=11, y=0.975))
        (wx, wy) = window
        gx, gy = np.meshgrid(np.linspace(*wx, 200), np.linspace(*wy, 200))
        ax_path.contour(
            gx, gy, problem.f(np.stack([gx, gy], axis=-1)), levels=12, colors="0.8", linewidths=0.8
        )
        ax_path.set_xlim(*wx)
        ax_path.set_ylim(*wy)
        ax_path.set_xlabel("x")
        ax_path.set_ylabel("y")
        ax_path.set_title("paths from the square", fontsize=10)
        ax_loss.set_yscale("log")
        ax_loss.set_ylim(1e-14, 3)
        ax_loss.set_xlim(0, adam.loss.shape[0] - 1)
        ax_loss.set_xlabel("step t")
        ax_loss.set_title("loss", fontsize=10)
        ax_loss.grid(alpha=0.3)
        for traj, color, label in ((adam, ADAM, "Adam"), (sgdm, SGDM, "SGDM")):
            ax_path.plot(traj.x[:, 0], traj.x[:, 1], ".-", color=color, ms=2, lw=1, label=label)
            ax_loss.plot(traj.loss, color=color, lw=1.5, label=label)
        ax_path.plot(*adam.x[0], "ks", ms=6)
        (self.path,) = ax_path.plot([], [], ".-", color=SWATS, ms=2, lw=1.4, label="SWATS")
        (self.loss_line,) = ax_loss.plot([], [], color=SWATS, lw=2.2, label="SWATS")
        ax_path.legend(fontsize=8, frameon=False, loc="upper left")
        ax_loss.legend(fontsize=8, frameon=False, loc="lower left")
        self.switch_line = ax_loss.axvline(0, color=SWATS, lw=1, ls="--")
        self.dynamic(self.path, self.loss_line, self.switch_line)

    def show(self, swats, switch_at: int):
        self.path.set_data(swats.x[:, 0], swats.x[:, 1])
        self.loss_line.set_data(
            np.arange(swats.loss.shape[0]), np.where(swats.loss > 0, swats.loss, np.nan)
        )
        self.switch_line.set_xdata([switch_at, switch_at])
        final = swats.loss[-1]
        self.title.set_text(
            f"SWATS: Adam for {switch_at} steps, then SGD with momentum; final loss {final:.2g}"
        )
