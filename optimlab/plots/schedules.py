"""Notebook 07's schedule explorer: lr(t) (and momentum(t)) above, the run it makes below."""

from __future__ import annotations

import numpy as np

from .figure import LiveFigure

LR_COLOR = "tab:blue"
MOMENTUM_COLOR = "tab:purple"
CONSTANT_COLOR = "0.55"
LOSS_RANGE = (1e-5, 1e6)  # excess loss: the fit starts at 9e4


def _short(v: float) -> str:
    return f"{v:.3g}"


class ScheduleFigure(LiveFigure):
    """Top: the scheduler's lr at each step, as a fraction of the lr slider's value (the base
    lr, or max_lr for CyclicLR and OneCycleLR), and momentum on a right-hand axis where the
    scheduler cycles it. Below: the excess loss (above the least-squares fit) of SGD with
    momentum 0.9 under that schedule and at the constant lr, each the mean over the same
    seeds, on a fixed log axis. Both axes are fixed, so only the curves and the texts are
    redrawn; legends and notes sit right of the axes, where no curve goes."""

    def __init__(self, steps: int = 300):
        super().__init__((9.0, 4.0), left=0.085, right=0.74, bottom=0.12, top=0.88, hspace=0.12)
        ax_lr, ax_loss = self.fig.subplots(2, 1, sharex=True, height_ratios=[1.0, 1.25])
        self.ax_lr, self.ax_loss = ax_lr, ax_loss
        self.ax_m = ax_lr.twinx()
        for ax in (ax_lr, ax_loss):
            ax.set_xlim(0, steps)
            ax.grid(alpha=0.3)
        ax_lr.set_ylim(0, 1.12)
        ax_lr.set_yticks([0, 0.5, 1.0], ["0", "lr/2", "lr"])
        ax_lr.tick_params(labelbottom=False)
        self.ax_m.set_ylim(0.75, 1.0)
        self.ax_m.set_yticks([0.8, 0.9])
        self.ax_m.set_ylabel("momentum", color=MOMENTUM_COLOR)
        ax_loss.set_yscale("log")
        ax_loss.set_ylim(*LOSS_RANGE)
        ax_loss.set_xlabel("step t")
        ax_loss.set_ylabel("loss − min")
        (self.lr_line,) = ax_lr.plot([], [], color=LR_COLOR, lw=1.6)
        (self.m_line,) = self.ax_m.plot([], [], color=MOMENTUM_COLOR, lw=1.2, ls="--")
        (self.const_line,) = ax_loss.plot([], [], color=CONSTANT_COLOR, lw=1.6, label="constant lr")
        (self.sched_line,) = ax_loss.plot([], [], color=LR_COLOR, lw=1.6, label="scheduled")
        self.dynamic(self.lr_line, self.m_line, self.const_line, self.sched_line)
        self.title = self.dynamic(self.fig.suptitle("", fontsize=11, y=0.985, va="top"))
        ax_loss.legend(
            loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=10, frameon=False,
            handlelength=1.5,
        )  # fmt: skip
        self.note = self.dynamic(
            ax_loss.text(1.03, 0.45, "", transform=ax_loss.transAxes, fontsize=10, va="top")
        )
        self.lr_note = self.dynamic(
            ax_lr.text(1.15, 0.95, "", transform=ax_lr.transAxes, fontsize=10, va="top")
        )

    def show(self, result) -> None:
        """Draw a ``schedules.ScheduleRun``."""
        r = result.result
        steps = len(r.lrs)
        t = np.arange(1, steps + 1)
        self.lr_line.set_data(t, np.asarray(r.lrs) / r.constant_lr)
        cycles = r.momenta is not None
        self.m_line.set_data(t if cycles else [], r.momenta if cycles else [])
        tt = np.arange(steps + 1)
        lo = LOSS_RANGE[0] / 10
        self.sched_line.set_data(tt, np.maximum(np.mean(r.losses, axis=1), lo))
        self.const_line.set_data(tt, np.maximum(np.mean(r.constant, axis=1), lo))
        self.title.set_text(f"{result.text}\nSGD, momentum 0.9, on the noisy fit y = 3x + 300")
        self.note.set_text(
            "final loss − min\n(mean of 8 seeds)\n"
            f"scheduled: {_final(r.losses)}\nconstant:  {_final(r.constant)}"
        )
        self.lr_note.set_text(
            f"lr = {_short(r.constant_lr)}\nfirst {_short(float(r.lrs[0]))}\n"
            f"last {_short(float(r.lrs[-1]))}" + ("\nmomentum\ncycles" if cycles else "")
        )


def _final(losses) -> str:
    last = np.asarray(losses)[-1]
    if not np.isfinite(last).all():
        return "diverged"
    return f"{float(last.mean()):.3g}"
