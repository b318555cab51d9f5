"""Notebook 07's schedule explorer: lr(t) (and momentum(t)) above, the run it makes below."""

from __future__ import annotations

import numpy as np

from .figure import LiveFigure

LR_COLOR = "tab:blue"
MOMENTUM_COLOR = "tab:purple"
CONSTANT_COLOR = "0.55"
LOSS_RANGE = (1e-5, 1e4)  # excess loss: every run starts 418 above the minimum, none diverges


def _short(v: float) -> str:
    return f"{v:.3g}"


class ScheduleFigure(LiveFigure):
    """Top: the scheduler's lr at each step, as a fraction of the lr slider's value (the base
    lr, or max_lr for CyclicLR and OneCycleLR), and momentum on a right-hand axis where the
    scheduler cycles it (that axis is hidden otherwise). Below: the excess loss (above the
    least-squares fit) of SGD with momentum 0.9 under that schedule and at the constant lr,
    each the mean over the same seeds, on a fixed log axis. Both axes are fixed, so only the
    curves and the texts are redrawn; legends and notes sit right of the axes, where no curve
    goes."""

    def __init__(self, steps: int = 300):
        super().__init__((9.0, 4.0), left=0.085, right=0.74, bottom=0.12, top=0.86, hspace=0.12)
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
        # the texts that change are kept short (drawing glyphs is most of a redraw); what stays
        # is drawn once, in the background
        self.title = self.dynamic(self.fig.suptitle("", fontsize=11, y=0.985, va="top"))
        self.fig.text(
            0.5, 0.925, "SGD, momentum 0.9, batches of 8, on the noisy fit y = 3x + 300 (8 seeds)",
            ha="center", va="top", fontsize=10, color="0.3",
        )  # fmt: skip
        ax_loss.legend(
            loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=10, frameon=False,
            handlelength=1.5,
        )  # fmt: skip
        ax_loss.text(
            1.03, 0.45, "final loss − min:", transform=ax_loss.transAxes, fontsize=10, va="top"
        )
        self.note = self.dynamic(
            ax_loss.text(1.03, 0.3, "", transform=ax_loss.transAxes, fontsize=10, va="top")
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
        if self.ax_m.yaxis.get_visible() != cycles:
            # the momentum axis (ticks and label) only where momentum cycles: an axis with no
            # curve on it misleads; it is in the background, so the next redraw is a full one
            self.ax_m.yaxis.set_visible(cycles)
            self._background = None
        tt = np.arange(steps + 1)
        lo = LOSS_RANGE[0] / 10
        self.sched_line.set_data(tt, np.maximum(np.mean(r.losses, axis=1), lo))
        self.const_line.set_data(tt, np.maximum(np.mean(r.constant, axis=1), lo))
        self.title.set_text(result.text)
        self.note.set_text(f"scheduled {_final(r.losses)}\nconstant  {_final(r.constant)}")
        self.lr_note.set_text(f"first {_short(float(r.lrs[0]))}\nlast  {_short(float(r.lrs[-1]))}")


def _final(losses) -> str:
    last = np.asarray(losses)[-1]
    if not np.isfinite(last).all():
        return "diverged"
    return f"{float(last.mean()):.3g}"


# -- static figures for notebook 07 -------------------------------------------------------------

ANNEAL_COLORS = {
    "constant": "0.45",
    "step": "tab:orange",
    "exponential": "tab:green",
    "cosine": "tab:blue",
    "1/t": "tab:red",
}


def range_test_figure(exponential, sweep):
    """Smith's range test (one run, the lr growing per step) and the sweep of constant lrs:
    loss above the minimum against lr, each with its suggested [base_lr, max_lr] shaded; the
    curve past the point where ``suggest_range`` cuts it is dashed."""
    from .figure import new_figure, png

    fig = new_figure((9.0, 3.8), left=0.08, right=0.98, bottom=0.15, top=0.86, wspace=0.25)
    axes = fig.subplots(1, 2, sharey=True)
    for ax, r, color, title in (
        (axes[0], exponential, "tab:blue", f"one run, lr × {r0(exponential)} per step"),
        (axes[1], sweep, "tab:green", f"{len(sweep.lrs)} constant lrs, {sweep.steps} steps each"),
    ):
        ok = slice(0, r.stop)
        ax.loglog(r.lrs[ok], np.maximum(r.losses[ok], 1e-6), ".", color=color, ms=3, alpha=0.5)
        ax.loglog(r.lrs[ok], np.maximum(r.smoothed[ok], 1e-6), "-", color=color, lw=1.6)
        # past the cut (loss > 4x its lowest) the curve turns up: dashed, so that the reader
        # sees why max_lr is where it is (the axis clips the divergence)
        rest = r.smoothed[r.stop - 1 :]
        rest = np.where(np.isfinite(rest), np.maximum(rest, 1e-6), np.nan)
        ax.loglog(r.lrs[r.stop - 1 :], rest, "--", color=color, lw=1.2, alpha=0.6)
        ax.axvspan(r.base_lr, r.max_lr, color=color, alpha=0.12)
        ax.set_title(f"{title}\nsuggested [{r.base_lr:.2g}, {r.max_lr:.2g}]", fontsize=11)
        ax.set_xlabel("learning rate (log)")
        ax.set_xlim(r.lrs[0] / 1.5, r.lrs[-1] * 1.5)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("loss − min (log)")
    kept = np.concatenate([r.smoothed[: r.stop] for r in (exponential, sweep)])
    kept = kept[np.isfinite(kept) & (kept > 0)]
    axes[0].set_ylim(kept.min() / 3, kept.max() * 3)
    return png(fig, "LR range test")


def r0(r) -> str:
    return f"{r.lrs[1] / r.lrs[0]:.3g}"


def annealing_figure(a):
    """Why anneal: the schedules' lr (left) and the mean excess loss over the seeds (right)."""
    from .figure import new_figure, png

    fig = new_figure((9.0, 3.8), left=0.08, right=0.74, bottom=0.15, top=0.88, wspace=0.3)
    ax_lr, ax_loss = fig.subplots(1, 2)
    t = np.arange(1, a.steps + 1)
    for name, color in ANNEAL_COLORS.items():
        ax_lr.plot(t, a.lrs[name], color=color, lw=1.5)
        ax_loss.semilogy(
            np.arange(a.steps + 1), a.losses[name].mean(axis=1), color=color, lw=1.5,
            label=f"{name}: {a.final[name]:.2g}",
        )  # fmt: skip
    ax_lr.set_title("lr(t), SGD from lr = " + f"{a.lr:g}", fontsize=11)
    ax_lr.set_xlabel("step t")
    ax_loss.set_title(f"loss − min, mean of {len(a.seeds)} seeds", fontsize=11)
    ax_loss.set_xlabel("step t")
    ax_loss.set_ylim(*LOSS_RANGE)
    for ax in (ax_lr, ax_loss):
        ax.grid(alpha=0.3)
    ax_loss.legend(
        loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=10, frameon=False,
        title="final", title_fontsize=10,
    )  # fmt: skip
    return png(fig, "why anneal")


def warmup_figure(w, restarts, eve_calm, eve_noisy):
    """2 x 2: the warm-up factor against RAdam's r_t; Adam's step lengths with and without
    warm-up; SGDR's lr for T_mult 1 and 2; Eve's d_t without and with gradient noise."""
    from .figure import new_figure, png

    fig = new_figure(
        (9.0, 6.0), left=0.08, right=0.98, bottom=0.09, top=0.94, wspace=0.25, hspace=0.5
    )
    (a, b), (c, d) = fig.subplots(2, 2)
    t = np.arange(1, w.steps + 1)
    a.plot(t, w.factor, color="tab:orange", lw=1.6, label="LinearLR → cosine (× lr)")
    a.plot(t, w.rectification, color="tab:purple", lw=1.6, label="RAdam's r_t")
    a.set_title("warm-up: the factor on the step", fontsize=11)
    a.set_xlabel("step t")
    a.set_ylim(0, 1.45)
    a.legend(loc="upper right", fontsize=10, frameon=False)
    k = 40
    for name, color in (
        ("Adam", "0.4"), ("Adam + warm-up → cosine", "tab:orange"), ("RAdam", "tab:purple"),
    ):  # fmt: skip
        b.plot(np.arange(1, k + 1), w.moves[name][:k].mean(axis=1), color=color, lw=1.6,
               label=name)  # fmt: skip
    b.set_title("|step| at the minimum (pure noise)", fontsize=11)
    b.set_xlabel("step t")
    b.set_ylim(0, 0.2)
    b.legend(loc="upper right", fontsize=10, frameon=False)
    for (t_mult, lrs), color in zip(restarts.items(), ("tab:blue", "tab:red"), strict=True):
        c.plot(np.arange(1, len(lrs) + 1), lrs, color=color, lw=1.4, label=f"T_mult = {t_mult}")
    c.set_title("SGDR, T_0 = 10 (lr ÷ base lr)", fontsize=11)
    c.set_xlabel("step t")
    c.set_ylim(0, 1.45)
    c.legend(loc="upper right", fontsize=10, frameon=False, ncols=2)
    for e, color, label in ((eve_calm, "tab:green", "exact gradients"),
                            (eve_noisy, "tab:red", f"noise σ = {eve_noisy.noise:g}")):  # fmt: skip
        d.plot(np.arange(1, len(e.d) + 1), e.d, color=color, lw=1.4, label=label)
    d.set_title("Eve's d_t (the step is Adam's ÷ d_t)", fontsize=11)
    d.set_xlabel("step t")
    d.set_ylim(0, 1.45)
    d.legend(loc="upper right", fontsize=10, frameon=False, ncols=2)
    for ax in (a, b, c, d):
        ax.grid(alpha=0.3)
    return png(fig, "warm-up, SGDR, Eve")
