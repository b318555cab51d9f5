"""Notebook 10's panel: train a small network, watch the curves and the boundary as it trains."""

from __future__ import annotations

import threading
import weakref

import ipywidgets as w
import numpy as np

from ..plots.training import GRID, TrainingFigure, TrainingView
from ..training import OPTIMIZERS, evaluate, make_optimizer, make_task, train
from .controls import log_values, preset_buttons, value_slider
from .panel import Panel

LR_RANGE = (1e-4, 3.0)
BATCH_SIZES = (1, 4, 8, 16, 32, 64, 150)
WEIGHT_DECAYS = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1)
EPOCHS = (10, 20, 50, 100, 200, 500)


def _in_kernel() -> bool:
    """Whether this runs inside a Jupyter kernel (where training goes to a thread)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class TrainingPanel(Panel):
    """Train ``task``'s network (notebook 10's two moons by default) with one of the lecture's
    optimizers: controls for the optimizer, lr (log slider), batch size, weight decay and
    epochs; a Train button, a progress bar and a Stop button. The curves and the decision
    boundary are redrawn every ``every`` epochs while training runs.

    Changing a control stops a training in progress and shows the new settings' starting
    point (the initial network); Train trains from it (and only then does the epoch axis take
    a new number of epochs, so that moving the epochs slider redraws no axes). In a Jupyter
    kernel training runs in a background thread, so the page stays responsive and Stop is
    heard; elsewhere (tests, scripts) Train trains before it returns (``background``
    overrides either; ``join()`` waits for a background training). Weight decay is torch's
    ``weight_decay`` of the optimizer (L2 in the gradient; decoupled for AdamW); for SWATS
    an L2 term in the loss.
    A run that diverges stops there and says in which epoch, instead of drawing NaN."""

    def __init__(
        self,
        optimizer: str = "Adam",
        lr: float = 0.003,
        batch_size: int = 32,
        weight_decay: float = 0.0,
        epochs: int = 100,
        seed: int = 0,
        every: int = 5,
        task=None,
        background: bool | None = None,
    ):
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {tuple(OPTIMIZERS)}, got {optimizer!r}")
        self.task = task if task is not None else make_task()
        self.seed = int(seed)
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be an integer >= 1, got {every!r}")
        self.every = every
        self.background = _in_kernel() if background is None else bool(background)
        X = np.concatenate([self.task.X_train, self.task.X_test])
        lo, hi = X.min(axis=0) - 0.3, X.max(axis=0) + 0.3
        self.extent = ((lo[0], hi[0]), (lo[1], hi[1]))
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID))
        self.grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
        sizes = [b for b in BATCH_SIZES if b <= self.task.n_train]
        c = {
            "optimizer": w.ToggleButtons(
                options=[(n, n) for n in OPTIMIZERS],
                value=optimizer,
                description="optimizer",
                style={"description_width": "72px", "button_width": "76px"},  # 64: "Ada…"
            ),
            "lr": value_slider("learning rate", log_values(*LR_RANGE, 10, (0.003, 0.03)), lr),
            "batch_size": value_slider("batch size", sizes, batch_size, "{:.0f}"),
            "weight_decay": value_slider("weight decay", WEIGHT_DECAYS, weight_decay),
            "epochs": value_slider("epochs", EPOCHS, epochs, "{:.0f}"),
        }
        for name in ("lr", "batch_size", "weight_decay", "epochs"):
            c[name].layout = {"width": "415px"}
        self.train_button = w.Button(description="Train", button_style="success", icon="play")
        self.stop_button = w.Button(description="Stop", icon="stop")
        self.progress = w.IntProgress(value=0, min=0, max=epochs, description="epoch 0")
        # the buttons hold the panel weakly, as its controls do (Panel): a dropped panel is
        # collected and releases its figure
        self.train_button.on_click(_weakly(self.train))
        self.stop_button.on_click(_weakly(self.stop))
        presets = preset_buttons(
            "tuned lrs:",
            [
                ("SGDM 0.03", {c["optimizer"]: "SGDM", c["lr"]: 0.03}),
                ("Adam 0.003", {c["optimizer"]: "Adam", c["lr"]: 0.003}),
            ],
        )
        self._stop = threading.Event()
        self._thread = None
        self._generation = 0
        self._view = None
        self._start = None
        super().__init__(
            c,
            [
                w.HBox([c["optimizer"], presets]),
                w.HBox([c["lr"], c["batch_size"]]),
                w.HBox([c["weight_decay"], c["epochs"]]),
                w.HBox([self.train_button, self.stop_button, self.progress]),
            ],
            owned=[self.train_button, self.stop_button, self.progress],
        )

    # -- the panel contract ----------------------------------------------------------------
    def new_figure(self):
        return TrainingFigure(self.task, self.extent)

    def compute(self) -> TrainingView:
        """The view for the current settings: what training drew so far, or the start."""
        return self._view if self._view is not None else self._start_view()

    def update(self, change=None) -> None:
        if change is not None:
            self.stop()
        with self.figure.lock:  # one at a time with the training thread's redraws
            if change is not None:  # a control moved: the old training no longer applies
                self._generation += 1
                self._view = None
                self.progress.value = 0
                self.progress.description = "epoch 0"
            super().update(change)

    # -- training ------------------------------------------------------------------------------
    def settings(self) -> dict:
        return {name: self.value(name) for name in self.controls}

    def _label(self, s) -> str:
        decay = f", weight decay {s['weight_decay']:g}" if s["weight_decay"] else ""
        return (
            f"{s['optimizer']}, lr {s['lr']:g}, batch {int(s['batch_size'])}{decay}: "
            f"{self.task.n_train} training points (filled), {len(self.task.y_test)} test (hollow)"
        )

    def _proba(self, w) -> np.ndarray:
        z = self.task.net.logits(w, self.grid)
        with np.errstate(all="ignore"):
            p = 1.0 / (1.0 + np.exp(np.clip(z[..., 0] - z[..., 1], -50, 50)))
        return p.reshape(GRID, GRID)

    def _start_view(self) -> TrainingView:
        s = self.settings()
        if self._start is None:  # the same for every setting: computed once
            w0 = self.task.net.init(self.seed)
            self._start = ([np.array([v]) for v in evaluate(self.task, w0)], self._proba(w0))
        rows, proba = self._start
        shown = getattr(self.figure, "epochs", None) if hasattr(self, "figure") else None
        return TrainingView(
            self._label(s),
            shown or int(s["epochs"]),  # the epoch axis changes when training starts
            np.array([0]),
            *rows,
            proba,
            "the initial network: press Train",
        )

    def train(self) -> None:
        """Train with the current settings (Train button); in a thread when ``background``."""
        if self._thread is not None and self._thread.is_alive():
            self._stop.set()  # a new Train restarts: the old run ends after its epoch
            self._thread.join()
        self._stop.clear()
        settings, generation = self.settings(), self._generation
        if self.background:
            self._thread = threading.Thread(
                target=self._train, args=(settings, generation), daemon=True
            )
            self._thread.start()
        else:
            self._train(settings, generation)

    def stop(self) -> None:
        """Stop a training in progress after its current epoch (Stop button)."""
        self._stop.set()

    def join(self, timeout=None) -> None:
        """Wait for a background training to end."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _train(self, s, generation) -> None:
        task, name, wd = self.task, s["optimizer"], float(s["weight_decay"])
        if name == "SWATS":
            opt, task = make_optimizer(name, s["lr"]), task.with_weight_decay(wd)
        else:
            opt = make_optimizer(name, s["lr"], wd)
        epochs = int(s["epochs"])
        label = self._label(s)
        rows = [[v] for v in evaluate(task, task.net.init(self.seed))]
        self.progress.max = epochs

        def show(epoch, w, status):
            view = TrainingView(
                label, epochs, np.arange(len(rows[0])), *map(np.array, rows), self._proba(w), status
            )
            with self.figure.lock:
                if generation != self._generation:  # the settings changed meanwhile
                    return False
                self._view = view
                self.figure.show(view)
                self.figure.redraw()
            return True

        def on_epoch(epoch, x):
            x = np.reshape(x, (-1, task.net.size))[0]
            for row, v in zip(rows, evaluate(task, x), strict=True):
                row.append(float(v))
            with self.figure.lock:
                if generation != self._generation:  # the settings changed: this run is over
                    return False
                self.progress.value = epoch
                self.progress.description = f"epoch {epoch}"
            finite = np.isfinite(x).all() and np.isfinite(rows[0][-1])
            if (epoch % self.every == 0 or epoch == epochs or not finite) and not show(
                epoch, x, f"training: epoch {epoch} of {epochs}"
            ):
                return False
            return not self._stop.is_set() and bool(finite)

        result = train(opt, task, epochs, int(s["batch_size"]), self.seed, callback=on_epoch)
        last = len(result.epochs) - 1
        w_end = result.w[last].reshape(-1, task.net.size)[0]
        if result.diverged_at is not None:
            at = int(np.ravel(result.diverged_at)[0])
            epoch = result.diverged_epoch
            epoch = int(np.ravel(epoch)[0])
            k = next((i for i, v in enumerate(rows[0]) if not np.isfinite(v)), len(rows[0]))
            for row in rows:
                del row[k:]  # the curves end at the last finite epoch
            status = f"diverged in epoch {epoch} (step {at}): the loss overflowed; curves end there"

            w_end = result.w[max(k - 1, 0)].reshape(-1, task.net.size)[0]
        elif result.epochs[-1] < epochs:
            status = (
                f"stopped after epoch {result.epochs[-1]}: train loss {rows[0][-1]:.3f}, "
                f"test loss {rows[1][-1]:.3f}"
            )
        elif rows[0][-1] > rows[0][0]:
            status = (
                f"{epochs} epochs: the training loss ended above its start "
                f"({rows[0][-1]:.3g} > {rows[0][0]:.3g}): lr too large?"
            )
        else:
            gap = rows[1][-1] - rows[0][-1]
            status = (
                f"{epochs} epochs: train loss {rows[0][-1]:.3f}, test loss {rows[1][-1]:.3f} "
                f"(gap {gap:.3f}); test accuracy {rows[3][-1]:.1%}"
            )
        show(last, w_end, status)


def _weakly(method):
    """A button callback that calls ``method`` while its object lives (holding it weakly)."""
    ref = weakref.WeakMethod(method)

    def call(_button):
        bound = ref()
        if bound is not None:
            bound()

    return call
