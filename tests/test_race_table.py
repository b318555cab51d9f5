"""Notebook 09's numbers: the tuned-lr table, the traces the race panel draws (equal to run's
iterates bit for bit), the state inspector, the race table and the teams, the matrix race."""

import numpy as np
import pytest

import optimlab as ol
from optimlab import race as R
from optimlab.problems import LANDSCAPES


def test_tuned_table_is_what_tune_lr_finds_today():
    """TUNED is a stored constant; recomputing it (one sweep per racer and landscape) must
    give it back exactly, so it cannot go stale when an optimizer or a landscape changes."""
    assert list(R.TUNED) == list(LANDSCAPES)
    for row in R.TUNED.values():
        assert list(row) == list(R.OPTIMIZERS)
        assert all(lr in R.LR_GRID for lr in row.values())
    assert R.tuned_lrs() == R.TUNED


def test_tuned_lr_and_unknown_names():
    assert R.tuned_lr("Adam", "beale") == R.TUNED["beale"]["Adam"]
    assert R.tuned_lr("LBFGS", "beale") == R.LBFGS_LR == 1.0
    with pytest.raises(ValueError, match="unknown landscape 'moon'; valid: 'rosenbrock'"):
        R.tuned_lr("Adam", "moon")
    with pytest.raises(ValueError, match="unknown optimizer 'Adamm'; valid: 'SGD'"):
        R.tuned_lr("Adamm", "beale")
    with pytest.raises(ValueError, match="unknown optimizer 'Muon'; valid: .*'LBFGS'"):
        R.trace("Muon", "beale", [0.1])


@pytest.mark.parametrize("landscape", list(LANDSCAPES))
def test_trace_iterates_are_runs_bit_for_bit(landscape):
    """The trace steps the optimizer itself (to record its state): its iterates, losses and
    divergence steps equal run's sweep and each single run, noise draws included."""
    scape = LANDSCAPES[landscape]
    kw = {"noise": scape.noise, "seed": 0} if scape.noise else {}
    for name in R.OPTIMIZERS:
        lrs = np.array([R.TUNED[landscape][name] * m for m in R.MULTIPLES])
        tr = R.trace(name, landscape, lrs, steps=150)
        t = ol.run(R.racer(name, lrs), scape.make(), scape.start, 150, **kw)
        np.testing.assert_array_equal(tr.x, t.x, err_msg=name)
        np.testing.assert_array_equal(tr.loss, t.loss, err_msg=name)
        assert tr.diverged_at.tolist() == t.diverged_at.tolist(), name
        one = ol.run(R.racer(name, lrs[4]), scape.make(), scape.start, 150, **kw)
        np.testing.assert_array_equal(tr.x[:, 4], one.x, err_msg=name)


def test_some_trace_diverges_and_is_cut_like_run():
    tr = R.trace("SGD", "rosenbrock", [0.001, 0.01], steps=100)
    t = ol.run(
        ol.SGD(lr=np.array([0.001, 0.01])), LANDSCAPES["rosenbrock"].make(), (-1.2, 1.0), 100
    )
    assert tr.diverged_at[0] == -1 and tr.diverged_at[1] > 0
    np.testing.assert_array_equal(tr.x, t.x)
    d = tr.diverged_at[1]
    assert np.isnan(tr.grad[d - 1 :, 1]).all() and np.isfinite(tr.grad[: d - 1, 1]).all()


def test_trace_records_the_gradients_and_the_state():
    """SGD's effective rate is its lr on every coordinate; Adam's state is its m and v, which
    reproduce its step; the noisy bowl's recorded gradients are x plus run's noise."""
    tr = R.trace("SGD", "beale", [0.01], steps=20)
    for t in (1, 7, 20):
        insp = R.inspect(tr, t)
        np.testing.assert_allclose(insp.rate, 0.01, rtol=1e-12)
        np.testing.assert_array_equal(insp.move, tr.x[t, 0] - tr.x[t - 1, 0])
    tr = R.trace("Adam", "himmelblau", [0.1], steps=30)
    for t in (1, 2, 30):
        i = R.inspect(tr, t)
        m, v = i.state["m: avg of g"], i.state["v: avg of g²"]
        step = 0.1 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        np.testing.assert_allclose(-i.move, step, rtol=1e-9)
    np.testing.assert_allclose(R.inspect(tr, 1).move, -0.1 * np.sign(tr.grad[0, 0]), rtol=1e-6)
    tr = R.trace("SGD", "noisy bowl", [0.05], steps=10)
    z = np.random.default_rng(np.random.SeedSequence(0).spawn(2)[1]).standard_normal((10, 2))
    np.testing.assert_array_equal(tr.grad[:, 0], tr.x[:-1, 0] * 1.0 + 0.5 * z)
    first = R.inspect(tr, 0)
    assert first.t == 0 and np.isnan(first.move).all()
    with pytest.raises(ValueError, match="t must be an integer from 0 to 10, got 11"):
        R.inspect(tr, 11)
    lookahead = R.trace("Lookahead(Adam)", "beale", [0.1], steps=10)
    assert set(lookahead.state) == {"slow weights", "m: avg of g", "v: avg of g²"}
    # after the 5th step (k = 5) the fast weights are synchronised to the slow ones
    np.testing.assert_array_equal(lookahead.state["slow weights"][5, 0], lookahead.x[5, 0])


def test_lbfgs_trace_on_the_evaluation_axis():
    """L-BFGS's position after t evaluations: its iterate of the last step that had used at
    most t; it moves only at its steps' evaluation counts."""
    scape = LANDSCAPES["rosenbrock"]
    tr = R.trace("LBFGS", "rosenbrock", [1.0], steps=scape.steps)
    t = ol.run(ol.LBFGS(lr=1.0, line_search_fn="strong_wolfe"), scape.make(), scape.start, 5)
    evals = t.evals
    for k in range(1, 5):
        np.testing.assert_array_equal(tr.x[evals[k], 0], t.x[k])
        np.testing.assert_array_equal(tr.x[evals[k + 1] - 1, 0], t.x[k])
    assert tr.x.shape == (scape.steps + 1, 1, 2)
    assert tr.loss[-1, 0] < 1e-9 and tr.loss[-1, 0] == tr.loss[-100, 0]  # stopped there
    with pytest.raises(ValueError, match="takes no gradient noise"):
        R.trace("LBFGS", "noisy bowl", [1.0])


def test_race_trace_is_cached_and_spans_the_multiples():
    a = R.race_trace("Adam", "himmelblau")
    assert R.race_trace("Adam", "himmelblau") is a
    np.testing.assert_allclose(a.lrs, np.array(R.MULTIPLES) * R.TUNED["himmelblau"]["Adam"])
    assert R.MULTIPLES[4] == 1.0


@pytest.fixture(scope="module")
def table():
    return R.race_table()


def test_race_table_entries(table):
    """Each cell is the first step within tolerance at the tuned lr, checked here by its own
    run; the saddle's escape for SGD at its tuned lr is hand-checkable."""
    assert list(table) == list(LANDSCAPES)
    assert list(table["beale"]) == list(R.RACERS)
    assert table["noisy bowl"]["LBFGS"] is None
    for scape_name in ("beale", "rotated bowl"):
        scape = LANDSCAPES[scape_name]
        for name in ("SGD", "Adam", "RMSprop"):
            t = ol.run(R.racer(name, R.TUNED[scape_name][name]), scape.make(), scape.start,
                       scape.steps)  # fmt: skip
            assert table[scape_name][name].steps == ol.steps_to_tolerance(t, scape.f_min, scape.tol)
    # RMSprop at its tuned lr on the rotated bowl ends in a cycle above the tolerance
    cell = table["rotated bowl"]["RMSprop"]
    assert cell.steps is None and 1e-6 < cell.best < 1e-4 and str(cell) == "(3e-06)"
    assert str(table["beale"]["Adam"]) == "123"


def test_teams_and_the_count(table):
    wins = R.team_wins(table)
    assert sum(wins["wins"].values()) == len(LANDSCAPES)
    assert wins["by landscape"]["rosenbrock"] == "Team SGD"  # SGDM 541 against AMSGrad 834
    assert wins["by landscape"]["noisy bowl"] == "Team Adam"
    assert wins["wins"] == {"Team SGD": 1, "Team Adam": 6, "tie": 0}
    assert R.winner(table["rosenbrock"], R.TEAMS["Team SGD"]) == "SGDM"
    duel = R.team_wins(table, {"SGDM": ("SGDM",), "Adam": ("Adam",)})
    assert duel["wins"] == {"SGDM": 2, "Adam": 5, "tie": 0}
    text = R.format_table(table)
    assert text.splitlines()[0].split() == [
        "rosenbrock", "beale", "himmelbl.", "saddle", "rot.", "bowl", "plateau", "noisy", "bowl",
    ]  # fmt: skip
    assert len(text.splitlines()) == len(R.RACERS) + 1


def test_a_tie_counts_as_a_tie():
    e = R.Entry(5, 0.0, False, 0.1)
    table = {"a": {"x": e, "y": R.Entry(5, 0.0, False, 1.0)}}
    assert R.team_wins(table, {"X": ("x",), "Y": ("y",)})["wins"] == {"X": 0, "Y": 0, "tie": 1}


def test_matrix_race():
    """On the badly scaled matrix problem every racer gets close at its tuned lr; Adam gets
    to the tolerance first, Muon's orthogonalised steps (the same size in every direction)
    leave the largest gap."""
    m = R.matrix_race()
    assert list(m) == ["SGDM", "Adam", "Adafactor", "Muon"]
    assert all(e.gap < 1e-4 and e.steps is not None for e in m.values())
    assert min(m, key=lambda n: m[n].steps) == "Adam"
    assert max(m, key=lambda n: m[n].gap) == "Muon"
