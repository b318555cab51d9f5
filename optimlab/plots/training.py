"""Training a network: the loss and accuracy curves and the decision boundary (notebook 10)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .figure import LiveFigure, new_figure

TRAIN, TEST = "tab:blue", "tab:orange"
GRID = 80  # the decision boundary's grid, GRID x GRID points
LOSS_MAX = 1.5


@dataclass(frozen=True)
class TrainingView:
    """What the training panel shows: the settings, the per-epoch curves so far (possibly
    empty), the probability of class 1 on the boundary grid, and a status line."""

    label: str
    epochs: int
    epoch: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray
    proba: np.ndarray  # (GRID, GRID), NaN where the network is not finite
    status: str


class TrainingFigure(LiveFigure):
    """Three panels side by side: training and test loss against the epoch, training and test
    accuracy, and the network's decision boundary (the probability of class 1 as a colour,
    training points filled, test points hollow). The x range follows the epochs setting (a
    change of it redraws the whole figure; otherwise only the curves, the boundary and the
    texts are redrawn)."""

    def __init__(self, task, extent):
        super().__init__((8.4, 3.5), left=0.07, right=0.985, bottom=0.14, top=0.78, wspace=0.32)
        ax_loss, ax_acc, ax_map = self.fig.subplots(1, 3)
        self.ax_loss, self.ax_acc, self.ax_map = ax_loss, ax_acc, ax_map
        self.title = self.dynamic(self.fig.suptitle("", fontsize=11, y=0.985, va="top"))
        self.status = self.dynamic(
            self.fig.text(0.2, 0.875, "", fontsize=10, ha="left", va="center")
        )
        self.lines = {}
        for ax, what, ylim, label in (
            (ax_loss, "loss", (0.0, LOSS_MAX), "cross-entropy"),
            (ax_acc, "acc", (0.4, 1.0), "accuracy"),
        ):
            ax.set_ylim(*ylim)
            ax.set_xlabel("epoch")
            ax.set_title(label, fontsize=11)
            ax.grid(alpha=0.3)
            for split, color, ls in (("train", TRAIN, "-"), ("test", TEST, "--")):
                (line,) = ax.plot([], [], color=color, ls=ls, lw=1.8, label=split)
                self.lines[(what, split)] = line
        self.fig.legend(
            [self.lines[("loss", "train")], self.lines[("loss", "test")]], ["train", "test"],
            loc="center left", bbox_to_anchor=(0.0, 0.875), ncol=2, fontsize=10, frameon=False,
            handlelength=1.6, columnspacing=0.8,
        )  # fmt: skip
        (x0, x1), (y0, y1) = extent
        self.image = ax_map.imshow(
            np.full((GRID, GRID), np.nan),
            origin="lower",
            extent=(x0, x1, y0, y1),
            cmap="RdBu",
            vmin=0.0,
            vmax=1.0,
            alpha=0.55,
            aspect="auto",
            interpolation="bilinear",
        )
        cmap = np.array(["tab:red", "tab:blue"])
        ax_map.scatter(*task.X_train.T, s=7, c=cmap[task.y_train % 2], lw=0)
        ax_map.scatter(
            *task.X_test.T, s=9, facecolors="none", edgecolors=cmap[task.y_test % 2], lw=0.7
        )
        ax_map.set_xlim(x0, x1)
        ax_map.set_ylim(y0, y1)
        ax_map.set_title("decision boundary", fontsize=11)
        ax_map.set_xticks([])
        ax_map.set_yticks([])
        self.dynamic(*self.lines.values(), self.image)
        self.epochs = None

    def show(self, view: TrainingView) -> None:
        """Draw a :class:`TrainingView`."""
        if view.epochs != self.epochs:  # new x limits: the next redraw draws everything
            self.epochs = view.epochs
            for ax in (self.ax_loss, self.ax_acc):
                ax.set_xlim(0, view.epochs)
            self._background = None
        for split in ("train", "test"):
            loss = getattr(view, f"{split}_loss")
            acc = getattr(view, f"{split}_acc")
            self.lines[("loss", split)].set_data(view.epoch, np.minimum(loss, LOSS_MAX * 1.1))
            self.lines[("acc", split)].set_data(view.epoch, acc)
        self.image.set_data(np.ma.masked_invalid(view.proba))
        self.title.set_text(view.label)
        self.status.set_text(view.status)


# -- static figures for the notebook ----------------------------------------------------------

COLORS = {
    "SGD": "0.55",
    "SGDM": "0.15",
    "Adam": "tab:blue",
    "AdamW": "tab:green",
    "SWATS": "tab:red",
}


def curves_figure(gaps: dict):
    """Training (solid) and test (dashed) loss, and test accuracy, against the epoch for each
    optimizer of ``gaps`` (name -> ``training.Gap``): the mean over its seeds."""
    fig = new_figure((8.4, 3.4), left=0.075, right=0.985, bottom=0.14, top=0.78, wspace=0.25)
    ax_loss, ax_acc = fig.subplots(1, 2)
    handles = []
    for name, g in gaps.items():
        t = g.training
        color = COLORS.get(name, None)
        (h,) = ax_loss.plot(t.epochs, t.train_loss.mean(axis=1), color=color, lw=1.6)
        ax_loss.plot(t.epochs, t.test_loss.mean(axis=1), color=color, lw=1.6, ls="--")
        ax_acc.plot(t.epochs, t.test_acc.mean(axis=1), color=color, lw=1.6)
        handles.append((h, f"{name}, lr {g.lr:g}"))
    ax_loss.set_ylim(0.25, 0.75)
    n_seeds = t.train_loss.shape[1]
    ax_loss.set_title(f"loss, mean of {n_seeds} seeds: training —, test - -", fontsize=11)
    ax_acc.set_ylim(0.75, 0.95)
    ax_acc.set_title(f"test accuracy, mean of {n_seeds} seeds", fontsize=11)
    for ax in (ax_loss, ax_acc):
        ax.set_xlabel("epoch")
        ax.set_xlim(0, t.epochs[-1])
        ax.grid(alpha=0.3)
    fig.legend(
        [h for h, _ in handles], [label for _, label in handles], loc="upper center",
        bbox_to_anchor=(0.5, 0.995), ncol=len(handles), fontsize=10, frameon=False,
        handlelength=1.5, columnspacing=1.0,
    )  # fmt: skip
    return fig


def boundaries_figure(task, solutions: dict, extent=None):
    """The decision boundary of each network in ``solutions`` (name -> parameters), side by
    side, over the training points (filled) and the test points (hollow)."""
    X = np.concatenate([task.X_train, task.X_test])
    lo, hi = X.min(axis=0) - 0.3, X.max(axis=0) + 0.3
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    k = len(solutions)
    fig = new_figure((8.4, 2.1), left=0.01, right=0.99, bottom=0.03, top=0.84, wspace=0.06)
    axes = np.atleast_1d(fig.subplots(1, k))
    cmap = np.array(["tab:red", "tab:blue"])
    for ax, (name, w) in zip(axes, solutions.items(), strict=True):
        z = task.net.logits(w, grid)
        p = 1.0 / (1.0 + np.exp(np.clip(z[:, 0] - z[:, 1], -50, 50)))
        ax.contourf(
            gx, gy, p.reshape(GRID, GRID), levels=[0, 0.5, 1], colors=["#f4c7c3", "#c6dbef"]
        )
        ax.contour(gx, gy, p.reshape(GRID, GRID), levels=[0.5], colors="0.3", linewidths=1)
        ax.scatter(*task.X_train.T, s=4, c=cmap[task.y_train % 2], lw=0)
        ax.scatter(*task.X_test.T, s=6, facecolors="none", edgecolors=cmap[task.y_test % 2], lw=0.5)
        acc = task.net.accuracy(w, task.X_test, task.y_test)
        ax.set_title(f"{name}: test {acc:.1%}", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def directions_figure(curves: dict, radius: float = 1.0):
    """The training loss along random directions around each solution (name -> ``(radii,
    losses)`` from ``training.directions``): the mean over the directions."""
    fig = new_figure((8.4, 3.0), left=0.075, right=0.985, bottom=0.16, top=0.8)
    ax = fig.subplots()
    handles = []
    for name, (radii, losses) in curves.items():
        color = COLORS.get(name, None)
        (h,) = ax.plot(radii, losses.mean(axis=0), color=color, lw=2.0)
        handles.append((h, name))
    ax.set_xlim(-radius, radius)
    ax.set_ylim(0.2, 1.2)
    ax.set_xlabel("step a along a filter-normalised random direction d: loss(w + a·d)")
    ax.set_ylabel("training loss, mean")
    ax.grid(alpha=0.3)
    fig.legend(
        [h for h, _ in handles], [n for _, n in handles], loc="upper center",
        bbox_to_anchor=(0.5, 0.99), ncol=len(handles), fontsize=10, frameon=False,
    )  # fmt: skip
    return fig
