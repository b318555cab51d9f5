"""The exponentially weighted average: the course's figures for notebook 02."""

from __future__ import annotations

import numpy as np

from ..theory import ema_lag, ema_weights, ema_window
from .figure import LiveFigure, new_figure

RAW_COLOR = "0.65"
SEASON_COLOR = "tab:green"
EMA_COLOR = "tab:red"


def weights_figure(betas=(0.9,), n: int = 100):
    """The weight (1 − β)·β^i of the value i steps back, one curve per β (seed 000's plot)."""
    fig = new_figure((7.5, 3.4), left=0.1, right=0.97, bottom=0.15, top=0.88)
    ax = fig.subplots()
    i = np.arange(n)
    for beta in betas:
        w = ema_weights(beta, n)
        ax.plot(
            i,
            w,
            lw=2,
            label=f"β = {beta:g}: sum {w.sum():.5f}, window 1/(1−β) = {ema_window(beta):.0f}",
        )
    ax.set_xlabel("i, steps back from the newest value")
    ax.set_ylabel("weight $(1-\\beta)\\,\\beta^i$")
    ax.set_xlim(0, n - 1)
    ax.set_ylim(0, None)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=10, frameon=False)
    title = "weights of an exponentially weighted average"
    ax.set_title(title if len(betas) > 1 else f"{title}, β = {betas[0]:g}", fontsize=11)
    return fig


class SmoothingFigure(LiveFigure):
    """Noisy daily readings, the seasonal curve behind them, and their EMA for one β.

    Two vertical lines mark the peak of the seasonal curve and of its EMA: the gap between them
    is the lag, which grows with β. The EMA without bias correction starts from v₀ = 0 and
    rises slowly from there; with it, it starts on the data. The legend and the note sit in a
    strip above the data, which the peak lines do not reach.
    """

    def __init__(self, day, reading, season):
        super().__init__((9.0, 4.0), left=0.08, right=0.98, bottom=0.13, top=0.9)
        self.day, self.reading, self.season = day, reading, season
        ax = self.fig.subplots()
        self.ax = ax
        ax.plot(day, reading, ".", color=RAW_COLOR, ms=3, label="daily reading $\\theta_t$")
        ax.plot(day, season, color=SEASON_COLOR, lw=1.2, ls="--", label="seasonal curve")
        self.peak_day = float(day[np.argmax(season)])
        lo, hi = float(reading.min()), float(reading.max())
        lo, hi = min(lo, 0) - 1, hi + 1
        ax.plot([self.peak_day] * 2, [lo, hi], color=SEASON_COLOR, lw=1, alpha=0.7)
        ax.set_xlim(day[0], day[-1])
        ax.set_ylim(lo, lo + (hi - lo) / 0.7)  # the top 30%: legend and note
        ax.set_xlabel("day t")
        ax.set_ylabel("temperature-like reading")
        ax.grid(alpha=0.3)
        (self.ema_line,) = ax.plot([], [], color=EMA_COLOR, lw=2.2, label="EMA $v_t$")
        ax.legend(loc="upper left", fontsize=10, frameon=False, ncol=2)
        self.dynamic(self.ema_line)
        self.lag_line = self.dynamic(ax.plot([0, 0], [lo, hi], color=EMA_COLOR, lw=1, alpha=0.7)[0])
        self.note = self.dynamic(
            ax.text(0.99, 0.97, "", transform=ax.transAxes, ha="right", va="top", fontsize=10)
        )
        ax.set_title("$v_t = \\beta\\, v_{t-1} + (1-\\beta)\\,\\theta_t$", fontsize=11, loc="left")
        self.title = self.dynamic(ax.set_title("", fontsize=11, loc="right"))

    def show(self, result) -> None:
        """Draw an ``experiments.Smoothing`` result."""
        beta, v, lag = result.beta, result.v, result.lag
        self.ema_line.set_data(self.day, v)
        self.lag_line.set_xdata([self.peak_day + lag] * 2)
        corrected = "with bias correction" if result.bias_correction else "no bias correction"
        self.title.set_text(f"β = {beta:g}, {corrected}")
        self.note.set_text(
            f"window 1/(1−β) ≈ {ema_window(beta):.1f} days\n"
            f"lag β/(1−β) ≈ {ema_lag(beta):.1f} days; between the peaks (|): {lag:.0f} days\n"
            f"first value v₁ = {v[0]:.2f} (θ₁ = {self.reading[0]:.2f})"
        )
