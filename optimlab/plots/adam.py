"""Adam's memory and Adam against SGDM: the figures for notebook 05."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from .figure import LiveFigure, envelope

ADAM, AMSGRAD, SGDM, SWATS = "tab:blue", "tab:orange", "0.35", "tab:red"
BEFORE, AFTER = 500, 3000  # the zoomed views show these many steps around the spike


class MemoryFigure(LiveFigure):
    """Adam on a long stream of gradients 1 with one spike: the movement per step |Δx|/lr and
    the second moment v̂_t, over the whole stream (left) and around the spike (right), for
    Adam and AMSGrad. All limits are fixed, so only the curves are redrawn. The legend and the
    notes sit in a column right of the axes, where no curve goes."""

    def __init__(self, n: int):
        super().__init__(
            (9.0, 4.3), left=0.085, right=0.72, bottom=0.11, top=0.86, wspace=0.25, hspace=0.45
        )
        self.n = n
        axes = self.fig.subplots(2, 2)
        self.title = self.dynamic(self.fig.suptitle("", fontsize=11, y=0.985, va="top"))
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
                ax.yaxis.set_major_locator(LogLocator(numticks=4))
                ax.yaxis.set_minor_locator(NullLocator())
                if col == 0:
                    ax.set_ylabel(label)
                ax.grid(alpha=0.3)
                for name, color, lw in (("Adam", ADAM, 2.2), ("AMSGrad", AMSGRAD, 1.4)):
                    (line,) = ax.plot([], [], color=color, lw=lw, label=name)
                    self.lines[(what, col, name)] = line
        axes[0, 0].xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1000:g}k"))
        axes[1, 0].xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1000:g}k"))
        axes[0, 0].set_title("the whole stream", fontsize=11)
        axes[0, 1].set_title("around the spike", fontsize=11)
        axes[1, 0].set_xlabel("step t")
        axes[1, 1].set_xlabel("steps from the spike")
        self.fig.legend(
            [self.lines[("move", 0, "Adam")], self.lines[("move", 0, "AMSGrad")]],
            ["Adam", "AMSGrad"], loc="upper left", bbox_to_anchor=(0.735, 0.86),
            fontsize=10, frameon=False,
        )  # fmt: skip
        self.axes = axes
        self.dynamic(*self.lines.values())
        self.bounds = [self.dynamic(ax.axhline(1, color="k", lw=0.8, ls=":")) for ax in axes[0]]
        self.note = self.dynamic(
            self.fig.text(0.745, 0.68, "", fontsize=10, ha="left", va="top", linespacing=1.4)
        )

    def show(self, result) -> None:
        """Draw an ``experiments.AdamMemory`` result."""
        moves, v_hats, spike_at = result.moves, result.v_hats, result.at
        lo, hi = max(spike_at - BEFORE, 0), min(spike_at + AFTER + 1, self.n)
        for name in moves:
            for what, series in (("move", np.abs(moves[name])), ("v", v_hats[name])):
                idx, val = envelope(series, 1000)
                self.lines[(what, 0, name)].set_data(idx, val)
                self.lines[(what, 1, name)].set_data(np.arange(lo, hi) - spike_at, series[lo:hi])
        bound = np.sqrt(1 / (1 - result.beta2))
        for line in self.bounds:
            line.set_ydata([bound, bound])
        sums = result.sums
        self.note.set_text(
            f"dotted: the bound\n√(1/(1 − β₂)) = {bound:.3g}\n\n"
            f"Adam moved (× lr)\n"
            f"999 steps before\nthe spike: {sums['before']:.4g}\n"
            f"the spike itself: {sums['spike']:.4g}\n"
            f"1000 steps after: {sums['after']:.4g}"
        )
        self.title.set_text(
            f"gradient 1, and {result.size:,.6g} at step {spike_at:,};  β₁ = {result.beta1:g}, "
            f"β₂ = {result.beta2:g} (memory 1/(1 − β₂) = {1 / (1 - result.beta2):,.0f} steps)"
        )


class SwatsFigure(LiveFigure):
    """Adam, SGD with momentum, and SWATS (Adam until a switch step, then SGDM) on a bowl in
    a plateau: the paths on the contours and the loss against the step."""

    def __init__(self, problem, adam, sgdm, window=((-3, 9), (-2, 4))):
        super().__init__((9.0, 4.0), left=0.07, right=0.98, bottom=0.13, top=0.84, wspace=0.25)
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
        ax_path.set_title("paths from the square", fontsize=11)
        ax_loss.set_yscale("log")
        ax_loss.set_ylim(1e-14, 3)
        ax_loss.set_xlim(0, adam.loss.shape[0] - 1)
        ax_loss.set_xlabel("step t")
        ax_loss.set_title("loss", fontsize=11)
        ax_loss.grid(alpha=0.3)
        for traj, color, label in ((adam, ADAM, "Adam"), (sgdm, SGDM, "SGDM")):
            ax_path.plot(traj.x[:, 0], traj.x[:, 1], ".-", color=color, ms=2, lw=1, label=label)
            ax_loss.plot(traj.loss, color=color, lw=1.5, label=label)
        ax_path.plot(*adam.x[0], "ks", ms=6)
        (self.path,) = ax_path.plot([], [], ".-", color=SWATS, ms=2, lw=1.4, label="SWATS")
        (self.loss_line,) = ax_loss.plot([], [], color=SWATS, lw=2.2, label="SWATS")
        ax_path.legend(fontsize=10, frameon=False, loc="upper left", ncol=3, borderaxespad=0.2)
        ax_loss.legend(fontsize=10, frameon=False, loc="lower left")
        self.switch_line = ax_loss.axvline(0, color=SWATS, lw=1, ls="--")
        self.dynamic(self.path, self.loss_line, self.switch_line)

    def show(self, result) -> None:
        """Draw an ``experiments.Switch`` result."""
        swats, switch_at = result.run, result.switch_at
        self.path.set_data(swats.x[:, 0], swats.x[:, 1])
        self.loss_line.set_data(
            np.arange(swats.loss.shape[0]), np.where(swats.loss > 0, swats.loss, np.nan)
        )
        self.switch_line.set_xdata([switch_at, switch_at])
        final = swats.loss[-1]
        self.title.set_text(
            f"SWATS: Adam for {switch_at} steps, then SGD with momentum; final loss {final:.2g}"
        )
