"""Training a small network: the numbers of notebook 10 (训练神经网络).

Every optimizer trains the same network (``nn.MLP``) from the same initialisation on the same
stream of minibatches (``run(batch_size=B, seed=s)``: one seeded permutation per epoch, cut
into batches of B, the same for every optimizer given the same seed). Per epoch the training
and test loss and accuracy are recorded (:func:`train`). On top of that:

- :func:`tune` picks each optimizer's learning rate from a grid on a *validation* split of the
  training set (the test set is never used for tuning);
- :func:`gap` measures the generalization gap (泛化差距), test loss − training loss, over seeds;
- :func:`directions` walks along random directions around a solution (sharp or flat);
- :func:`decay` compares Adam's L2 weight decay with AdamW's decoupled decay.

NumPy only; a training of 100 epochs of 300 examples takes a few tenths of a second.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from . import data
from .nn import MLP, classifier
from .optim import SGD, SWATS, Adam, AdamW
from .optim.base import Optimizer
from .run import run

DATASETS = {"moons": data.two_moons, "circles": data.circles, "spirals": data.spirals}


@dataclass(frozen=True)
class Task:
    """A network and a labelled data set split into training and test examples. ``problem``
    is the training set as a finite sum (with ``weight_decay``'s L2 term, if any)."""

    net: MLP
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    weight_decay: float = 0.0

    @property
    def problem(self):
        return classifier(self.net, self.X_train, self.y_train, self.weight_decay)

    @property
    def n_train(self) -> int:
        return len(self.y_train)

    def with_weight_decay(self, weight_decay: float) -> Task:
        """The same task with an L2 term ``weight_decay/2·‖w‖²`` in the training loss."""
        return replace(self, weight_decay=float(weight_decay))

    def validation(self, fraction: float = 0.25, seed: int = 0) -> Task:
        """A task for tuning: the training set split again, ``fraction`` of it held out as the
        "test" set. The real test set is left out."""
        Xa, Xv, ya, yv = data.train_test_split(self.X_train, self.y_train, fraction, seed)
        return replace(self, X_train=Xa, y_train=ya, X_test=Xv, y_test=yv)


def make_task(
    dataset: str = "moons",
    n: int = 300,
    noise: float = 0.25,
    label_noise: float = 0.1,
    hidden=(32, 32),
    activation: str = "tanh",
    test_fraction: float = 0.5,
    weight_decay: float = 0.0,
    seed: int = 0,
) -> Task:
    """A generated 2-D data set (``"moons"``, ``"circles"`` or ``"spirals"``, with Gaussian
    ``noise`` on the points and a fraction ``label_noise`` of flipped labels), split once,
    seeded, into training and test examples, and an MLP (2, *hidden, classes)."""
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {tuple(DATASETS)}, got {dataset!r}")
    X, y = DATASETS[dataset](n, noise=noise, label_noise=label_noise, seed=seed)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction, seed)
    try:
        hidden = tuple(hidden)
    except TypeError:
        raise ValueError(f"hidden must be a sequence of layer sizes, got {hidden!r}") from None
    net = MLP((2, *hidden, int(y.max()) + 1), activation)
    return Task(net, X_train, y_train, X_test, y_test, float(weight_decay))


def evaluate(task: Task, w) -> tuple[np.ndarray, ...]:
    """Training loss, test loss, training accuracy and test accuracy of the parameters ``w``
    (shape ``(*batch, P)``): the plain cross-entropy, without the L2 term; NaN for a diverged
    network."""
    net = task.net
    return (
        net.loss(w, task.X_train, task.y_train),
        net.loss(w, task.X_test, task.y_test),
        net.accuracy(w, task.X_train, task.y_train),
        net.accuracy(w, task.X_test, task.y_test),
    )


@dataclass(frozen=True)
class Training:
    """What :func:`train` records, one row per epoch (row 0: the initialisation).

    ``w``: the parameters at the end of each epoch, shape ``(epochs + 1, *batch, P)``;
    ``train_loss``, ``test_loss``, ``train_acc``, ``test_acc``: shape ``(epochs + 1, *batch)``;
    ``diverged_at``: the step at which the run's loss or weights overflowed (``None`` if none,
    or for a sweep an array with −1 for the runs that stayed finite), as ``run`` reports it;
    ``steps_per_epoch``; ``epochs``: the epoch numbers recorded (fewer if stopped)."""

    optimizer: Optimizer
    epochs: np.ndarray
    steps_per_epoch: int
    w: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray
    diverged_at: int | None | np.ndarray

    @property
    def gap(self) -> np.ndarray:
        """Test loss − training loss after the last epoch (shape ``batch``)."""
        return self.test_loss[-1] - self.train_loss[-1]

    @property
    def diverged_epoch(self):
        """The epoch in which the run diverged (``None`` if it did not; for a sweep an array
        with −1 for the runs that stayed finite)."""
        d = self.diverged_at
        if d is None:
            return None
        if np.ndim(d) == 0:
            return -(-int(d) // self.steps_per_epoch)
        return np.where(d < 0, -1, -(-np.asarray(d) // self.steps_per_epoch))


def train(
    optimizer: Optimizer,
    task: Task,
    epochs: int,
    batch_size: int = 32,
    seed=0,
    init=None,
    callback=None,
    every: int = 1,
) -> Training:
    """Train ``task.net`` on ``task``'s training set with ``optimizer`` for ``epochs`` epochs of
    minibatches of ``batch_size`` (``run(..., batch_size=, seed=)``, DataLoader's sampling),
    from ``net.init(init)`` (``init`` defaults to ``seed``). An array ``seed`` (with an equal
    list ``init``, or none) trains one network per seed; hyperparameter arrays sweep as in
    ``run``, so ``lr`` of shape (k, 1) and five seeds train 5k networks in one computation.

    ``every=k`` records every k-th epoch only (and the last): fewer evaluations of the losses.
    ``callback(epoch, w)`` is called after every recorded epoch; returning ``False`` stops
    training there (the record ends at that epoch)."""
    if not isinstance(task, Task):
        raise TypeError(f"task must be an optimlab.training.Task, got {task!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be an integer >= 1, got {epochs!r}")
    n = task.n_train
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise ValueError(f"batch_size must be an integer in 1 .. {n}, got {batch_size!r}")
    if not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be an integer in 1 .. {n}, got {batch_size!r}")
    per_epoch = -(-n // int(batch_size))
    if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
        raise ValueError(f"every must be an integer >= 1 (epochs), got {every!r}")
    init = seed if init is None else init
    w0 = task.net.init(np.asarray(init).tolist())

    def on_epoch(step, x):
        if callback is None:
            return None
        return callback(step // per_epoch, x)

    traj = run(
        optimizer,
        task.problem,
        w0,
        int(epochs) * per_epoch,
        every=per_epoch * int(every),
        keep=("x",),
        batch_size=int(batch_size),
        seed=seed,
        callback=on_epoch,
    )
    w = traj.x
    rows = [evaluate(task, w[k]) for k in range(len(w))]
    train_loss, test_loss, train_acc, test_acc = (np.array(col) for col in zip(*rows, strict=True))
    return Training(
        optimizer=optimizer,
        epochs=traj.step // per_epoch,
        steps_per_epoch=per_epoch,
        w=w,
        train_loss=train_loss,
        test_loss=test_loss,
        train_acc=train_acc,
        test_acc=test_acc,
        diverged_at=traj.diverged_at,
    )


# -- the five optimizers of the lecture --------------------------------------------------------

#: the lecture's contenders, by name: a function of lr (and weight decay) giving the optimizer.
#: SWATS switches when its projected lr estimate agrees with its EMA to 0.1% (relative).
OPTIMIZERS = {
    "SGD": lambda lr, wd=0.0: SGD(lr=lr, weight_decay=wd),
    "SGDM": lambda lr, wd=0.0: SGD(lr=lr, momentum=0.9, weight_decay=wd),
    "Adam": lambda lr, wd=0.0: Adam(lr=lr, weight_decay=wd),
    "AdamW": lambda lr, wd=1e-2: AdamW(lr=lr, weight_decay=wd),
    "SWATS": lambda lr, wd=0.0: SWATS(lr=lr, switch_tol=1e-3, relative=True),
}

#: the learning-rate grid that :func:`tune` searches, per optimizer (log-spaced)
LR_GRID = {
    "SGD": (0.03, 0.1, 0.3, 1.0, 3.0),
    "SGDM": (0.003, 0.01, 0.03, 0.1, 0.3),
    "Adam": (3e-4, 1e-3, 3e-3, 1e-2, 3e-2),
    "AdamW": (3e-4, 1e-3, 3e-3, 1e-2, 3e-2),
    "SWATS": (3e-4, 1e-3, 3e-3, 1e-2, 3e-2),
}


#: the lrs that :func:`tune` picks on :func:`make_task`'s default task for 200 epochs of
#: batches of 32 (``benchmarks/training_gap.py`` prints the search; a test checks one of them)
TUNED_LR = {"SGD": 0.3, "SGDM": 0.03, "Adam": 0.003, "AdamW": 0.003, "SWATS": 0.003}
EPOCHS = 200


def make_optimizer(name: str, lr, weight_decay=None) -> Optimizer:
    """One of :data:`OPTIMIZERS` by name, with its own default weight decay unless given (0,
    AdamW's 1e-2). SWATS takes no weight decay (put it in the task)."""
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {tuple(OPTIMIZERS)}, got {name!r}")
    if name == "SWATS" or weight_decay is None:
        return OPTIMIZERS[name](lr)
    return OPTIMIZERS[name](lr, weight_decay)


def tune(
    name: str, task: Task, epochs: int, batch_size: int = 32, lrs=None, seeds=(100, 101, 102)
) -> tuple[float, np.ndarray]:
    """The learning rate from ``lrs`` (default :data:`LR_GRID`) with the lowest mean final
    validation loss: trained on 75% of the training set, validated on the other 25%, over
    ``seeds`` (not the seeds :func:`gap` reports). Returns the lr and the mean validation loss
    per lr (NaN where a run diverged)."""
    lrs = np.asarray(LR_GRID[name] if lrs is None else lrs, dtype=float)
    seeds = np.asarray(seeds)
    val = task.validation(seed=int(seeds[0]))
    opt = make_optimizer(name, lrs[:, None])
    t = train(opt, val, epochs, batch_size, seeds, seeds.tolist(), every=epochs)
    loss = t.test_loss[-1]  # (len(lrs), len(seeds))
    ok = np.isfinite(loss).all(axis=1)
    mean = np.full(len(lrs), np.nan)
    mean[ok] = loss[ok].mean(axis=1)
    return float(lrs[np.nanargmin(mean)]), mean


@dataclass(frozen=True)
class Gap:
    """Final training and test loss and accuracy per seed, for one optimizer at one lr, and
    the whole :class:`Training` they come from (per-epoch curves, one column per seed)."""

    name: str
    lr: float
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray
    training: Training | None = None

    @property
    def gap(self) -> np.ndarray:
        return self.test_loss - self.train_loss

    def row(self) -> str:
        """One line of the gap table: mean ± standard deviation over the seeds."""

        def ms(a, f="{:.3f}"):
            return f"{f.format(np.mean(a))} ± {f.format(np.std(a))}"

        return (
            f"{self.name:6s} lr {self.lr:<7g} train loss {ms(self.train_loss)}  test loss "
            f"{ms(self.test_loss)}  gap {ms(self.gap)}  test acc {ms(self.test_acc)}"
        )


def gap(
    name: str,
    lr: float,
    task: Task,
    epochs: int,
    batch_size: int = 32,
    seeds=range(5),
    every: int = 5,
) -> Gap:
    """Train optimizer ``name`` at ``lr`` once per seed (seed s: initialisation s and
    minibatch order s) and record the final losses and accuracies (and the curves, every
    ``every`` epochs)."""
    seeds = np.asarray(list(seeds))
    t = train(
        make_optimizer(name, lr), task, epochs, batch_size, seeds, seeds.tolist(), every=every
    )
    last = (t.train_loss[-1], t.test_loss[-1], t.train_acc[-1], t.test_acc[-1])
    return Gap(name, float(lr), *last, training=t)


# -- sharp and flat minima ------------------------------------------------------------------


def random_directions(net: MLP, w, k: int = 8, seed: int = 0, filter_normalised: bool = True):
    """``k`` random Gaussian directions in parameter space, shape ``(k, P)``. Filter-normalised
    (Li et al., NeurIPS 2018, "Visualizing the Loss Landscape of Neural Nets"): each neuron's
    incoming weights (a column of W) are rescaled to the norm of that neuron's weights in
    ``w``, and bias directions are 0, so that a step of 1 changes every neuron by its own size
    whatever the scale of the weights. Plain: the whole direction scaled to ‖w‖."""
    w = np.asarray(w, dtype=float)
    d = np.random.default_rng(seed).standard_normal((k, net.size))
    if not filter_normalised:
        return d / np.linalg.norm(d, axis=1, keepdims=True) * np.linalg.norm(w)
    for name, sl, shape in net.layout:
        if name.startswith("b"):
            d[:, sl] = 0.0
            continue
        dW = d[:, sl].reshape(k, *shape)
        W = w[sl].reshape(shape)
        scale = np.linalg.norm(W, axis=0) / np.maximum(np.linalg.norm(dW, axis=1), 1e-300)
        d[:, sl] = (dW * scale[:, None, :]).reshape(k, -1)
    return d


def directions(
    task: Task, w, radii=None, k: int = 8, seed: int = 0, filter_normalised: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """The training loss along ``k`` random directions ``d`` around the solution ``w``:
    ``loss(w + a·d)`` for each a in ``radii`` (default −1 .. 1 in 41 points). Returns
    ``(radii, losses)``, losses of shape ``(k, len(radii))``. A sharp minimum rises fast
    away from a = 0, a flat one slowly."""
    radii = np.linspace(-1.0, 1.0, 41) if radii is None else np.asarray(radii, dtype=float)
    d = random_directions(task.net, w, k, seed, filter_normalised)
    points = np.asarray(w)[None, None, :] + radii[None, :, None] * d[:, None, :]
    return radii, task.net.loss(points, task.X_train, task.y_train)


def sharpness(task: Task, w, radius: float = 0.5, k: int = 8, seed: int = 0) -> float:
    """How much the training loss rises, on average over ``k`` filter-normalised random
    directions, a step ``radius`` away from ``w`` (both signs)."""
    radii, losses = directions(task, w, np.array([-radius, 0.0, radius]), k, seed)
    return float(np.mean(losses[:, [0, 2]]) - np.mean(losses[:, 1]))


# -- weight decay: Adam's L2 against AdamW ---------------------------------------------------


def decay(
    task: Task,
    lr: float,
    weight_decays,
    epochs: int,
    batch_size: int = 32,
    seed: int = 0,
    every: int | None = None,
) -> dict[str, Training]:
    """Adam with L2 (``Adam(weight_decay=λ)``: λ·w added to the gradient, then divided by
    Adam's √v̂) against AdamW (``AdamW(weight_decay=λ)``: w shrunk by lr·λ every step, outside
    the adaptive step), each over the array ``weight_decays`` in one sweep, from one
    initialisation on one minibatch stream. Recorded: the start and the end (``every``
    epochs to record more)."""
    wds = np.asarray(weight_decays, dtype=float)
    every = epochs if every is None else every
    return {
        "Adam + L2": train(
            Adam(lr=lr, weight_decay=wds), task, epochs, batch_size, seed, every=every
        ),
        "AdamW": train(AdamW(lr=lr, weight_decay=wds), task, epochs, batch_size, seed, every=every),
    }


def swats_switch(task: Task, lr: float, epochs: int, batch_size: int = 32, seeds=range(5)):
    """When :data:`OPTIMIZERS`' SWATS switches on ``task``, trained as :func:`train` trains it
    from each of ``seeds`` (the same initialisations and minibatches): per seed the step and
    the epoch of the switch and the SGD lr Λ it switched to (step −1, Λ NaN: it stayed Adam).
    A plain loop over all seeds at once, since ``run`` keeps no optimizer state."""
    seeds = [int(s) for s in seeds]
    opt = make_optimizer("SWATS", lr)._with_batch_ndim(1)  # one switch per seed, as run does
    problem, n = task.problem, task.n_train
    w = task.net.init(seeds)
    state, rngs = opt.init(w), [np.random.default_rng(s) for s in seeds]
    per_epoch = -(-n // batch_size)
    for _ in range(epochs):
        order = np.stack([r.permutation(n) for r in rngs])
        for lo in range(0, n, batch_size):
            i = np.sort(order[:, lo : lo + batch_size], axis=-1)
            w, state = opt.step(w, problem.grad(w, i), state)
    at = state["switched_at"].reshape(len(seeds))
    epoch = np.where(at > 0, -(-at // per_epoch), -1)
    return at, epoch, np.where(at > 0, state["sgd_lr"].reshape(len(seeds)), np.nan)
