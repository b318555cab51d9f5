"""Adagrad against RMSProp: the figures for notebook 04."""

from __future__ import annotations

import numpy as np

from .figure import LiveFigure, new_figure

ADAGRAD, RMSPROP, PLAIN = "tab:orange", "tab:blue", "0.35"


class StallFigure(LiveFigure):
    """A gradient stream that is large for a while and small afterwards: the effective
    learning rate of Adagrad and RMSProp per step (as a multiple of lr, log scale), and the
    parameter's path. Dashed: the same optimizers on the stream without the burst."""

    def __init__(self, steps: int):
        super().__init__((9.0, 3.8), left=0.08, right=0.98, bottom=0.14, top=0.8, wspace=0.28)
        self.steps = steps
        ax_lr, ax_x = self.fig.subplots(1, 2)
        self.ax_lr, self.ax_x = ax_lr, ax_x
        self.title = self.dynamic(self.fig.suptitle("", fontsize=11, y=0.975))
        ax_lr.set_yscale("log")
        ax_lr.set_ylim(1e-5, 30)
        ax_lr.set_xlim(0, steps)
        ax_lr.set_xlabel("step t")
        ax_lr.set_title("effective learning rate / lr  (|Δx|/(lr·|g|))", fontsize=10)
        ax_lr.grid(alpha=0.3)
        self.burst = self.dynamic(ax_lr.axvspan(0, 1, color="0.9", zorder=0))
        self.lines = {}
        for name, color in (("Adagrad", ADAGRAD), ("RMSProp", RMSPROP)):
            (solid,) = ax_lr.plot([], [], color=color, lw=2, label=name)
            (dashed,) = ax_lr.plot([], [], color=color, lw=1, ls="--")
            self.lines[name] = (solid, dashed)
        ax_lr.plot([], [], color="0.4", lw=1, ls="--", label="without the burst")
        ax_lr.legend(fontsize=8, frameon=False, loc="upper right")  # before the lines animate
        for pair in self.lines.values():
            self.dynamic(*pair)
        self.note = self.dynamic(
            ax_lr.text(
                0.98, 0.04, "", transform=ax_lr.transAxes, ha="right", va="bottom", fontsize=9
            )
        )
        ax_x.set_xlabel("step t")
        ax_x.set_title("parameter x_t (the gradient pushes it down)", fontsize=10)
        ax_x.grid(alpha=0.3)
        self.paths = {}
        for name, color in (("Adagrad", ADAGRAD), ("RMSProp", RMSPROP)):
            self.paths[name] = ax_x.plot([], [], color=color, lw=2, label=name)[0]
        ax_x.legend(fontsize=8, frameon=False, loc="upper right")
        self.dynamic(ax_x)  # its limits follow the runs

    def show(
        self, runs: dict, references: dict, grads, lr: float, burst_steps: int, recovered: dict
    ):
        """``runs`` and ``references``: name → x trajectory (steps + 1 points) with and
        without the burst; ``recovered``: name → steps after the burst until the effective lr
        is back to half its no-burst value (None: not within the stream)."""
        t = np.arange(1, self.steps + 1)
        lr_scale = lr
        for name, (solid, dashed) in self.lines.items():
            solid.set_data(t, np.abs(np.diff(runs[name])) / (lr_scale * np.abs(grads)))
            dashed.set_data(t, np.abs(np.diff(references[name])) / lr_scale)
            self.paths[name].set_data(np.arange(self.steps + 1), runs[name])
        self.ax_x.relim()
        self.ax_x.autoscale_view()
        self.burst.set_x(0.5)
        self.burst.set_width(burst_steps)
        lines = []
        for name, k in recovered.items():
            lines.append(
                f"{name}: "
                + ("never back to half speed" if k is None else f"half speed again {k} steps after")
            )
        self.note.set_text("\n".join(lines))


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
    fig = new_figure((9.0, 3.9), left=0.08, right=0.98, bottom=0.14, top=0.86, wspace=0.3)
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
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=7.5, frameon=False, loc="lower right")
    return fig
