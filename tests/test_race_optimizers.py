"""SparseAdam, Adafactor and Muon against torch 2.13 (torch_golden/race.json), and Lookahead.

torch is not needed: tests/torch_golden/make_race.py recorded torch's trajectories (float64
parameters, plain CPU kernels). SparseAdam and Adafactor must agree to round-off (relative 1e-9).
Muon's Newton–Schulz runs in bfloat16 in torch; optimlab emulates the rounding after each
operation, so the tolerance is bfloat16's: see test_muon_matches_torch_to_bfloat16_precision.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab.optim.muon import NS_COEFFICIENTS, bfloat16, newton_schulz

GOLDEN = json.loads((Path(__file__).parent / "torch_golden" / "race.json").read_text())
DATA = GOLDEN["problems"]
TABLE = np.array(DATA["table"])
BF16_ULP = 2.0**-8  # bfloat16 keeps 8 significant bits: relative spacing 2^-8 .. 2^-7


def sparse_grad(E, t):  # the same gradient as make_race.py
    g = np.zeros_like(E)
    if t % 7 == 0:
        return g
    for r in {t % 8, (3 * t + 1) % 8}:
        g[r] = E[r] - TABLE[r]
    return g


def matrix_grad(name):
    X, Y = (np.array(DATA["matrices"][name][k]) for k in ("X", "Y"))
    return lambda W, t: (W @ X - Y) @ X.T / X.shape[1]


PROBLEMS = {
    "embedding": (np.array(DATA["E0"]), sparse_grad),
    "vector": (np.array(DATA["V0"]), lambda x, t: np.array(DATA["curv"]) * x),
    "wide": (np.array(DATA["matrices"]["wide"]["W0"]), matrix_grad("wide")),
    "tall": (np.array(DATA["matrices"]["tall"]["W0"]), matrix_grad("tall")),
}


def kwargs_of(run):
    kw = dict(run["kwargs"])
    for key in ("betas", "eps"):
        if isinstance(kw.get(key), list):
            kw[key] = tuple(kw[key])
    return kw


def ours(run):
    """optimlab's x after each recorded step, with the same gradients as torch saw."""
    x, grad = PROBLEMS[run["problem"]]
    kw = kwargs_of(run)
    opt = getattr(ol, run["optimizer"])(**kw)
    sign = -1.0 if kw.get("maximize") else 1.0
    state, out = opt.init(x), {}
    for t in range(1, GOLDEN["steps"][run["optimizer"]] + 1):
        x, state = opt.step(x, sign * grad(x, t), state)
        if str(t) in run["x"]:
            out[t] = x.ravel()
    return out


def run_id(run):
    args = ", ".join(f"{k}={v}" for k, v in run["kwargs"].items())
    return f"{run['optimizer']}({args})-{run['problem']}"


def runs_of(*names):
    return [r for r in GOLDEN["runs"] if r["optimizer"] in names]


def test_golden_was_recorded_from_torch_2_13_plain_kernels():
    assert GOLDEN["torch"].startswith("2.13") and GOLDEN["cpu_capability"] == "DEFAULT"
    assert {r["optimizer"] for r in GOLDEN["runs"]} == {"SparseAdam", "Adafactor", "Muon"}
    assert {r["problem"] for r in runs_of("Adafactor")} == {"vector", "wide", "tall"}


@pytest.mark.parametrize("run", runs_of("SparseAdam", "Adafactor"), ids=run_id)
def test_sparse_adam_and_adafactor_match_torch_to_round_off(run):
    for t, x in ours(run).items():
        ref = np.array(run["x"][str(t)], dtype=float)
        np.testing.assert_allclose(x, ref, rtol=1e-9, atol=1e-12, err_msg=f"step {t}")


def test_the_golden_runs_move_and_sparse_adam_leaves_untouched_rows_alone():
    run = runs_of("SparseAdam")[0]
    first = np.array(run["x"]["1"], dtype=float).reshape(8, 3)
    E0 = PROBLEMS["embedding"][0]
    touched = {1 % 8, (3 * 1 + 1) % 8}  # step 1 touches rows 1 and 4
    for r in range(8):
        assert (r in touched) != np.array_equal(first[r], E0[r])
    step7 = np.array(run["x"]["7"], dtype=float), np.array(run["x"]["6"], dtype=float)
    np.testing.assert_array_equal(*step7)  # step 7: an empty gradient moves nothing
    for run in runs_of("Adafactor", "Muon"):  # every golden run goes somewhere
        last = max(run["x"], key=int)
        x0 = PROBLEMS[run["problem"]][0].ravel()
        assert np.abs(np.array(run["x"][last], dtype=float) - x0).max() > 1e-3


@pytest.mark.parametrize("run", runs_of("Muon"), ids=run_id)
def test_muon_matches_torch_to_bfloat16_precision(run):
    """Tolerance: each step moves x by adjusted_lr·O, and O's entries (|O| <~ 1.2) are bfloat16
    numbers; one rounding that falls the other way changes an entry by one bfloat16 ulp, at
    most 2^-7·|O| (relative 2^-8 .. 2^-7). So after t steps |x − x_torch| <= t·adjusted_lr·2^-7
    per entry, ignoring feedback through the gradient (small over 30 steps at these lrs).
    Measured on the recording machine: identical to torch bit for bit (the emulation rounds as
    torch's kernels do), which the bound does not require."""
    kw = kwargs_of(run)
    opt = ol.Muon(**kw)
    shape = PROBLEMS[run["problem"]][0].shape
    adjusted = opt.adjusted_lr(opt.lr, shape)
    for t, x in ours(run).items():
        ref = np.array(run["x"][str(t)], dtype=float)
        np.testing.assert_allclose(x, ref, rtol=0, atol=t * adjusted * 2 * BF16_ULP)


@pytest.mark.parametrize("case", GOLDEN["newton_schulz"], ids=lambda c: str(c["shape"]))
def test_newton_schulz_is_torchs_bfloat16_iteration(case):
    u = np.array(case["u"], dtype=float).reshape(case["shape"])
    ref = np.array(case["out"], dtype=float).reshape(case["shape"])
    out = newton_schulz(u)
    np.testing.assert_array_equal(out, bfloat16(out))  # bfloat16 numbers, as torch returns
    # within one bfloat16 ulp of the largest entry (measured: identical)
    np.testing.assert_allclose(out, ref, rtol=0, atol=2 * BF16_ULP * np.abs(ref).max())


def test_bfloat16_rounds_to_nearest_even_with_8_significant_bits():
    assert bfloat16(1.0 + 2.0**-8) == 1.0  # a tie: to even
    assert bfloat16(1.0 + 3 * 2.0**-8) == 1.0 + 2.0**-6  # a tie: to even (up)
    assert bfloat16(1.0 + 2.0**-8 + 2.0**-12) == 1.0 + 2.0**-7
    assert bfloat16(3.0) == 3.0 and bfloat16(-0.1) == -0.10009765625
    assert np.isinf(bfloat16(1e300)) and np.isnan(bfloat16(np.nan))


# -- Muon's float64 iteration: its own properties -------------------------------------------


def quintic(s, steps=5):
    a, b, c = NS_COEFFICIENTS
    for _ in range(steps):
        s = a * s + b * s**3 + c * s**5
    return s


@pytest.mark.parametrize("shape", [(3, 4), (5, 3), (4, 4), (2, 7)])
def test_float64_newton_schulz_applies_the_quintic_to_each_singular_value(shape):
    rng = np.random.default_rng(sum(shape))
    u = rng.standard_normal(shape) @ np.diag(np.geomspace(1, 10, shape[1]))  # badly scaled
    o = newton_schulz(u, dtype="float64")
    left, sigma, right = np.linalg.svd(u, full_matrices=False)
    expected = quintic(sigma / np.linalg.norm(u))  # NS keeps the singular vectors
    np.testing.assert_allclose(o, (left * expected) @ right, atol=1e-12)
    # near-orthogonal: 5 steps of the quintic map [1e-2, 1] into [0.68, 1.14] (its band, not
    # 1: the coefficients trade convergence for speed), so every singular value of O is in
    # that band when sigma_min/‖U‖_F >= 1e-2
    grid = quintic(np.geomspace(1e-2, 1, 10_001))
    assert 0.68 < grid.min() < 0.69 and 1.13 < grid.max() < 1.14  # the band itself
    assert sigma.min() / np.linalg.norm(u) >= 1e-2
    s_out = np.linalg.svd(o, compute_uv=False)
    assert s_out.min() >= 0.68 and s_out.max() <= 1.14


def test_bfloat16_and_float64_iterations_agree_to_bfloat16_precision():
    rng = np.random.default_rng(3)
    u = rng.standard_normal((4, 6))
    o16, o64 = newton_schulz(u), newton_schulz(u, dtype="float64")
    assert 0 < np.abs(o16 - o64).max() < 0.05  # a few bfloat16 ulps after 5 iterations
    s16 = np.linalg.svd(o16, compute_uv=False)
    s64 = np.linalg.svd(o64, compute_uv=False)
    np.testing.assert_allclose(s16, s64, atol=0.05)


def test_muon_float64_variant_steps_with_the_float64_iteration():
    W = np.array(DATA["matrices"]["wide"]["W0"])
    g = matrix_grad("wide")(W, 1)
    opt = ol.Muon(lr=0.1, weight_decay=0.0, ns_dtype="float64")
    x, state = opt.step(W, g, opt.init(W))
    # first step: buffer (1 − 0.95)·g, Nesterov update g + 0.95·(buf − g); NS is scale-free
    u = g + 0.95 * ((1 - 0.95) * g - g)
    np.testing.assert_allclose(x, W - 0.1 * newton_schulz(u, dtype="float64"), atol=1e-15)
    # torch's lerp from 0 is exactly (1 − 0.95)·g, which is not 0.05·g in floating point
    np.testing.assert_array_equal(state["momentum_buffer"], (1 - 0.95) * g)


def test_muon_checks_and_messages_are_torchs():
    cases = [
        ({"lr": -1}, "Learning rate should be >= 0 but is: -1"),
        ({"momentum": -0.5}, "momentum should be >= 0 but is: -0.5"),
        ({"weight_decay": -1}, "weight decay should be >= 0 but is: -1"),
        ({"adjust_lr_fn": "bad"}, "Adjust learning rate function bad is not supported"),
        ({"ns_steps": 100}, "Number of steps must be less than 100 for computational efficiency"),
        ({"ns_coefficients": (1.0, 2.0)}, "Coefficients must be a tuple of exactly 3 values"),
        ({"ns_dtype": "float16"}, "ns_dtype must be 'bfloat16'"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message.replace("(", r"\(")):
            ol.Muon(**kwargs)
    opt = ol.Muon()
    assert (opt.lr, opt.weight_decay, opt.momentum, opt.nesterov) == (1e-3, 0.1, 0.95, True)
    assert (opt.ns_coefficients, opt.eps, opt.ns_steps) == ((3.4445, -4.775, 2.0315), 1e-7, 5)
    for x in (np.zeros(3), np.zeros((2, 3, 4)), 0.0):
        with pytest.raises(ValueError, match="Muon only supports 2D parameters whereas we found"):
            opt.init(x)
    with pytest.raises(ValueError, match=r"size: \(4,\) \(after the sweep's axes \(2,\)\)"):
        ol.Muon(lr=np.array([0.1, 0.2])).init(np.zeros((2, 4)))


def test_muon_lr_adjustment_is_torchs():
    opt = ol.Muon(lr=0.1)
    assert opt.adjusted_lr(0.1, (3, 4)) == 0.1  # wide: max(1, A/B) = 1
    assert opt.adjusted_lr(0.1, (8, 2)) == 0.1 * 2.0  # tall: sqrt(A/B)
    assert ol.Muon(adjust_lr_fn="match_rms_adamw").adjusted_lr(0.1, (4, 9)) == 0.1 * (0.2 * 3)


# -- sweeps are separate runs, bit for bit ---------------------------------------------------

MATRIX = ol.problems.matrix_least_squares(m=3, k=4, n=32)


@pytest.mark.parametrize(
    "opt, kwargs",
    [
        (ol.Muon, {"lr": np.array([0.01, 0.05, 0.2]), "momentum": 0.9}),
        (ol.Muon, {"lr": 0.05, "momentum": np.array([0.0, 0.5, 0.95]), "ns_dtype": "float64"}),
        (ol.Adafactor, {"lr": np.array([0.01, 0.05, 0.2]), "weight_decay": 0.1}),
        (ol.Adafactor, {"lr": 0.05, "d": np.array([1.0, 1.5, 4.0])}),
        (ol.SparseAdam, {"lr": np.array([0.01, 0.05, 0.2])}),
    ],
    ids=["Muon-lr", "Muon-momentum", "Adafactor-lr", "Adafactor-d", "SparseAdam-lr"],
)
def test_matrix_sweeps_equal_single_runs(opt, kwargs):
    W0 = np.zeros((3, 4))
    sweep = ol.run(opt(**kwargs), MATRIX, W0, steps=40)
    assert sweep.x.shape == (41, 3, 3, 4) and sweep.diverged_at.tolist() == [-1, -1, -1]
    for i in range(3):
        one = {k: (v[i] if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
        single = ol.run(opt(**one), MATRIX, W0, steps=40)
        np.testing.assert_array_equal(sweep.x[:, i], single.x)


def test_adafactor_factors_a_matrix_and_keeps_a_vector_whole():
    opt = ol.Adafactor()
    s = opt.init(np.zeros((3, 4)))
    assert s["row_var"].shape == (3, 1) and s["col_var"].shape == (1, 4) and "variance" not in s
    s = opt.init(np.zeros((2, 3, 4)))  # leading axes of the point, as torch's tensors
    assert s["row_var"].shape == (2, 3, 1) and s["col_var"].shape == (2, 1, 4)
    assert opt.init(np.zeros(5))["variance"].shape == (5,)
    sweep = ol.Adafactor(lr=np.array([0.1, 0.2]))
    assert sweep.init(np.zeros((2, 5)))["variance"].shape == (2, 5)  # a sweep of vectors
    # on a rank-one squared gradient the factored estimate is exact at step 1: the update is
    # g/|g| entry by entry, then clipped to RMS 1 (d = 1)
    g = np.outer([1.0, 2.0, 4.0], [1.0, 0.5, 3.0, 2.0])
    x, s = opt.step(np.ones((3, 4)), g, opt.init(np.ones((3, 4))))
    np.testing.assert_allclose(x, 1 - 0.01 * np.sign(g), rtol=1e-14)  # alpha = RMS(x)·rho


def test_adafactor_checks_and_messages_are_torchs():
    cases = [
        ({"lr": -1}, "Learning rate should be >= 0 but is: -1"),
        ({"beta2_decay": 0.5}, "beta2_decay should be <= 0 but is: 0.5"),
        ({"eps": (-1, 1e-3)}, "epsilon1 should be >= 0 but is: -1"),
        ({"eps": (None, -1)}, "epsilon2 should be >= 0 but is: -1"),
        ({"d": 0.5}, "Clipping threshold d should be >= 1 but is: 0.5"),
        ({"weight_decay": -1}, "weight_decay should be >= 0 but is: -1"),
        ({"eps": 1e-3}, "eps must be a pair"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            ol.Adafactor(**kwargs)
    opt = ol.Adafactor()
    assert (opt.lr, opt.beta2_decay, opt.eps, opt.d, opt.weight_decay) == (
        1e-2, -0.8, (None, 1e-3), 1.0, 0.0
    )  # fmt: skip


def test_sparse_adam_checks_and_refusals_are_torchs():
    for kwargs, message in [
        ({"lr": 0.0}, "Invalid learning rate: 0.0"),  # lr > 0, stricter than Adam
        ({"eps": 0.0}, "Invalid epsilon value: 0.0"),
        ({"betas": (1.0, 0.9)}, "Invalid beta parameter at index 0: 1.0"),
        ({"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1"),
    ]:
        with pytest.raises(ValueError, match=message):
            ol.SparseAdam(**kwargs)
    for dense_only in ("weight_decay", "amsgrad"):  # torch has no such keyword: TypeError
        with pytest.raises(TypeError, match=f"unexpected keyword argument '{dense_only}'"):
            ol.SparseAdam(**{dense_only: 0.01})


def test_sparse_adam_on_dense_gradients_is_adam():
    """Every entry stored: lazy Adam is Adam, up to where eps sits (SparseAdam adds it to √v,
    Adam to √v̂ = √v/√(1 − beta2^t)); with a negligible eps, to round-off."""
    rng = np.random.default_rng(1)
    grads = rng.standard_normal((50, 6)) + 0.1
    a = ol.replay(ol.Adam(lr=0.01, eps=1e-300), grads).x
    s = ol.replay(ol.SparseAdam(lr=0.01, eps=1e-300), grads).x
    np.testing.assert_allclose(s, a, rtol=1e-12, atol=1e-15)
    s = ol.replay(ol.SparseAdam(lr=0.01), grads).x  # with eps = 1e-8 they differ, slightly
    assert 1e-10 < np.abs(s - ol.replay(ol.Adam(lr=0.01), grads).x).max() < 1e-6


@settings(max_examples=40, deadline=None)
@given(
    mask=st.lists(st.booleans(), min_size=6, max_size=6),
    lr=st.floats(1e-4, 10),
    steps=st.integers(1, 5),
)
def test_sparse_adam_never_moves_an_untouched_coordinate(mask, lr, steps):
    mask = np.array(mask)
    x0 = np.arange(6.0)
    grads = np.where(mask, np.linspace(-3, 3, 6) + 0.5, 0.0) * np.ones((steps, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = ol.replay(ol.SparseAdam(lr=lr), grads, x0)
    np.testing.assert_array_equal(
        t.x[:, ~mask], np.broadcast_to(x0[~mask], (steps + 1, (~mask).sum()))
    )
    assert np.all(t.x[-1, mask] != x0[mask])


def test_sparse_adam_counts_steps_per_parameter_as_torch():
    """A row seen first at step 3 gets step 3's bias correction (lazy Adam), not step 1's."""
    opt = ol.SparseAdam(lr=0.1)
    x = np.zeros(2)
    state = opt.init(x)
    for g in ([1.0, 0.0], [1.0, 0.0], [1.0, 1.0]):
        x, state = opt.step(x, np.array(g), state)
    assert state["step"] == 3
    # coordinate 1: m = 0.1, v = 0.001, step size lr·sqrt(1 − 0.999³)/(1 − 0.9³)
    expected = -0.1 * np.sqrt(1 - 0.999**3) / (1 - 0.9**3) * 0.1 / (np.sqrt(0.001) + 1e-8)
    assert x[1] == pytest.approx(expected, rel=1e-12)


# -- Lookahead -------------------------------------------------------------------------------


def test_lookahead_hand_computed_case():
    """SGD(lr=0.1) on f = x² (gradient 2x) multiplies x by 0.8 per fast step. From x0 = 1 with
    k = 5, alpha = 0.5: the fast weights reach 0.8^5 = 0.32768, the slow ones move half-way,
    to 1 + 0.5·(0.32768 − 1) = 0.66384, and the fast ones restart there."""
    p = ol.Problem(f=lambda x: x * x, grad=lambda x: 2 * x)
    t = ol.run(ol.Lookahead(ol.SGD(lr=0.1), k=5, alpha=0.5), p, x0=1.0, steps=10)
    np.testing.assert_allclose(t.x[:6], [1, 0.8, 0.64, 0.512, 0.4096, 0.66384], rtol=1e-15)
    np.testing.assert_allclose(t.x[6], 0.66384 * 0.8, rtol=1e-15)
    slow2 = 0.66384 + 0.5 * (0.66384 * 0.8**5 - 0.66384)
    np.testing.assert_allclose(t.x[10], slow2, rtol=1e-15)


def test_lookahead_keeps_or_resets_the_inner_state():
    kept = ol.Lookahead(ol.SGD(lr=0.1, momentum=0.9), k=2, alpha=0.5)
    reset = ol.Lookahead(ol.SGD(lr=0.1, momentum=0.9), k=2, alpha=0.5, reset_inner=True)
    xk, sk = 1.0, kept.init(1.0)
    xr, sr = 1.0, reset.init(1.0)
    for _ in range(2):
        xk, sk = kept.step(xk, 2 * xk, sk)
        xr, sr = reset.step(xr, 2 * xr, sr)
    assert xk == xr  # the same slow weights after the first synchronisation
    assert sk["inner"]["momentum_buffer"] is not None  # momentum kept (the paper's code)
    assert sr["inner"]["momentum_buffer"] is None  # SGD's fresh state: no buffer yet
    # with the buffer kept the next fast step is lr·(0.9·b + g), with it reset lr·g
    xk2, _ = kept.step(xk, 2 * xk, sk)
    xr2, _ = reset.step(xr, 2 * xr, sr)
    assert xr2 == pytest.approx(xr - 0.1 * 2 * xr, rel=1e-15) and xk2 != xr2


def test_lookahead_with_alpha_one_is_the_inner_optimizer():
    problem = ol.problems.rosenbrock()
    inner = ol.run(ol.Adam(lr=0.01), problem, (-1.2, 1.0), 50).x
    wrapped = ol.run(ol.Lookahead(ol.Adam(lr=0.01), k=3, alpha=1.0), problem, (-1.2, 1.0), 50).x
    np.testing.assert_allclose(wrapped, inner, rtol=1e-14)


def test_lookahead_passes_sweeps_through():
    problem = ol.problems.rosenbrock()
    lrs = np.array([1e-3, 3e-3, 1e-2])
    sweep = ol.run(ol.Lookahead(ol.SGD(lr=lrs, momentum=0.9)), problem, (-1.2, 1.0), 60)
    assert sweep.x.shape == (61, 3, 2)
    for i, lr in enumerate(lrs):
        single = ol.run(ol.Lookahead(ol.SGD(lr=lr, momentum=0.9)), problem, (-1.2, 1.0), 60)
        np.testing.assert_array_equal(sweep.x[:, i], single.x)
    alphas = np.array([0.2, 0.5, 0.8])
    t = ol.run(ol.Lookahead(ol.SGD(lr=1e-3), alpha=alphas), problem, (-1.2, 1.0), 10)
    assert t.x.shape == (11, 3, 2)
    single = ol.run(ol.Lookahead(ol.SGD(lr=1e-3), alpha=0.8), problem, (-1.2, 1.0), 10)
    np.testing.assert_array_equal(t.x[:, 2], single.x)
    ol.run(ol.Lookahead(ol.Muon(lr=lrs)), MATRIX, np.zeros((3, 4)), 12)  # matrices too


def test_lookahead_bad_arguments_are_named():
    for k in (0, -1, 2.5, True, "5"):
        with pytest.raises(ValueError, match="Invalid k"):
            ol.Lookahead(ol.SGD(lr=0.1), k=k)
    for alpha in (0.0, -0.5, 1.5, np.nan):
        with pytest.raises(ValueError, match="Invalid alpha"):
            ol.Lookahead(ol.SGD(lr=0.1), alpha=alpha)
    with pytest.raises(TypeError, match="optimizer must be an optimlab optimizer"):
        ol.Lookahead("SGD")
    with pytest.raises(ValueError, match=r"alpha with shape \(2,\) must fit"):
        ol.Lookahead(ol.SGD(lr=np.ones(3)), alpha=np.array([0.5, 0.6]))
    with pytest.raises(ValueError, match="reads as the point's own"):
        ol.Lookahead(ol.Muon(), alpha=np.array([0.5, 0.6]))


# -- no warnings, whatever the hyperparameters ------------------------------------------------

HYPER = {
    ol.SparseAdam: dict(lr=(1e-6, 10), eps=(1e-12, 1)),
    ol.Adafactor: dict(lr=(0, 10), beta2_decay=(-2, 0), d=(1, 10), weight_decay=(0, 5)),
    ol.Muon: dict(lr=(0, 10), momentum=(0, 2), weight_decay=(0, 5), eps=(0, 1)),
}


@pytest.mark.parametrize("opt", list(HYPER), ids=lambda o: o.__name__)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_no_numpy_warning_whatever_the_hyperparameters(opt, data):
    kwargs = {k: data.draw(st.floats(lo, hi), label=k) for k, (lo, hi) in HYPER[opt].items()}
    if opt is ol.Muon:
        kwargs["nesterov"] = data.draw(st.booleans(), label="nesterov")
        kwargs["ns_dtype"] = data.draw(st.sampled_from(["bfloat16", "float64"]), label="dtype")
    elif opt is ol.Adafactor:
        kwargs["eps"] = (data.draw(st.none() | st.floats(0, 1)), data.draw(st.floats(0, 1)))
    if data.draw(st.booleans(), label="lookahead"):
        opt_ = ol.Lookahead(opt(**kwargs), k=data.draw(st.integers(1, 6)), alpha=0.5)
    else:
        opt_ = opt(**kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = ol.run(opt_, MATRIX, np.zeros((3, 4)), steps=30)
    finite = np.isfinite(t.x).all(axis=(-2, -1))
    if t.diverged_at is None:
        assert finite.all()
    else:
        assert finite[: t.diverged_at].all() and not finite[t.diverged_at :].any()
