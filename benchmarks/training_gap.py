"""Notebook 10's generalization-gap table, with the learning-rate search behind it.

Each of SGD, SGDM (momentum 0.9), Adam, AdamW (weight decay 1e-2) and SWATS trains the 2-32-32-2
tanh network on notebook 10's two moons (300 points, noise 0.25, 10% flipped labels, half of
them held out for testing) for EPOCHS epochs of minibatches of 32. The learning rate is picked
from a five-point log grid per optimizer by the mean final loss on a validation split (a quarter
of the training set; seeds 100-102), never by the test set (``training.tune``). Then each
optimizer trains at its picked lr from five seeds (initialisation and minibatch order 0-4) on
the whole training set, and the final losses are reported as mean ± standard deviation over
the seeds (``training.gap``). Also printed: the wall time of each part.

    python benchmarks/training_gap.py
"""

from __future__ import annotations

import time

from optimlab import training as T

EPOCHS = 200


def main():
    task = T.make_task()
    print(
        f"{task.net}, {task.n_train} training and {len(task.y_test)} test points, "
        f"{EPOCHS} epochs of batches of 32"
    )
    t0 = time.perf_counter()
    picked = {}
    print("validation loss per lr (mean over seeds 100-102):")
    for name in T.OPTIMIZERS:
        lr, mean = T.tune(name, task, EPOCHS)
        picked[name] = lr
        cells = "  ".join(f"{g:g}: {m:.3f}" for g, m in zip(T.LR_GRID[name], mean, strict=True))
        print(f"  {name:6s} {cells}  -> lr {lr:g}")
    t1 = time.perf_counter()
    print("final losses over seeds 0-4 (mean ± std):")
    for name in T.OPTIMIZERS:
        print("  " + T.gap(name, picked[name], task, EPOCHS).row())
    t2 = time.perf_counter()
    same = all(picked[n] == T.TUNED_LR[n] for n in picked)
    print(f"picked lrs equal training.TUNED_LR: {same}")
    print(f"time: tuning {t1 - t0:.1f} s, gap table {t2 - t1:.1f} s")


if __name__ == "__main__":
    main()
