"""Gradient descent on a parabola: the course's figures for notebook 01.

Each class builds its figure once; ``show(result)`` puts new numbers into the same artists.
"""

from __future__ import annotations

import numpy as np
from matplotlib.transforms import Bbox, TransformedBbox

from ..theory import gd_factor, gd_regime
from .figure import LiveFigure

PATH_COLOR = "tab:blue"
STABLE_COLOR = "#d9f0d3"
N_LABELS = 4  # iterates named x0, x1, ... on the curve
STRIP = 0.78  # the data use the lower 78% of an axes; notes sit in the strip above
SUB = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")


def _sub(i: int) -> str:
    return str(i).translate(SUB)


class DescentFigure(LiveFigure):
    """Loss against iteration, the iterates on the curve, and the per-step factor against lr.

    The first two panels are the course's figure; the third shows where the current lr sits
    among the stability facts of f(x) = (curvature/2)·x²: convergence iff 0 < lr < 2/f'', the
    bounce at lr = 2/f'', Newton's one step at lr = 1/f''.

    A diverging run does not rescale the views: the parabola stays on x ∈ [−x_view, x_view]
    and the linear loss on a few times f(x0); where the run leaves a view, a note at its edge
    says where it went ("x₃ = −686 →") and when it overflows. The log view plots log₁₀ of the
    loss, so every finite point up to the overflow is shown.
    """

    def __init__(self, curvature: float = 8.0, lr_range=(1e-3, 1.0), x_view: float = 3.0):
        self.curvature = float(curvature)
        self.x_view = float(x_view)
        super().__init__((9.0, 4.1), left=0.07, right=0.985, bottom=0.13, top=0.74, wspace=0.3)
        fig = self.fig
        ax_loss, ax_path, ax_q = fig.subplots(1, 3, width_ratios=[1.1, 1.1, 1.0])
        self.ax_loss, self.ax_path, self.ax_q = ax_loss, ax_path, ax_q
        # what a slider changes: the two left axes whole (their limits move), the marker and
        # the title; the factor panel is drawn once
        self.dynamic(ax_loss, ax_path)
        self.title = self.dynamic(fig.suptitle("", fontsize=12, y=0.985, va="top"))

        ax_loss.set_title("loss $f(x_t)$ against iteration $t$", fontsize=11, pad=8)
        ax_loss.set_xlabel("iteration t")
        ax_loss.grid(alpha=0.3)
        (self.loss_line,) = ax_loss.plot([], [], "o-", color=PATH_COLOR, ms=4, lw=1.5)
        self.loss_note = ax_loss.text(
            0.97, 0.97, "", transform=ax_loss.transAxes, ha="right", va="top", fontsize=10
        )

        name = f"{self.curvature / 2:g}x^2"
        ax_path.set_title(f"iterates on $f(x) = {name}$ (dark: early)", fontsize=11, pad=8)
        ax_path.set_xlabel("x")
        ax_path.grid(alpha=0.3)
        (self.curve,) = ax_path.plot([], [], color="0.6", lw=1.5, zorder=1)
        (self.path,) = ax_path.plot([], [], "-", color=PATH_COLOR, lw=1, alpha=0.6, zorder=2)
        self.points = ax_path.scatter(
            [], [], s=22, c=[], cmap="plasma", vmin=0, vmax=1.25, zorder=3
        )  # dark early, light late (never pale yellow)
        (self.start,) = ax_path.plot([], [], "s", color="k", ms=6, zorder=4)
        self.labels = [
            ax_path.text(0, 0, "", fontsize=10, ha="center", va="bottom", visible=False, zorder=5)
            for i in range(N_LABELS)
        ]
        # the data stay below the notes' strip: a run that leaves the view is cut at its edge
        for ax, artists in ((ax_loss, [self.loss_line]), (ax_path, [self.path, self.points])):
            region = TransformedBbox(Bbox([[0, 0], [1, STRIP]]), ax.transAxes)
            for a in artists:
                a.set_clip_box(region)
        self.exit_note = ax_path.text(
            0.5, 0.97, "", transform=ax_path.transAxes, ha="center", va="top", fontsize=10
        )

        lrs = np.geomspace(*lr_range, 400)
        lo, hi = 1 / self.curvature, 2 / self.curvature
        ax_q.set_title(f"factor per step $1 - {self.curvature:g}\\,lr$", fontsize=11, pad=8)
        ax_q.set_xscale("log")
        ax_q.set_xlim(lr_range[0] / 1.25, lr_range[1] * 1.25)  # room for the marker
        q_min = float(gd_factor(lr_range[1], self.curvature))
        ax_q.set_ylim(min(q_min, -1) - 0.5, 1.5)
        ax_q.axhspan(-1, 1, color=STABLE_COLOR, zorder=0)
        # in the band's lower left, where the curve (and so the marker) never comes
        ax_q.text(
            lr_range[0] * 1.15, -0.92, "|factor| < 1:\nconverges", fontsize=10, va="bottom",
            color="darkgreen",
        )  # fmt: skip
        ax_q.axhline(0, color="0.5", lw=0.8)
        ax_q.plot(lrs, gd_factor(lrs, self.curvature), color="0.3", lw=1.5)
        ax_q.axvline(lo, color="tab:green", ls="--", lw=1)
        ax_q.axvline(hi, color="tab:red", ls="--", lw=1)
        for x, text, ha, color in (
            (lo / 1.06, f"Newton: 1/f'' = {lo:g}", "right", "tab:green"),
            (hi * 1.06, f"bounces: 2/f'' = {hi:g}", "left", "tab:red"),
        ):
            ax_q.text(x, q_min - 0.45, text, rotation=90, ha=ha, va="bottom", fontsize=10,
                      color=color)  # fmt: skip
        ax_q.set_xlabel("learning rate lr (log scale)")
        self.q_marker = self.dynamic(
            ax_q.plot([], [], "o", color="tab:orange", ms=9, mec="k", zorder=5)[0]
        )

    def show(self, result) -> None:
        """Draw the first ``result.iterations`` steps of ``result.run`` (an
        ``experiments.Descent``)."""
        traj, lr, n = result.run, result.lr, int(result.iterations)
        x = traj.x[: n + 1]
        loss = traj.loss[: n + 1]
        t = np.arange(n + 1)
        finite = np.isfinite(x)
        notes = []

        ax = self.ax_loss
        ax.set_xlim(-0.02 * n - 0.1, n * 1.02 + 0.1)
        if result.log_loss:
            with np.errstate(divide="ignore"):
                y = np.where(loss > 0, np.log10(np.where(loss > 0, loss, 1.0)), np.nan)
            ax.set_ylabel("$\\log_{10} f(x_t)$")
            ok = y[np.isfinite(y)]
            lo, hi = (float(ok.min()), float(ok.max())) if ok.size else (0.0, 1.0)
            pad = max(0.05 * (hi - lo), 0.5)
            lo, hi = lo - pad, hi + pad
            if np.any(loss == 0):
                notes.append("loss 0 is off a log axis")
        else:
            ax.set_ylabel("")
            cap = 3.0 * float(loss[0]) if loss[0] > 0 else 1.0
            y = loss
            ok = loss[np.isfinite(loss)]
            hi = float(min(ok.max(), cap)) if ok.size else 1.0
            lo = min(float(ok.min()), 0.0) if ok.size else 0.0
            pad = 0.05 * (hi - lo) or 1.0
            lo, hi = lo - pad, hi + pad
            out = np.nonzero(~(loss <= hi))[0]
            if out.size:
                k = int(out[0])
                shown = f"{loss[k]:.3g}" if np.isfinite(loss[k]) else "inf"
                notes.append(f"↑ f = {shown} at t = {k}")
        ax.set_ylim(lo, lo + (hi - lo) / STRIP)  # the top strip is for the notes
        self.loss_line.set_data(t, y)
        div = traj.diverged_at
        if div is not None and div <= n:
            notes.append(f"overflows at step {div}")
        self.loss_note.set_text("\n".join(notes))

        half = self.curvature / 2
        r = max(self.x_view, 1.1 * abs(float(x[0])))
        top = half * r * r
        grid = np.linspace(-r, r, 201)
        self.curve.set_data(grid, half * grid**2)
        self.ax_path.set_xlim(-r, r)
        self.ax_path.set_ylim(-0.06 * top, -0.06 * top + 1.06 * top / STRIP)
        self.path.set_data(x, loss)
        self.points.set_offsets(np.column_stack([x, loss])[finite])
        self.points.set_array(t[finite] / max(n, 1))
        self.start.set_data(x[:1], loss[:1])
        outside = np.nonzero(~(np.abs(x) <= r))[0]
        if outside.size:  # name the newest iterate shown, where the run has gone
            last = np.nonzero(np.isfinite(x))[0][-1]
            k = int(last) if abs(x[last]) > r else int(outside[0])
            xk = float(x[k])
            where = f"x{_sub(k)} = {xk:.4g}".replace("-", "−").replace("e+", "e")
            right = xk > 0
            where = f"{where} →" if right else f"← {where}"
            if k < n and not np.isfinite(x[k + 1]):
                where += f"\noverflows at step {k + 1}"
            self.exit_note.set_text(where)
            self.exit_note.set_position((0.98, 0.97) if right else (0.02, 0.97))
            self.exit_note.set_horizontalalignment("right" if right else "left")
        else:
            self.exit_note.set_text("")
        self._label_iterates(x[: min(N_LABELS, n + 1)], r, top)

        q = float(gd_factor(lr, self.curvature))
        self.q_marker.set_data([lr], [q])
        self.title.set_text(
            f"lr = {lr:g}: each step multiplies x by 1 − {self.curvature:g}·lr = "
            + f"{q:.4g}".replace("-", "−")
            + f"\n{gd_regime(lr, self.curvature)}"
        )

    def _label_iterates(self, xs, r, top) -> None:
        """Name the first iterates, as the course does; iterates closer than a label's width
        share one label ("x₀, x₁"), those off the view get none."""
        half = self.curvature / 2
        groups: list[list[int]] = []
        anchors: list[float] = []
        for i, xi in enumerate(xs):
            if not (np.isfinite(xi) and abs(xi) <= r):
                continue
            for g, a in zip(groups, anchors, strict=True):
                if abs(xi - a) < 0.22 * r and abs(half * (xi * xi - a * a)) < 0.1 * top:
                    g.append(i)
                    break
            else:
                groups.append([i])
                anchors.append(float(xi))
        for k, label in enumerate(self.labels):
            label.set_visible(k < len(groups))
            if k < len(groups):
                idx, xi = groups[k], anchors[k]
                label.set_text("$" + ", ".join(f"x_{i}" for i in idx) + "$")
                label.set_position((xi, half * xi * xi + 0.04 * top))


class SweepFigure(LiveFigure):
    """Loss curves of several learning rates on one log-scaled axis (the course's multi lr).

    The y-limits are fixed, so a curve that diverges is drawn until it leaves through the top,
    and one that converges fast leaves through the bottom: neither rescales the plot.
    """

    def __init__(self, n_rates: int = 10, ylim=(1e-20, 1e6), steps: int = 100):
        super().__init__((9.0, 4.2), left=0.09, right=0.76, bottom=0.13, top=0.9)
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
        # the axes stay fixed; the curves, their legend and the title change. The legend has
        # the strip right of the axes to itself: its image is kept per lr_max (see dynamic)
        self.dynamic(*self.lines)
        self.legend = self.dynamic(
            ax.legend(
                loc="upper left", bbox_to_anchor=(1.01, 1.02), fontsize=10, title="lr",
                title_fontsize=10, frameon=False, labelspacing=0.3,
            ),
            alone=_legend_key,
        )  # fmt: skip
        self.title = self.dynamic(ax.set_title("", fontsize=11))

    def show(self, result) -> None:
        """Draw the loss of each column of ``result.run``, the run at ``result.lrs[i]``."""
        lrs, traj = result.lrs, result.run
        t = np.arange(traj.loss.shape[0])
        q = np.abs(gd_factor(lrs, result.curvature))
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


def _legend_key(legend):
    """What a legend shows: its texts and its handles' line styles."""
    return (
        tuple(t.get_text() for t in legend.get_texts()),
        tuple(h.get_linestyle() for h in legend.legend_handles),
    )


def _viridis(u: float):
    import matplotlib

    return matplotlib.colormaps["viridis"](0.9 * u)
