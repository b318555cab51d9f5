"""The cost of one step: Newton's n×n solve against L-BFGS's two-loop recursion (notebook 08).

For n = 10 ... 2000, time ``np.linalg.solve(H, g)`` with a random symmetric positive-definite
n×n Hessian (what a Newton step costs once H is known: O(n³), and H itself holds n² numbers)
and ``optimlab.curvature.two_loop`` over m = 10 pairs (L-BFGS's direction: O(m·n)). Prints the
fastest of repeated calls per n; timings vary from machine to machine and run to run.

BLAS runs on one thread here unless OPENBLAS_NUM_THREADS (or OMP_NUM_THREADS) says otherwise:
on a shared 2-core machine a multi-threaded solve of a 100×100 system was measured at ~100 ms,
waiting for a busy core, against ~0.05 ms on one thread.

    python benchmarks/newton_cost.py
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy loads its BLAS

from optimlab import curvature  # noqa: E402


def main():
    threads = os.environ["OPENBLAS_NUM_THREADS"]
    print(f"BLAS threads: {threads} (OPENBLAS_NUM_THREADS)")
    rows = curvature.newton_cost(curvature.COST_NS, m=10, budget=0.5)
    print(curvature.format_cost_table(rows))
    big = rows[-1]
    print(
        f"n = {big.n}: one Newton solve ~ {big.newton / big.lbfgs:.0f} L-BFGS directions; "
        "a network with n = 10^6 parameters would need an 8 TB Hessian (10^12 numbers)."
    )


if __name__ == "__main__":
    main()
