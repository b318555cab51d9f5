"""An adversarial review of main after issue 9: each test here failed before its fix.

Numbers follow the review's findings (F1 ... F20); what the review found that was not a defect
is pinned here too, so that it stays so (F6, F9). The last section holds what a Hypothesis search
found afterwards.
"""

import sys
import warnings

import numpy as np
import pytest

import optimlab as ol
from optimlab import lr_scheduler as S
from optimlab import nn, race
from optimlab import theory as T
from optimlab.exercises import EXERCISES

P = ol.quadratic(4.0)


# -- F1: the callback ------------------------------------------------------------------------


def test_f1_a_numpy_false_from_the_callback_stops_the_run():
    t = ol.run(ol.SGD(lr=0.1), P, 2.0, 10, callback=lambda k, x: np.False_ if k == 3 else None)
    assert t.steps == 3 and t.x.shape == (4,)


def test_f1_only_false_stops_a_run_not_other_falsy_values():
    for value in (None, 0, 0.0, "", []):
        t = ol.run(ol.SGD(lr=0.1), P, 2.0, 5, callback=lambda k, x, v=value: v)
        assert t.steps == 5


@pytest.mark.parametrize("x0, lr", [(2.0, 0.1), ([1.0, 2.0], 0.1), (2.0, [0.1, 0.2])])
def test_f1_the_callback_gets_the_users_shape_read_only(x0, lr):
    got = []
    p = P if np.ndim(x0) == 0 else ol.Problem(f=lambda x: np.sum(x**2, -1), grad=lambda x: 2 * x)
    t = ol.run(ol.SGD(lr=lr), p, x0, 3, callback=lambda k, x: got.append(x))
    assert len(got) == 3
    for k, x in enumerate(got, 1):
        assert x.shape == t.x.shape[1:]
        np.testing.assert_array_equal(x, t.x[k])
        assert not x.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            x[...] = 0.0


# -- F2: del on a read-only optimizer ---------------------------------------------------------


@pytest.mark.parametrize(
    "make, name",
    [(lambda: ol.SGD(lr=0.1), "lr"), (lambda: ol.Lookahead(ol.Adam()), "k"), (ol.Adam, "_arrays")],
)
def test_f2_hyperparameters_cannot_be_deleted(make, name):
    opt = make()
    with pytest.raises(AttributeError, match=f"read-only: '{name}' cannot be deleted"):
        delattr(opt, name)
    assert getattr(opt, name) is not None


# -- F3: sampling flags without a batch size ---------------------------------------------------


@pytest.mark.parametrize(
    "kw, error, message",
    [
        ({"replacement": "yes"}, TypeError, "replacement must be True or False, got 'yes'"),
        ({"drop_last": 5}, TypeError, "drop_last must be True or False, got 5"),
        ({"replacement": True}, ValueError, "replacement=True samples minibatches: give"),
        ({"drop_last": True}, ValueError, "drop_last=True samples minibatches: give"),
    ],
)
def test_f3_sampling_flags_are_checked_without_batch_size(kw, error, message):
    with pytest.raises(error, match=message):
        ol.run(ol.SGD(lr=0.1), P, 2.0, 2, **kw)


def test_f3_false_flags_without_batch_size_are_fine():
    t = ol.run(ol.SGD(lr=0.1), P, 2.0, 2, replacement=False, drop_last=np.False_)
    assert t.steps == 2


# -- F4: init takes real numbers --------------------------------------------------------------


@pytest.mark.parametrize("opt", [ol.SGD(lr=0.1, momentum=0.9), ol.Adam(), ol.Rprop()])
@pytest.mark.parametrize("x", ["abc", None, [1j, 2.0], {"a": 1}])
def test_f4_init_refuses_what_is_not_real_numbers(opt, x):
    with pytest.raises(TypeError, match="x must be real numbers"):
        opt.init(x)


def test_f4_init_still_takes_lists_and_ints():
    state = ol.Adam().init([1, 2])
    assert state["exp_avg"].shape == (2,)


# -- F5: steps_to_tolerance's tol and f_min --------------------------------------------------


@pytest.mark.parametrize(
    "f_min, tol, message",
    [
        (0.0, float("nan"), "tol must be a finite number, got nan"),
        (0.0, float("inf"), "tol must be a finite number, got inf"),
        (float("nan"), 1e-3, "f_min must be a finite number, got nan"),
        (0.0, "1e-3", "tol must be a real number"),
        (0.0, [1e-3, 1e-2], "tol must be one number"),
    ],
)
def test_f5_steps_to_tolerance_checks_tol_and_f_min(f_min, tol, message):
    t = ol.run(ol.SGD(lr=0.1), P, 2.0, 10)
    with pytest.raises((ValueError, TypeError), match=message):
        race.steps_to_tolerance(t, f_min, tol)


def test_f5_a_negative_tol_stays_allowed_as_documented():
    saddle = ol.Problem(f=lambda x: -(x**2), grad=lambda x: -2 * x)
    t = ol.run(ol.SGD(lr=0.1), saddle, 1.0, 20)
    assert race.steps_to_tolerance(t, -1.0, -1.0) == 2  # loss −1.44^k ≤ −2 first at k = 2
    assert race.steps_to_tolerance(t, 0.0, -1e9) is None


# -- F6 (not a defect): a float T_max is torch's ---------------------------------------------


def test_f6_cosine_with_a_float_t_max_computes_as_torch_does():
    # torch does not check T_max; the golden test CosineAnnealingLR/10.5 agrees to the bit
    lrs = S.CosineAnnealingLR(T_max=2.5).lrs(1.0, 3)
    np.testing.assert_allclose(lrs[1], (1 + np.cos(np.pi / 2.5)) / 2, rtol=1e-15)


# -- F7: f and grad are checked at every call ------------------------------------------------


def _turns(after, bad, good):
    calls = [0]

    def fn(x):
        calls[0] += 1
        return good(x) if calls[0] <= after else bad(x)

    return fn


@pytest.mark.parametrize(
    "bad, error, message",
    [
        (lambda x: (8 * x).astype(complex), TypeError, "grad must return real numbers; .*complex"),
        (lambda x: None, TypeError, "grad must return real numbers; .*None"),
        (lambda x: "8", TypeError, "grad must return real numbers; .*'8'"),
        (lambda x: np.zeros(3), ValueError, r"grad must return an array of x's shape: .*\(3,\)"),
    ],
)
def test_f7_grad_going_bad_after_the_first_call_is_caught(bad, error, message):
    p = ol.Problem(f=lambda x: 4 * x**2, grad=_turns(2, bad, lambda x: 8 * x))
    with pytest.raises(error, match=message):
        ol.run(ol.SGD(lr=0.1), p, 2.0, 5)


def test_f7_f_going_complex_after_the_first_call_is_caught():
    p = ol.Problem(f=_turns(2, lambda x: 4 * x**2 + 0j, lambda x: 4 * x**2), grad=lambda x: 8 * x)
    with pytest.raises(TypeError, match="f must return real numbers; .*complex"):
        ol.run(ol.SGD(lr=0.1), p, 2.0, 5)


def test_f7_float32_and_int_results_still_pass():
    p = ol.Problem(f=lambda x: (4 * x**2).astype(np.float32), grad=lambda x: np.round(8 * x))
    t = ol.run(ol.SGD(lr=0.1), p, 2.0, 3)
    assert t.x.dtype == float and t.diverged_at is None


# -- F8: no NumPy warning from a step or from adam_stream -------------------------------------


@pytest.mark.parametrize("g", [np.inf, -np.inf, np.nan, 1e300])
@pytest.mark.parametrize(
    "opt", [ol.Adam(), ol.RMSprop(), ol.Adagrad(), ol.NAdam(), ol.RAdam(), ol.SGD(lr=1e300)]
)
def test_f8_a_step_on_an_overflowing_gradient_warns_nothing(opt, g):
    x = np.array([1.0, 2.0])
    x1, _ = opt.step(x, np.array([g, 1.0]), opt.init(x))  # filterwarnings = error
    assert x1.shape == (2,)


def test_f8_warnings_outside_the_step_are_not_silenced():
    ol.Adam().step(np.ones(1), np.ones(1), ol.Adam().init(np.ones(1)))
    with pytest.raises(RuntimeWarning):
        np.ones(1) / np.zeros(1)


@pytest.mark.parametrize(
    "grads, kw",
    [(np.array([1e200, 1e200, 1.0]), {}), (np.zeros(3), {"eps": 0.0}), (np.array([0.0, 1.0]), {})],
)
def test_f8_adam_stream_warns_nothing_and_equals_replay(grads, kw):
    move, _ = T.adam_stream(grads, **kw)
    opt = ol.Adam(lr=1.0, betas=(0.0, 0.999), **kw)
    x = np.empty(len(grads) + 1)
    x[0], state = 0.0, opt.init(np.zeros(()))
    for k, g in enumerate(grads):
        x[k + 1], state = opt.step(x[k], g, state)
    np.testing.assert_allclose(move, np.diff(x), rtol=1e-12, equal_nan=True)


# -- F9 (defined, pinned): a diverged network's loss --------------------------------------------


def test_f9_a_network_with_nan_or_inf_weights_gives_nan_without_warning_and_run_records_it():
    net = nn.MLP((2, 3, 2))
    X, y = np.ones((4, 2)), np.array([0, 1, 0, 1])
    for bad in (np.nan, np.inf):
        w = net.init(0)
        w[0 if bad != bad else slice(None)] = bad  # one NaN, or every weight infinite
        assert np.isnan(net.loss(w, X, y))
        assert np.isnan(net.loss_and_grad(w, X, y)[1]).all()
        assert np.isnan(net.accuracy(w, X, y))
    t = ol.run(ol.SGD(lr=1e308), nn.classifier(net, X, y, 0.1), net.init(0), 5)
    assert t.diverged_at == 1 and np.isnan(t.loss[1:]).all()


# -- F10: noise is one number -----------------------------------------------------------------


@pytest.mark.parametrize("noise", [np.array([0.1, 0.2]), [0.1], np.array([[0.1]])])
def test_f10_an_array_of_noise_levels_is_refused_clearly(noise):
    with pytest.raises(ValueError, match=r"noise must be one number .* run once per level"):
        ol.run(ol.SGD(lr=0.1), P, 2.0, 5, noise=noise)


def test_f10_a_zero_d_array_noise_is_one_number():
    a = ol.run(ol.SGD(lr=0.1), P, 2.0, 5, noise=np.array(0.5), seed=3)
    b = ol.run(ol.SGD(lr=0.1), P, 2.0, 5, noise=0.5, seed=3)
    np.testing.assert_array_equal(a.x, b.x)


# -- F11: replay's every ------------------------------------------------------------------------


@pytest.mark.parametrize("every", [0, -1, 1.5, True, "2"])
def test_f11_replay_checks_every(every):
    with pytest.raises(ValueError, match="every must be a positive integer"):
        ol.replay(ol.SGD(lr=0.1), np.ones(5), every=every)


# -- F12: what a schedule is ------------------------------------------------------------------


@pytest.mark.parametrize("schedule", [lambda t: 0.1, 0.1, "cosine", S.StepLR])
def test_f12_a_schedule_that_is_not_a_scheduler_is_refused(schedule):
    with pytest.raises(TypeError, match="schedule must be an optimlab.lr_scheduler scheduler"):
        ol.run(ol.SGD(lr=0.1), P, 2.0, 5, schedule=schedule)


# -- F13: Lookahead passes its inner optimizer through --------------------------------------


def test_f13_lookahead_has_its_inner_lr_and_replace_reaches_it():
    la = ol.Lookahead(ol.SGD(lr=0.1, momentum=0.9), k=3, alpha=0.25)
    assert la.lr == 0.1 and la.momentum == 0.9
    new = la.replace(lr=0.05, alpha=0.5)
    assert isinstance(new, ol.Lookahead)
    assert (new.lr, new.k, new.alpha, new.optimizer.momentum) == (0.05, 3, 0.5, 0.9)
    with pytest.raises(TypeError, match="has no hyperparameter 'gamma'"):
        la.replace(gamma=0.1)


def test_f13_a_schedule_drives_lookahead_as_its_inner_optimizer():
    sched = S.StepLR(step_size=2, gamma=0.5)
    t = ol.run(ol.Lookahead(ol.SGD(lr=0.1), k=4), P, 2.0, 6, schedule=sched)
    np.testing.assert_array_equal(t.lr, [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    # by hand: the same loop, the inner lr replaced step by step
    x, state = 2.0, ol.Lookahead(ol.SGD(lr=0.1), k=4).init(np.array([2.0]))
    x = np.array([2.0])
    for k in range(6):
        opt = ol.Lookahead(ol.SGD(lr=0.1 * 0.5 ** (k // 2)), k=4)
        x, state = opt.step(x, 8 * x, state)
    assert t.x[-1] == x[0]


def test_f13_a_one_cycle_schedule_cycles_the_inner_momentum():
    sched = S.OneCycleLR(max_lr=0.1, total_steps=10)
    t = ol.run(ol.Lookahead(ol.Adam()), P, 2.0, 10, schedule=sched)
    assert t.diverged_at is None and t.lr.shape == (11,)


@pytest.mark.parametrize("inner", [ol.LBFGS(lr=1), ol.Eve(lr=0.1)])
def test_f13_lookahead_passes_needs_closure_and_needs_loss_through(inner):
    la = ol.Lookahead(inner, k=2, alpha=1.0)  # alpha = 1: the inner optimizer alone
    assert la.needs_closure == getattr(inner, "needs_closure", False)
    assert la.needs_loss == getattr(inner, "needs_loss", False)
    t, alone = ol.run(la, P, 2.0, 4), ol.run(inner, P, 2.0, 4)
    np.testing.assert_array_equal(t.x, alone.x)
    if la.needs_closure:
        np.testing.assert_array_equal(t.evals, alone.evals)


# -- F14: a schedule that overflows ------------------------------------------------------------


def test_f14_a_schedule_whose_lr_overflows_says_which_step_and_schedule():
    sched = S.ExponentialLR(gamma=1e300)
    with pytest.raises(ValueError, match=r"the schedule ExponentialLR\(gamma=1e\+300\) gave lr="):
        ol.run(ol.SGD(lr=1.0), P, 0.0, 5, schedule=sched)


def test_f14_a_schedule_giving_a_negative_lr_says_so():
    sched = S.LambdaLR(lambda t: 1.0 - t)
    with pytest.raises(ValueError, match=r"before step 3, the schedule LambdaLR.* gave lr=-1\.0"):
        ol.run(ol.SGD(lr=1.0), P, 1.0, 5, schedule=sched)


# -- F15: a state from elsewhere ------------------------------------------------------------


@pytest.mark.parametrize(
    "opt, state, error, message",
    [
        (ol.Adam(), lambda x: ol.SGD(lr=0.1).init(x), ValueError, "state is not Adam's"),
        (ol.SGD(lr=0.1, momentum=0.9), lambda x: {}, ValueError, "state is not SGD's"),
        (ol.SGD(lr=0.1, momentum=0.9), lambda x: None, TypeError, "state must be the dict"),
        (ol.Adam(), lambda x: [1], TypeError, r"state must be the dict .* got \[1\]"),
        (ol.Adam(), lambda x: ol.Adam().init(np.zeros(3)), ValueError, r"shapes \(3,\)"),
        (ol.Rprop(), lambda x: ol.Rprop().init(np.zeros(3)), ValueError, r"shapes \(3,\)"),
    ],
)
def test_f15_a_state_from_another_optimizer_or_shape_is_named(opt, state, error, message):
    x = np.array([1.0, 2.0])
    with pytest.raises(error, match=message):
        opt.step(x, np.array([1.0, 1.0]), state(x))


def test_f15_a_closures_own_key_error_is_not_taken_for_a_bad_state():
    def closure(p):
        raise KeyError("mine")

    opt = ol.LBFGS()
    with pytest.raises(KeyError, match="mine"):
        opt.step(np.ones(2), None, opt.init(np.ones(2)), closure=closure)


# -- F16: a schedule's record too large -------------------------------------------------------


@pytest.mark.parametrize("steps", [10**20, 10**10])
def test_f16_lrs_refuses_a_record_too_large_before_allocating(steps):
    with pytest.raises(ValueError, match=rf"steps={steps} would record .* GiB"):
        S.StepLR(2).lrs(1.0, steps)
    with pytest.raises(ValueError, match="GiB"):
        S.OneCycleLR(max_lr=0.1, total_steps=2**62).momenta(steps)


# -- F17: theory's flags -----------------------------------------------------------------------


@pytest.mark.parametrize("nesterov", [np.array([True, False]), "yes", 2, None])
def test_f17_momentum_radius_takes_one_nesterov_flag(nesterov):
    with pytest.raises(TypeError, match="nesterov must be True or False"):
        T.momentum_radius(0.1, 0.9, nesterov=nesterov)


def test_f17_numpy_bools_are_flags():
    assert T.momentum_radius(0.01, 0.5, nesterov=np.True_) == T.momentum_radius(
        0.01, 0.5, nesterov=True
    )


# -- F18: MLP.init's seed ----------------------------------------------------------------------


@pytest.mark.parametrize("seed", [-1, 1.5, "a", True, [[1]], [1, -2], None, [0.5]])
def test_f18_mlp_init_checks_its_seed(seed):
    net = nn.MLP((2, 3, 2))
    with pytest.raises(ValueError, match="seed must be a non-negative integer or a list of them"):
        net.init(seed)


def test_f18_numpy_integer_seeds_and_arrays_of_them_pass():
    net = nn.MLP((2, 3, 2))
    np.testing.assert_array_equal(net.init(np.int64(3)), net.init(3))
    np.testing.assert_array_equal(net.init(np.array([3, 4]))[1], net.init(4))


# -- F19: tune_lr's make_optimizer -------------------------------------------------------------


@pytest.mark.parametrize(
    "make, message",
    [
        (5, "make_optimizer must be a racer's name or a callable"),
        (lambda lr: 5, r"make_optimizer\(lr=lrs\) must return an optimlab optimizer, got 5"),
        (ol.SGD(lr=0.1), "make_optimizer must be a racer's name or a callable"),
    ],
)
def test_f19_tune_lr_checks_make_optimizer(make, message):
    with pytest.raises(TypeError, match=message):
        race.tune_lr(make, P, 2.0, 10)


# -- F20: check() never raises on a learner's answer -------------------------------------------

CODE = [eid for eid, e in EXERCISES.items() if e.kind == "code"]


class _Custom(BaseException):
    pass


def _exits(*args):
    sys.exit(3)


def _custom(*args):
    raise _Custom("out")


def _generator_exit(*args):
    raise GeneratorExit


@pytest.mark.parametrize("eid", CODE)
@pytest.mark.parametrize("answer", [_exits, _custom, _generator_exit])
def test_f20_an_answer_raising_system_exit_or_base_exceptions_gets_feedback(eid, answer):
    result = ol.exercises.check(eid, answer)
    assert not result.passed and result.answered
    assert "raised" in result.message


@pytest.mark.parametrize("eid", CODE[:1])
def test_f20_keyboard_interrupt_still_stops(eid):
    def interrupted(*args):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ol.exercises.check(eid, interrupted)


class _Hostile:
    def __float__(self):
        sys.exit(1)

    def __eq__(self, other):
        sys.exit(1)

    __hash__ = object.__hash__


@pytest.mark.parametrize("eid", sorted(EXERCISES))
@pytest.mark.parametrize("answer", [int, float, np.ndarray, type, _Hostile()])
def test_f20_types_and_hostile_objects_as_answers_get_feedback(eid, answer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = ol.exercises.check(eid, answer)
    assert not result.passed
    if isinstance(answer, type):
        assert f"the type {answer.__name__}" in result.message
        assert f"the function {answer.__name__}" not in result.message


# -- found afterwards, by trying every public function with odd values ------------------------

HUGE = 10**400  # an int no float holds


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: S.StepLR(2, gamma=HUGE), ValueError, "gamma must be a finite real number"),
        (lambda: S.CosineAnnealingLR(T_max=HUGE), ValueError, r"T_max must be .* 2\*\*63 - 1"),
        (lambda: S.StepLR(2).lrs(HUGE, 3), ValueError, "base_lr must be finite"),
        (lambda: S.StepLR(2).lrs(1.0, HUGE), ValueError, "would record .* GiB"),
        (lambda: ol.run(ol.SGD(lr=0.1), P, 2.0, HUGE), ValueError, "would record .* GiB"),
        (lambda: ol.run(ol.SGD(lr=0.1), P, 2.0, 2**63, keep=("loss",)), ValueError, "GiB"),
        (lambda: T.gd_rate(HUGE), ValueError, "kappa must be a finite"),
        (lambda: T.steps_to(0.5, tol=HUGE), ValueError, "tol must be a finite number"),
        (lambda: race.tune_lr("SGD", P, 2.0, 5, lrs=HUGE), ValueError, "lrs must be a finite"),
        (
            lambda: nn.classifier(nn.MLP((2, 2)), np.ones((2, 2)), [0, 1], HUGE),
            ValueError,
            "weight_decay",
        ),
        (lambda: nn.cross_entropy(HUGE, [0]), ValueError, "z must be an array of real numbers"),
        (
            lambda: ol.Eve().step(np.ones(1), np.ones(1), ol.Eve().init(np.ones(1)), loss=HUGE),
            ValueError,
            "loss must be a finite number",
        ),
        (lambda: T.ema_weights(0.9, HUGE), ValueError, "n=.* would not fit in memory"),
    ],
)
def test_huge_ints_are_refused_by_name_not_by_overflow_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: T.ema_scan(True, 0.9), "values must be finite numbers with the series along"),
        (lambda: T.ema_scan([1.0, 2.0], [0.1, 0.2]), "beta must be one number here"),
        (lambda: T.adam_stream(np.ones(3), lr=[0.1, 0.2]), "lr must be one number here"),
        (lambda: T.adam_stream(np.ones(3), eps=[1e-8, 1e-6]), "eps must be one number here"),
        (lambda: T.adam_stream(np.ones(3), amsgrad=np.array([1, 0])), "amsgrad must be True or"),
        (lambda: T.gd_factor(0.1, curvature=[1.0, 2.0]), "curvature must be one number here"),
        (lambda: T.ema([1.0, 2.0], 0.9, v0=[0.0, 1.0]), "v0 must be one number here"),
        (lambda: T.ema([1.0, 2.0], 0.9, bias_correction=np.array([1, 0])), "bias_correction must"),
        (lambda: T.minibatch_variance(1.0, 2, 10, replacement=np.ones(2)), "replacement must be"),
        (lambda: T.gd_rate("10"), "kappa must be a real number"),  # was read as 10.0
        (lambda: T.momentum_radius(1e308, 0.9), "momentum_radius overflows the floats"),
        (lambda: ol.run(ol.SGD(lr=0.1), P, 2.0, 3, keep=[["x"]]), "keep must name 'x' and/or"),
        (lambda: ol.run(ol.SGD(lr=0.1), P, 2.0, 3, keep=("x", "x ")), "keep must name 'x' and/or"),
        (lambda: race.tune_lr("SGD", P, 2.0, 5, by=np.array([1, 2])), "by must be 'final'"),
        (lambda: race.race(["SGD"], {"a": 1}), "landscape must be a landscape's name"),
        (lambda: race.race(None, "saddle"), "names must be a list of racers' names"),
        (lambda: race.race("SGD", "saddle"), r"write names=\['SGD'\]"),
        (lambda: race.race(["SGD"], "saddle", by=np.ones(2)), "by must be 'final'"),
        (lambda: nn.MLP((2, 2), activation=np.array([1, 2])), "activation must be one of"),
        (lambda: nn.MLP((2, 2)).flatten(None), r"params must be a list of 1 \(W, b\) pairs"),
        (lambda: nn.MLP((2, 2)).flatten([0.1]), r"item 0 is 0.1"),
        (lambda: nn.cross_entropy([0.1, 0.2], [0, 1, 0]), r"y of shape \(3,\) does not fit"),
        (lambda: nn.cross_entropy(np.ones((2, 0)), [0, 0]), "z must have a class axis last"),
        (lambda: nn.cross_entropy(np.ones((1, 2)), [1e308]), "y must hold integer class labels"),
        (lambda: S.StepLR(2, last_epoch=np.array([-1, 0])), "last_epoch=array"),
        (lambda: S.ReduceLROnPlateau(mode={"a": 1}), "mode {'a': 1} is unknown"),
        (lambda: S.CyclicLR(0.01, 0.1, mode=np.ones(2)), "mode is invalid"),
        (lambda: S.OneCycleLR(0.1, total_steps=10, anneal_strategy=["cos"]), "anneal_strategy"),
        (lambda: S.OneCycleLR(0.1, total_steps=10, three_phase="no"), "three_phase must be True"),
        (lambda: S.OneCycleLR(0.1, total_steps=10, cycle_momentum=np.ones(2)), "cycle_momentum"),
        (lambda: S.SequentialLR(None, [1]), "SequentialLR takes a list of schedulers, got None"),
        (lambda: S.SequentialLR([S.StepLR(2), S.StepLR(3)], None), "milestones must be a list"),
        (lambda: S.ChainedScheduler(S.StepLR(2)), "ChainedScheduler takes a list of schedulers"),
    ],
)
def test_odd_values_get_an_error_naming_them(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_ema_weights_with_an_array_of_betas_gains_its_axes_in_front():
    w = T.ema_weights(np.array([0.5, 0.9]), 4)
    assert w.shape == (2, 4)
    np.testing.assert_array_equal(w[1], T.ema_weights(0.9, 4))


def test_theory_at_the_edge_of_the_floats_warns_nothing():
    assert T.gd_factor(1e308) == -np.inf
    assert T.gd_regime(1e308) == "diverges, oscillating"
    assert T.critical_momentum(1e308) == np.inf
    assert T.momentum_radius(0.01, 1e300) == np.inf


# -- found by Hypothesis (sweep = single, with schedules) ----------------------------------------


def test_a_diverged_sweep_columns_lr_record_ends_as_the_single_runs_does():
    p = ol.Problem(f=lambda x: x**2 / 2 + x**4 / 10, grad=lambda x: x + 0.4 * x**3)
    sweep = ol.run(ol.SGD(lr=[1.0, 0.5], momentum=0.9, nesterov=True), p, 2.0, 7,
                   schedule=S.CosineAnnealingLR(T_max=7, eta_min=0.001))  # fmt: skip
    for j, lr in enumerate([1.0, 0.5]):
        single = ol.run(ol.SGD(lr=lr, momentum=0.9, nesterov=True), p, 2.0, 7,
                        schedule=S.CosineAnnealingLR(T_max=7, eta_min=0.001))  # fmt: skip
        np.testing.assert_array_equal(sweep.lr[:, j], single.lr)
        np.testing.assert_array_equal(sweep.x[:, j], single.x)
    assert list(sweep.diverged_at) == [6, 7]
    assert np.isnan(sweep.lr[7, 0]) and not np.isnan(sweep.lr[6, 0])


@pytest.mark.parametrize("eid", ["01.1", "01.4", "02.1", "03.1", "05.1"])
@pytest.mark.parametrize("answer", [HUGE, -HUGE, (HUGE, 0.5), [HUGE]])
def test_an_int_too_large_for_a_float_as_an_answer_is_read_not_failed_on(eid, answer):
    message = ol.exercises.check(eid, answer).message
    assert "could not read" not in message


def test_a_code_answer_returning_an_int_too_large_for_a_float_gets_feedback():
    message = ol.exercises.check("02.4", lambda *a: [HUGE] * 5).message
    assert "too large for a float" in message


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.step(None),
        lambda s: s.step({}),
        lambda s: s.lr({}),
        lambda s: s.lr({"group": {}, "own": {}}),
        lambda s: S.ReduceLROnPlateau().step([1], loss=1.0),
    ],
)
def test_a_scheduler_state_that_init_did_not_make_is_named(call):
    with pytest.raises(TypeError, match=r"state must be the dict that \w+\.init\(base_lr\)"):
        call(S.StepLR(2))


@pytest.mark.parametrize("momentum", ["x", np.nan, [0.9, np.inf]])
def test_a_schedulers_base_momentum_is_checked(momentum):
    with pytest.raises((TypeError, ValueError), match="base_momentum must be"):
        S.StepLR(2).init(0.1, base_momentum=momentum)


def test_lookahead_names_itself_for_an_attribute_neither_it_nor_its_inner_one_has():
    with pytest.raises(AttributeError, match="'Lookahead' object has no attribute 'nope'"):
        _ = ol.Lookahead(ol.SGD(lr=0.1)).nope


def test_tune_lr_says_it_keeps_the_losses_itself():
    with pytest.raises(TypeError, match="tune_lr keeps the losses itself"):
        race.tune_lr("SGD", P, 1.0, 5, lrs=[0.01, 0.1], keep=("x",))
