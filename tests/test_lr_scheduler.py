"""optimlab.lr_scheduler: torch's checks and messages, the pure interface, and properties
(Hypothesis). Agreement with torch's numbers is in test_lr_scheduler_torch.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import optimlab as ol
import optimlab.lr_scheduler as L

# -- torch's checks, with torch's messages -------------------------------------------------------
CHECKS = [
    (lambda: L.CosineAnnealingWarmRestarts(T_0=0), "Expected positive integer T_0, but got 0"),
    (lambda: L.CosineAnnealingWarmRestarts(T_0=2.5), "Expected positive integer T_0, but got 2.5"),
    (
        lambda: L.CosineAnnealingWarmRestarts(T_0=True),
        "Expected positive integer T_0, but got True",
    ),
    (lambda: L.CosineAnnealingWarmRestarts(9, T_mult=0), "Expected integer T_mult >= 1, but got 0"),
    (
        lambda: L.CosineAnnealingWarmRestarts(9, eta_min="0"),
        "Expected float or int eta_min, but got 0 of type <class 'str'>",
    ),
    (
        lambda: L.OneCycleLR(max_lr=0.1),
        "You must define either total_steps OR (epochs AND steps_per_epoch)",
    ),
    (
        lambda: L.OneCycleLR(max_lr=0.1, epochs=10),
        "You must define either total_steps OR (epochs AND steps_per_epoch)",
    ),
    (lambda: L.OneCycleLR(0.1, total_steps=0), "Expected positive integer total_steps, but got 0"),
    (
        lambda: L.OneCycleLR(0.1, total_steps=9.0),
        "Expected positive integer total_steps, but got 9.0",
    ),
    (
        lambda: L.OneCycleLR(0.1, epochs=0, steps_per_epoch=5),
        "Expected positive integer epochs, but got 0",
    ),
    (
        lambda: L.OneCycleLR(0.1, epochs=2, steps_per_epoch=-1),
        "Expected positive integer steps_per_epoch, but got -1",
    ),
    (
        lambda: L.OneCycleLR(0.1, 100, pct_start=1),
        "Expected float between 0 and 1 pct_start, but got 1",
    ),
    (
        lambda: L.OneCycleLR(0.1, 100, pct_start=1.5),
        "Expected float between 0 and 1 pct_start, but got 1.5",
    ),
    (
        lambda: L.OneCycleLR(0.1, 100, anneal_strategy="exp"),
        "anneal_strategy must be one of 'cos' or 'linear', instead got exp",
    ),
    (lambda: L.OneCycleLR([0.1, 0.2], 100), "max_lr must have the same length as optimizer"),
    (lambda: L.CyclicLR(0.01, 0.1, mode="triangle"), "mode is invalid and scale_fn is None"),
    (
        lambda: L.CyclicLR(0.01, 0.1, step_size_up=0),
        "step_size_up must be a positive integer, got 0",
    ),
    (lambda: L.CyclicLR(0.01, 0.1, scale_fn=abs, scale_mode="epoch"), "scale_mode must be"),
    (lambda: L.CyclicLR([0.1, 0.2], 0.3), "base_lr must have the same length as optimizer"),
    (lambda: L.CyclicLR(0.01, -0.1), "max_lr must be a finite real number and >= 0.0, got -0.1"),
    (lambda: L.ReduceLROnPlateau(factor=1.0), "Factor should be < 1.0."),
    (lambda: L.ReduceLROnPlateau(mode="avg"), "mode avg is unknown!"),
    (lambda: L.ReduceLROnPlateau(threshold_mode="pct"), "threshold mode pct is unknown!"),
    (lambda: L.ReduceLROnPlateau(min_lr=[0.1, 0.2]), "expected 1 min_lrs, got 2"),
    (lambda: L.ReduceLROnPlateau(patience=-1), "patience must be a non-negative integer, got -1"),
    (
        lambda: L.ConstantLR(factor=1.5),
        "Constant multiplicative factor expected to be between 0 and 1.",
    ),
    (lambda: L.ConstantLR(factor=0.0), "factor=0: torch divides by it"),
    (
        lambda: L.LinearLR(start_factor=0.0),
        "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.",
    ),
    (
        lambda: L.LinearLR(end_factor=1.5),
        "Ending multiplicative factor expected to be between 0 and 1.",
    ),
    (lambda: L.LinearLR(total_iters=0), "total_iters must be a positive integer, got 0"),
    (lambda: L.StepLR(step_size=0), "step_size must be a positive integer, got 0"),
    (lambda: L.StepLR(10, gamma=float("nan")), "gamma must be a finite real number"),
    (lambda: L.MultiStepLR([10, 2.5]), "milestones must be a non-negative integer, got 2.5"),
    (lambda: L.ExponentialLR(gamma=-0.5), "gamma must be a finite real number and >= 0.0"),
    (lambda: L.PolynomialLR(power=-1.0), "power must be a finite real number and >= 0.0"),
    (lambda: L.CosineAnnealingLR(T_max=0), "T_max must be a positive integer, got 0"),
    (lambda: L.CosineAnnealingLR(10, eta_min=-1e-3), "eta_min must be a finite real number"),
    (lambda: L.LambdaLR([abs, abs]), "Expected 1 lr_lambdas, but got 2"),
    (lambda: L.MultiplicativeLR(0.95), "lr_lambda should be a function, but got float"),
    (lambda: L.SequentialLR([], []), "SequentialLR expects at least one scheduler, but got no"),
    (
        lambda: L.SequentialLR([L.ReduceLROnPlateau()], []),
        "SequentialLR does not support `ReduceLROnPlateau` scheduler",
    ),
    (
        lambda: L.SequentialLR([L.ConstantLR(), L.ExponentialLR(0.9)], [5, 10]),
        "Sequential Schedulers expects number of schedulers provided to be one more than the "
        "number of milestone points, but got number of schedulers 2 and the number of "
        "milestones to be equal to 2",
    ),
    (
        lambda: L.SequentialLR([L.ConstantLR(), L.StepLR(5), L.StepLR(3)], [10, 10]),
        "milestones must be strictly increasing",
    ),
    (
        lambda: L.SequentialLR([L.ConstantLR(), L.ChainedScheduler([L.StepLR(5)])], [10]),
        "cannot follow a milestone",
    ),
    (
        lambda: L.ChainedScheduler([]),
        "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.",
    ),
    (
        lambda: L.ChainedScheduler([L.StepLR(5), L.ReduceLROnPlateau()]),
        "ChainedScheduler does not support `ReduceLROnPlateau` scheduler as it requires "
        "additional kwargs to be specified when calling `step`, but got one at index 1",
    ),
    (lambda: L.StepLR(5, last_epoch=3), "last_epoch=3: torch uses it to resume"),
]


@pytest.mark.parametrize(("make", "message"), CHECKS)
def test_checks_raise_torchs_message(make, message):
    with pytest.raises((ValueError, TypeError)) as info:
        make()
    assert message in str(info.value)


def test_missing_required_arguments_raise_pythons_type_error_as_in_torch():
    with pytest.raises(TypeError, match="max_lr"):
        L.OneCycleLR(total_steps=10)
    with pytest.raises(TypeError, match="max_lr"):
        L.CyclicLR(base_lr=0.01)
    with pytest.raises(TypeError, match="T_0"):
        L.CosineAnnealingWarmRestarts()


@pytest.mark.parametrize(
    ("base_lr", "message"),
    [
        (-0.1, "base_lr must be finite and non-negative, got -0.1"),
        (float("nan"), "base_lr must be finite and non-negative, got nan"),
        (float("inf"), "base_lr must be finite and non-negative, got inf"),
        (np.array([0.1, -2.0]), "base_lr must be finite and non-negative, got -2.0"),
    ],
)
def test_bad_base_lr(base_lr, message):
    with pytest.raises(ValueError, match=message):
        L.StepLR(10).lrs(base_lr, 5)
    with pytest.raises(ValueError, match=message):
        L.StepLR(10).init(base_lr)


def test_bad_base_lr_type():
    with pytest.raises(TypeError, match="base_lr must be a real number"):
        L.StepLR(10).lrs("0.1", 5)


@pytest.mark.parametrize("steps", [2.5, -1, True, "10", None])
def test_bad_steps(steps):
    with pytest.raises(ValueError, match=f"steps must be a non-negative integer, got {steps!r}"):
        L.ExponentialLR(0.9).lrs(0.1, steps)


def test_zero_steps_and_numpy_integers():
    assert L.ExponentialLR(0.9).lrs(0.1, 0).shape == (0,)
    assert L.ExponentialLR(0.9).lrs(np.ones(3), np.int64(4)).shape == (4, 3)


def test_onecycle_stops_at_total_steps_with_torchs_message():
    sched = L.OneCycleLR(0.1, total_steps=10)
    assert sched.lrs(0.1, 10).shape == (10,)
    with pytest.raises(ValueError, match="Tried to step 11 times. The specified number of total"):
        sched.lrs(0.1, 11)


def test_onecycle_phase_without_steps():
    """torch: ZeroDivisionError (pct_start·total_steps = 1, or pct_start = 1 at the end)."""
    with pytest.raises(ValueError, match="phase 1 has no steps"):
        L.OneCycleLR(0.1, total_steps=10, pct_start=0.1).init(0.1)
    with pytest.raises(ValueError, match="phase 2 has no steps"):
        L.OneCycleLR(0.1, total_steps=10, pct_start=1.0).lrs(0.1, 10)


def test_loss_is_refused_where_not_read_and_required_where_read():
    sched = L.StepLR(10)
    with pytest.raises(ValueError, match="StepLR.step takes no loss"):
        sched.step(sched.init(0.1), loss=1.0)
    with pytest.raises(ValueError, match="takes no losses"):
        sched.lrs(0.1, 3, [1.0, 1.0, 1.0])
    plateau = L.ReduceLROnPlateau()
    assert plateau.needs_loss and not sched.needs_loss
    with pytest.raises(ValueError, match="needs the loss"):
        plateau.step(plateau.init(0.1))
    with pytest.raises(ValueError, match="needs the losses"):
        plateau.lrs(0.1, 3)
    with pytest.raises(ValueError, match=r"one loss per step, shape \(3, ...\), got shape \(2,\)"):
        plateau.lrs(0.1, 3, [1.0, 2.0])


def test_lambda_returning_nan_is_refused():
    with pytest.raises(ValueError, match=r"lr_lambda\(0\) must return a finite real number"):
        L.LambdaLR(lambda e: math.nan).init(0.1)
    with pytest.raises(ValueError, match=r"lr_lambda\(1\) must return a finite real number"):
        L.MultiplicativeLR(lambda e: "x").lrs(0.1, 3)


def test_check_optimizer():
    msg = "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"
    for sched in (L.CyclicLR(0.01, 0.1), L.OneCycleLR(0.1, 100)):
        assert sched.cycles_momentum
        assert sched.check_optimizer(ol.SGD(0.1, momentum=0.9)) == "momentum"
        assert sched.check_optimizer(ol.SGD(0.1)) == "momentum"  # torch: "momentum" in defaults
        assert sched.check_optimizer(ol.RMSprop()) == "momentum"
        for adam in (ol.Adam(), ol.AdamW(), ol.NAdam(), ol.RAdam(), ol.Adamax(), ol.Eve()):
            assert sched.check_optimizer(adam) == "beta1"
        for opt in (ol.Adagrad(), ol.Adadelta(), ol.ASGD(), ol.Rprop()):
            with pytest.raises(ValueError, match=msg):
                sched.check_optimizer(opt)
    assert L.CyclicLR(0.01, 0.1, cycle_momentum=False).check_optimizer(ol.Adagrad()) is None
    assert L.StepLR(5).check_optimizer(ol.Adagrad()) is None
    seq = L.SequentialLR([L.LinearLR(), L.OneCycleLR(0.1, 100)], [5])
    assert seq.cycles_momentum
    with pytest.raises(ValueError, match=msg):
        seq.check_optimizer(ol.Adagrad())
    with pytest.raises(ValueError, match="does not cycle momentum"):
        L.StepLR(5).momenta(10)


def test_momentum_in_effect():
    sched = L.OneCycleLR(0.1, total_steps=100)
    state = sched.init(0.01, base_momentum=0.9)
    assert sched.momentum(state) == 0.95  # overwritten with max_momentum, as torch does
    assert L.StepLR(5).momentum(L.StepLR(5).init(0.1, 0.9)) is None
    momenta = L.CyclicLR(0.01, 0.1, step_size_up=4).momenta(9)
    assert momenta.tolist() == pytest.approx(
        [0.9, 0.875, 0.85, 0.825, 0.8, 0.825, 0.85, 0.875, 0.9]
    )


# -- numbers that show what torch does (recorded by torch_golden/torch_surprises.py) --------------
def test_torchs_surprises():
    # OneCycleLR's cosine starts a hair above max_lr/div_factor, ends exactly at its minimum,
    # and one scheduler step past the end leaves the lr off the schedule (linear: negative)
    assert L.OneCycleLR(0.1, total_steps=10).lrs(0.1, 10)[[0, -1]].tolist() == [
        0.0040000000000000036,
        4e-07,
    ]
    sched = L.OneCycleLR(0.1, total_steps=10, anneal_strategy="linear")
    state = sched.init(0.1)
    for _ in range(10):
        state = sched.step(state)
    assert sched.lr(state) == -0.014285257142857138
    # LinearLR to 0 overshoots by round-off and stays negative
    assert L.LinearLR(0.3, 0.0, total_iters=3).lrs(0.1, 5)[-1] == -2.2204460492503124e-18
    # CosineAnnealingLR has no restart: past T_max it climbs back, drifting above the base lr
    assert L.CosineAnnealingLR(10).lrs(0.1, 22)[20] == 0.10000000000000044
    # the recursive cosine with eta_min above a base lr of 0 comes back below 0
    assert L.CosineAnnealingLR(10, eta_min=0.001).lrs(0.0, 21)[20] == -3.686287386450715e-18
    # CyclicLR overwrites the optimizer's lr with its own base_lr
    assert L.CyclicLR(0.01, 0.1).lrs(0.5, 1)[0] == 0.01
    # SequentialLR: MultiplicativeLR after a milestone continues from the previous lr
    seq = L.SequentialLR([L.ExponentialLR(0.98), L.MultiplicativeLR(lambda e: 0.95)], [50])
    assert seq.lrs(0.1, 53)[49:].tolist() == [
        0.03716017143746089,
        0.03530216286558785,
        0.03353705472230845,
        0.03186020198619303,
    ]
    # a ChainedScheduler first in a SequentialLR: its initial step is a real step (0.95 applied)
    chain = L.ChainedScheduler([L.ExponentialLR(0.95), L.LinearLR(0.5, total_iters=4)])
    seq = L.SequentialLR([chain, L.StepLR(10)], [30])
    assert seq.lrs(0.1, 3).tolist() == [0.0475, 0.05640625, 0.06430312499999999]
    # ReduceLROnPlateau, min and rel: slowly rising negative losses count as improvements
    neg = [-1.0, -0.99995, -0.9999, -0.99985, -0.9998, -0.99975]
    assert L.ReduceLROnPlateau(patience=1).lrs(0.1, 6, neg).tolist() == [0.1] * 6
    pos = [1.0, 1.00005, 1.0001, 1.00015, 1.0002, 1.00025]
    assert L.ReduceLROnPlateau(patience=1).lrs(0.1, 6, pos)[[2, 3, 5]].tolist() == [
        0.1,
        0.010000000000000002,
        0.0010000000000000002,
    ]


def test_recursive_cosine_is_not_the_closed_form():
    """The two agree to 1e-13 relative, so only bit equality (test_lr_scheduler_torch)
    shows which one is computed: here, that they do differ."""
    got = L.CosineAnnealingLR(37, eta_min=0.01).lrs(0.05, 300)
    closed = [0.01 + (0.05 - 0.01) * (1 + math.cos(math.pi * t / 37)) / 2 for t in range(300)]
    assert not np.array_equal(got, closed)
    assert np.allclose(got, closed, rtol=1e-13, atol=0)


# -- ReduceLROnPlateau over a sweep of losses ---------------------------------------------------
def test_plateau_sweep_of_losses_is_the_single_runs():
    rng = np.random.default_rng(0)
    losses = np.cumsum(rng.normal(0, 0.05, (200, 4)), axis=0) + 5
    sched = L.ReduceLROnPlateau(patience=3, cooldown=2, factor=0.5, min_lr=1e-3)
    swept = sched.lrs(0.1, 200, losses)
    assert swept.shape == (200, 4)
    for j in range(4):
        assert np.array_equal(swept[:, j], sched.lrs(0.1, 200, losses[:, j]))
    assert any(len(np.unique(row)) > 1 for row in swept)  # the runs part ways


# -- properties ------------------------------------------------------------------------------
fractions = st.floats(0.01, 1.0)
scheduler_strategies = {
    "LambdaLR": st.builds(L.LambdaLR, st.sampled_from([lambda e: 0.97**e, lambda e: 1 / (e + 1)])),
    "MultiplicativeLR": st.builds(L.MultiplicativeLR, st.just(lambda e: 0.99)),
    "StepLR": st.builds(L.StepLR, st.integers(1, 50), st.floats(0.0, 1.0)),
    "MultiStepLR": st.builds(L.MultiStepLR, st.lists(st.integers(0, 150), max_size=5), fractions),
    "ConstantLR": st.builds(L.ConstantLR, fractions, st.integers(1, 100)),
    "LinearLR": st.builds(L.LinearLR, fractions, fractions, st.integers(1, 100)),
    "ExponentialLR": st.builds(L.ExponentialLR, st.floats(0.0, 1.0)),
    "PolynomialLR": st.builds(L.PolynomialLR, st.integers(1, 150), st.floats(0.0, 5.0)),
    "CosineAnnealingLR": st.builds(L.CosineAnnealingLR, st.integers(1, 120), st.floats(0, 1e-3)),
    "CosineAnnealingWarmRestarts": st.builds(
        L.CosineAnnealingWarmRestarts, st.integers(1, 60), st.integers(1, 3), st.floats(0, 1e-3)
    ),
    "CyclicLR": st.builds(
        L.CyclicLR,
        st.floats(0, 0.1),
        st.floats(0, 1.0),
        st.integers(1, 50),
        st.one_of(st.none(), st.integers(1, 50)),
        st.sampled_from(["triangular", "triangular2", "exp_range"]),
        st.floats(0.9, 1.0),
    ),
    "OneCycleLR": st.builds(
        L.OneCycleLR,
        st.floats(0, 1.0),
        st.integers(200, 400),
        pct_start=st.floats(0.0, 1.0),
        anneal_strategy=st.sampled_from(["cos", "linear"]),
        three_phase=st.booleans(),
        div_factor=st.floats(1.0, 100.0),
        final_div_factor=st.floats(1.0, 1e4),
    ),
}
single = st.one_of(*scheduler_strategies.values())
chainable = st.one_of(
    *(v for k, v in scheduler_strategies.items() if k not in ("CyclicLR", "OneCycleLR"))
)
schedulers = st.one_of(
    single,
    st.builds(lambda a, b, m: L.SequentialLR([a, b], [m]), single, single, st.integers(1, 150)),
    st.builds(lambda a, b: L.ChainedScheduler([a, b]), chainable, chainable),
)
base_lrs = st.floats(0.0, 10.0)


def valid_steps(sched, steps, base_lr=None):
    """OneCycleLR runs at most total_steps; its phases must have steps. For the sign property,
    eta_min at most the lr the cosine starts from: the base lr, and 0 inside a chain, where
    the lr may already be below it (above it, torch's recursive cosine can come back to an lr
    of 0 as -3.7e-18: test_torchs_surprises)."""
    parts = sched.schedulers if hasattr(sched, "schedulers") else [sched]
    if base_lr is not None:
        bound = base_lr if len(parts) == 1 and parts[0] is sched else 0.0
        assume(all(getattr(s, "eta_min", 0.0) <= bound for s in parts))
    for s in parts:
        if isinstance(s, L.OneCycleLR):
            steps = min(steps, s.total_steps)
            ends = [p[0] for p in s._phases]
            assume(all(b != a for a, b in zip([0.0, *ends[:-1]], ends, strict=True)))
    return steps


@settings(max_examples=150, deadline=None)
@given(schedulers, base_lrs, st.integers(0, 200))
def test_lrs_are_finite_and_non_negative(sched, base_lr, steps):
    steps = valid_steps(sched, steps, base_lr)
    lrs = sched.lrs(base_lr, steps)
    assert lrs.shape == (steps,)
    assert np.isfinite(lrs).all() and (lrs >= 0).all()
    if sched.cycles_momentum:
        assert np.isfinite(sched.momenta(steps)).all()


@settings(max_examples=60, deadline=None)
@given(schedulers, st.lists(base_lrs, min_size=1, max_size=5), st.integers(0, 120))
def test_sweep_equals_the_scalar_runs(sched, base_lr, steps):
    steps = valid_steps(sched, steps)
    swept = sched.lrs(np.array(base_lr), steps)
    for i, b in enumerate(base_lr):
        assert np.array_equal(swept[:, i], sched.lrs(b, steps))


@settings(max_examples=60, deadline=None)
@given(schedulers, base_lrs, st.integers(0, 120))
def test_step_by_step_equals_lrs_and_mutates_nothing(sched, base_lr, steps):
    steps = valid_steps(sched, steps)
    state = sched.init(base_lr, 0.9)
    lrs = []
    for _ in range(steps):
        lrs.append(sched.lr(state))
        snapshot = repr(state)
        new = sched.step(state)
        assert repr(state) == snapshot
        state = new
    assert np.array_equal(np.array(lrs, dtype=float), sched.lrs(base_lr, steps))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-10, 10), min_size=1, max_size=80),
    st.sampled_from(["min", "max"]),
    st.sampled_from(["rel", "abs"]),
    st.integers(0, 5),
    st.integers(0, 5),
)
def test_plateau_lrs_never_grow_nor_fall_below_min_lr(losses, mode, tmode, patience, cooldown):
    sched = L.ReduceLROnPlateau(mode, 0.5, patience, 0.01, tmode, cooldown, min_lr=1e-3)
    lrs = sched.lrs(0.1, len(losses), losses)
    assert (np.diff(lrs) <= 0).all() and (lrs >= 1e-3).all()


def test_schedule_parameter_sweeps_are_the_single_schedules():
    """CyclicLR's base_lr/max_lr and OneCycleLR's max_lr as arrays: each column is the schedule
    made with that scalar, bit for bit; the optimizer's own lr sweep broadcasts with them."""
    max_lrs = np.array([0.05, 0.1, 0.3])
    swept = L.OneCycleLR(max_lrs, total_steps=100, three_phase=True).lrs(0.1, 100)
    cyc = L.CyclicLR(0.01, max_lrs, step_size_up=7, mode="triangular2").lrs(0.1, 100)
    for i, m in enumerate(max_lrs):
        one = L.OneCycleLR(float(m), total_steps=100, three_phase=True).lrs(0.1, 100)
        assert np.array_equal(swept[:, i], one)
        single = L.CyclicLR(0.01, float(m), step_size_up=7, mode="triangular2")
        assert np.array_equal(cyc[:, i], single.lrs(0.1, 100))
    seq = L.SequentialLR([L.LinearLR(), L.CyclicLR(0.01, max_lrs, 5)], [5])
    assert seq.lrs(np.array([[0.1], [0.2]]), 30).shape == (30, 2, 3)


def test_shapes_that_do_not_broadcast_are_named():
    with pytest.raises(ValueError, match=r"base_lr with shape \(2,\) and max_lr with shape \(3,\)"):
        L.CyclicLR(np.ones(2) * 0.01, np.ones(3))
    with pytest.raises(ValueError, match=r"base_lr with shape \(2,\) and the schedule's own arr"):
        L.OneCycleLR(np.ones(3), 10).lrs(np.ones(2), 5)
    plateau = L.ReduceLROnPlateau()
    with pytest.raises(ValueError, match=r"loss with shape \(3,\) and the lr with shape \(2,\)"):
        plateau.step(plateau.init(np.array([0.1, 0.2])), loss=np.ones(3))
