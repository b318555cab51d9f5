"""Adagrad against RMSProp: the figures for notebook 04."""

from __future__ import annotations

import numpy as np

from .figure import LiveFigure, new_figure

ADAGRAD, RMSPROP, PLAIN = "tab:orange", "tab:blue", "0.35"


class StallFigure(LiveFigure):
    """A gradient stream that is large for a while and small afterwards: the effective
    learning rate of Adagrad and RMSProp per step (as a multiple of lr, log scale), and the
    parameter's path. Dashed: the same optimizers on the stream without the burst. Legends sit
    in a strip above the data; the recovery note is the title's second line."""

    def __init__(self, steps: int):
        super().__init__((9.0, 4.2), left=0.08, right=0.98, bottom=0.13, top=0.78, wspace=0.28)
        self.steps = steps
        ax_lr, ax_x = self.fig.subplots(1, 2)
        self.ax_lr, self.ax_x = ax_lr, ax_x
        self.title = self.dynamic(self.fig.suptitle("", fontsize=11, y=0.985, va="top"))
        ax_lr.set_yscale("log")
        ax_lr.set_ylim(1e-5, 1e5)  # the data stay below ~32; above: the legend
        ax_lr.set_yticks([1e-4, 1e-2, 1e0])
        ax_lr.set_xlim(0, steps)
        ax_lr.set_xlabel("step t")
        ax_lr.set_title("effective lr / lr = |Δx|/(lr·|g|)", fontsize=11)
        ax_lr.grid(alpha=0.3)
        self.burst = self.dynamic(ax_lr.axvspan(0, 1, color="0.9", zorder=0))
        self.lines = {}
        for name, color in (("Adagrad", ADAGRAD), ("RMSProp", RMSPROP)):
            (solid,) = ax_lr.plot([], [], color=color, lw=2, label=name)
            (dashed,) = ax_lr.plot([], [], color=color, lw=1, ls="--")
            self.lines[name] = (solid, dashed)
        ax_lr.plot([], [], color="0.4", lw=1, ls="--", label="without the burst")
        ax_lr.legend(
            fontsize=10,
            frameon=False,
            loc="upper right",
            ncol=2,
            borderaxespad=0.2,
            columnspacing=1.0,
            handlelength=1.5,
        )  # before the lines animate; fmt: skip
        for pair in self.lines.values():
            self.dynamic(*pair)
        ax_x.set_xlabel("step t")
        ax_x.set_title("parameter $x_t$ (pushed down)", fontsize=11)
        ax_x.grid(alpha=0.3)
        self.paths = {}
        for name, color in (("Adagrad", ADAGRAD), ("RMSProp", RMSPROP)):
            self.paths[name] = ax_x.plot([], [], color=color, lw=2, label=name)[0]
        ax_x.legend(fontsize=10, frameon=False, loc="upper right", ncol=2, borderaxespad=0.2)
        self.dynamic(ax_x)  # its limits follow the runs

    def show(self, result) -> None:
        """Draw an ``experiments.Stall`` result: the runs with and without the burst, and how
        many steps after the burst each is back to half its no-burst speed."""
        t = np.arange(1, self.steps + 1)
        lr, grads = result.lr, result.grads
        for name, (solid, dashed) in self.lines.items():
            solid.set_data(t, np.abs(np.diff(result.runs[name])) / (lr * np.abs(grads)))
            dashed.set_data(t, np.abs(np.diff(result.references[name])) / lr)
            self.paths[name].set_data(np.arange(self.steps + 1), result.runs[name])
        lo = min(float(np.min(x)) for x in result.runs.values())
        # the depth rounded up to 1, 1.5, 2, 3, 5 or 7 x a power of ten: most slider moves
        # keep the limits, so the axes' frame is reused (LiveFigure) instead of redrawn
        span = _nice_ceil(1.05 * (-lo or 1.0))
        self.ax_x.set_xlim(0, self.steps)
        self.ax_x.set_ylim(-span, 0.3 * span)  # top: the legend
        self.burst.set_x(0.5)
        self.burst.set_width(result.length)
        notes = [
            f"{name}: "
            + ("never back to half speed" if k is None else f"half speed again {k} steps after")
            for name, k in result.recovered.items()
        ]
        steps = "step" if result.length == 1 else "steps"
        self.title.set_text(
            f"burst: gradient {result.size:g} for {result.length} {steps}, then 1;  "
            f"lr = {lr:g}, alpha = {result.alpha:g} (memory 1/(1 − alpha) = "
            f"{1 / (1 - result.alpha):.0f} steps)\n" + ";  ".join(notes)
        )


def _nice_ceil(v: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 5, 7 x 10^k that is at least ``v`` (> 0)."""
    k = 10.0 ** np.floor(np.log10(v))
    return next(m * k for m in (1, 1.5, 2, 3, 5, 7, 10) if m * k >= v * (1 - 1e-12))


def fit_figure(
    problem,
    runs: dict,
    scaled_problem,
    scaled_runs: dict,
    target,
    scaled_target,
    window,
    scaled_window,
):
    """Loss contours of the linear fit y = 3x + 300 in (w, b), with the paths of several
    optimizers (left), and the same after standardising x (right)."""
    fig = new_figure((9.0, 4.4), left=0.08, right=0.98, bottom=0.24, top=0.92, wspace=0.3)
    axes = fig.subplots(1, 2)
    colors = ("0.3", ADAGRAD, RMSPROP, "tab:green")
    for ax, prob, rs, tgt, (wl, bl), title in (
        (axes[0], problem, runs, target, window, "raw x: y = 3x + 300"),
        (
            axes[1],
            scaled_problem,
            scaled_runs,
            scaled_target,
            scaled_window,
            "standardised x ← (x − mean)/σ",
        ),
    ):
        w, b = np.meshgrid(np.linspace(*wl, 200), np.linspace(*bl, 200))
        loss = prob.f(np.stack([w, b], axis=-1))
        ax.contour(w, b, np.log10(loss + 1e-12), levels=15, colors="0.75", linewidths=0.8)
        for (label, traj), color in zip(rs.items(), colors, strict=False):
            ax.plot(traj.x[:, 0], traj.x[:, 1], ".-", ms=2.5, lw=1.2, color=color, label=label)
        ax.plot(*tgt, "*", color="k", ms=12, label="best fit")
        ax.set_xlim(*wl)
        ax.set_ylim(*bl)
        ax.set_xlabel("slope w")
        ax.set_ylabel("intercept b")
        ax.set_title(title, fontsize=11)
    # one legend for both, below the axes: off the paths
    entries = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(label, handle)
    fig.legend(entries.values(), entries.keys(), loc="lower center", ncol=3, fontsize=10,
               frameon=False)  # fmt: skip
    return fig
