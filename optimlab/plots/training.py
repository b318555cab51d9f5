"""Training a network: the loss and accuracy curves and the decision boundary (notebook 10)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .figure import LiveFigure

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
        self._epochs = None

    def show(self, view: TrainingView) -> None:
        """Draw a :class:`TrainingView`."""
        if view.epochs != self._epochs:  # new x limits: the next redraw draws everything
            self._epochs = view.epochs
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
