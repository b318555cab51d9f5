"""SWATS, optimlab.training (notebook 10's numbers) and the training panel."""

import numpy as np
import pytest
from panel_driver import text_problems

import optimlab as ol
from optimlab import training as T

# -- SWATS -------------------------------------------------------------------------------------


def test_swats_hand_computed_constant_gradient():
    # g = 2 every step, lr = 0.1, betas (0.9, 0.999), eps 1e-8. Steps 1 and 2 are Adam's:
    # m̂ = 2 and v̂ = 4, so each moves −0.1·2/(2 + 1e-8). γ = pᵀp/(−pᵀg) = 0.1/(2 + 1e-8) both
    # times, so λ̂_2 = γ_2 and SWATS switches at step 2 with Λ = 0.1/(2 + 1e-8). Then SGD with
    # momentum 0.9 from a zero buffer: b = 2, 3.8, 5.42, each step −(1 − 0.9)·Λ·b.
    opt = ol.SWATS(lr=0.1)
    x, state = np.array([0.0]), opt.init(np.array([0.0]))
    moves = []
    for _ in range(5):
        new, state = opt.step(x, np.array([2.0]), state)
        moves.append(float(new[0] - x[0]))
        x = new
    adam = -0.1 * 2 / (2 + 1e-8)
    lam = 0.1 / (2 + 1e-8)
    want = [adam, adam, -0.1 * lam * 2, -0.1 * lam * 3.8, -0.1 * lam * 5.42]
    np.testing.assert_allclose(moves, want, rtol=1e-12)
    assert int(state["switched_at"].ravel()[0]) == 2
    assert float(state["sgd_lr"].ravel()[0]) == pytest.approx(lam, rel=1e-12)
    assert bool(state["sgd"].ravel()[0])


def test_swats_is_adam_until_it_switches():
    rng = np.random.default_rng(1)
    grads = rng.normal(size=(40, 3)) * np.geomspace(1, 1e-2, 40)[:, None]
    swats, adam = ol.SWATS(lr=0.05, switch_tol=1e-300), ol.Adam(lr=0.05)
    xs, ss = np.zeros(3), swats.init(np.zeros(3))
    xa, sa = np.zeros(3), adam.init(np.zeros(3))
    for g in grads:
        xs, ss = swats.step(xs, g, ss)
        xa, sa = adam.step(xa, g, sa)
    assert int(np.ravel(ss["switched_at"])[0]) == -1
    np.testing.assert_array_equal(xs, xa)


def test_swats_never_switches_to_a_negative_learning_rate():
    rng = np.random.default_rng(2)
    for trial in range(20):
        opt = ol.SWATS(lr=0.1, switch_tol=10.0, relative=True)  # switches at the first chance
        x, state = rng.normal(size=2), opt.init(np.zeros(2))
        for g in rng.normal(size=(30, 2)) * (1 + trial):
            x, state = opt.step(x, g, state)
        if state["sgd"].any():
            assert (state["sgd_lr"][state["sgd"]] > 0).all()


def test_swats_sweep_columns_equal_single_runs():
    p = ol.Problem(
        f=lambda x: 0.5 * x[..., 0] ** 2 + 5 * x[..., 1] ** 2,
        grad=lambda x: x * np.array([1.0, 10.0]),
    )
    lrs = np.array([0.01, 0.1, 0.5])
    opt = ol.SWATS(lr=lrs, switch_tol=1e-3, relative=True)
    sweep = ol.run(opt, p, x0=[3.0, -2.0], steps=60, noise=0.5, seed=3)
    for k, lr in enumerate(lrs):
        single = ol.run(ol.SWATS(lr=lr, switch_tol=1e-3, relative=True), p, [3.0, -2.0], 60,
                        noise=0.5, seed=3)  # fmt: skip
        np.testing.assert_array_equal(sweep.x[:, k], single.x)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"lr": -1.0}, "Invalid learning rate: -1.0"),
        ({"switch_tol": 0.0}, "Invalid switch_tol value: 0.0"),
        ({"betas": (0.9, 1.0)}, "Invalid beta parameter at index 1: 1.0"),
        ({"eps": -1e-8}, "Invalid epsilon value"),
    ],
)
def test_swats_bad_hyperparameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ol.SWATS(**kwargs)
    with pytest.raises(TypeError, match="relative must be True or False"):
        ol.SWATS(relative="yes")


# -- training ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def task():
    return T.make_task(n=120)


def test_make_task_splits_and_sizes(task):
    assert task.net.sizes == (2, 32, 32, 2)
    assert len(task.y_train) == len(task.y_test) == 60
    spirals = T.make_task("spirals", n=90, hidden=(8,))
    assert spirals.net.sizes == (2, 8, 2)
    with pytest.raises(ValueError, match=r"dataset must be one of .*got 'moon'"):
        T.make_task("moon")
    with pytest.raises(ValueError, match="hidden must be a sequence"):
        T.make_task(hidden=3)
    with pytest.raises(ValueError, match="sizes must be positive integers, got 0"):
        T.make_task(hidden=(0,))


def test_train_records_every_epoch_from_the_initialisation(task):
    t = T.train(ol.Adam(lr=0.01), task, 7, batch_size=16, seed=4)
    assert t.steps_per_epoch == 4 and list(t.epochs) == list(range(8))
    assert t.w.shape == (8, task.net.size)
    np.testing.assert_array_equal(t.w[0], task.net.init(4))
    assert t.train_loss[0] == pytest.approx(task.net.loss(t.w[0], task.X_train, task.y_train))
    assert t.test_acc[-1] == pytest.approx(task.net.accuracy(t.w[-1], task.X_test, task.y_test))
    assert t.train_loss[-1] < t.train_loss[0]
    assert t.diverged_at is None and t.diverged_epoch is None


def test_every_optimizer_sees_the_same_minibatches(task):
    # plain SGD by hand on DataLoader's batches (one seeded permutation per epoch, sorted
    # within a batch) is what train(SGD) computes
    t = T.train(ol.SGD(lr=0.1), task, 3, batch_size=25, seed=5)
    rng, w, p = np.random.default_rng(5), task.net.init(5), task.problem
    for _ in range(3):
        order = rng.permutation(task.n_train)
        for lo in range(0, task.n_train, 25):
            w = w - 0.1 * p.grad(w[None], np.sort(order[lo : lo + 25]))[0]
    np.testing.assert_allclose(t.w[-1], w, rtol=1e-12, atol=1e-14)


def test_a_sweep_over_lrs_and_seeds_equals_single_trainings(task):
    lrs = np.array([0.003, 0.03])[:, None]
    t = T.train(ol.Adam(lr=lrs), task, 3, 20, seed=np.arange(2), init=[0, 1])
    assert t.train_loss.shape == (4, 2, 2)
    single = T.train(ol.Adam(lr=0.03), task, 3, 20, seed=1, init=1)
    np.testing.assert_array_equal(t.w[:, 1, 1], single.w)


def test_the_callback_stops_training(task):
    seen = []
    t = T.train(ol.SGD(lr=0.1), task, 10, 30, callback=lambda e, w: seen.append(e) or e < 3)
    assert seen == [1, 2, 3] and list(t.epochs) == [0, 1, 2, 3]


def test_a_diverging_training_says_where():
    task = T.make_task(activation="relu", hidden=(64, 64, 64))  # ReLU can overflow, tanh not
    t = T.train(ol.SGD(lr=1.0, momentum=0.9), task, 5, 8)
    assert t.diverged_at is not None
    assert t.diverged_epoch == -(-t.diverged_at // t.steps_per_epoch)
    assert np.isnan(t.train_loss[-1])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"epochs": 0}, "epochs must be an integer >= 1, got 0"),
        ({"batch_size": 0}, r"batch_size must be an integer in 1 \.\. 60, got 0"),
        ({"batch_size": 61}, "got 61"),
    ],
)
def test_train_bad_arguments(task, kwargs, match):
    args = {"epochs": 2, "batch_size": 10, **kwargs}
    with pytest.raises(ValueError, match=match):
        T.train(ol.SGD(lr=0.1), task, **args)
    with pytest.raises(TypeError, match="task must be an optimlab.training.Task"):
        T.train(ol.SGD(lr=0.1), "moons", 2)
    with pytest.raises(ValueError, match=r"optimizer must be one of .*got 'adam'"):
        T.make_optimizer("adam", 0.1)


def test_make_optimizer_defaults():
    assert T.make_optimizer("AdamW", 0.01).weight_decay == 0.01  # torch's AdamW default
    assert T.make_optimizer("SGDM", 0.01).momentum == 0.9
    assert T.make_optimizer("Adam", 0.01, 1e-3).weight_decay == 1e-3
    assert T.make_optimizer("SWATS", 0.01).relative


def test_tuning_never_looks_at_the_test_set(task):
    lr, mean = T.tune("Adam", task, 3, 20, lrs=(1e-3, 3e-2), seeds=(1, 2))
    assert lr in (1e-3, 3e-2) and mean.shape == (2,)
    assert lr == (1e-3, 3e-2)[int(np.nanargmin(mean))]
    scrambled = T.Task(task.net, task.X_train, task.y_train, task.X_test[::-1], 1 - task.y_test)
    lr2, mean2 = T.tune("Adam", scrambled, 3, 20, lrs=(1e-3, 3e-2), seeds=(1, 2))
    assert lr2 == lr
    np.testing.assert_array_equal(mean2, mean)


def test_gap_over_seeds(task):
    g = T.gap("SGDM", 0.03, task, 3, 20, seeds=range(3))
    assert g.train_loss.shape == (3,)
    np.testing.assert_array_equal(g.gap, g.test_loss - g.train_loss)
    assert g.row().startswith("SGDM   lr 0.03 ")
    single = T.train(T.make_optimizer("SGDM", 0.03), task, 3, 20, seed=2)
    assert g.test_loss[2] == single.test_loss[-1]


def test_filter_normalised_directions(task):
    w = task.net.init(0) * 3
    d = T.random_directions(task.net, w, k=4, seed=1)
    for name, sl, shape in task.net.layout:
        if name.startswith("b"):
            assert (d[:, sl] == 0).all()
        else:
            np.testing.assert_allclose(
                np.linalg.norm(d[:, sl].reshape(4, *shape), axis=1),
                np.broadcast_to(np.linalg.norm(w[sl].reshape(shape), axis=0), (4, shape[1])),
            )
    plain = T.random_directions(task.net, w, k=4, seed=1, filter_normalised=False)
    np.testing.assert_allclose(np.linalg.norm(plain, axis=1), np.linalg.norm(w))
    radii, losses = T.directions(task, w, k=4)
    assert losses.shape == (4, 41)
    np.testing.assert_allclose(losses[:, 20], task.net.loss(w, task.X_train, task.y_train))
    assert T.sharpness(task, w, 0.5, k=4) > 0


def test_adam_l2_against_adamw(task):
    runs = T.decay(task, 0.01, [0.0, 0.1], 5, 20)
    l2, decoupled = runs["Adam + L2"], runs["AdamW"]
    np.testing.assert_array_equal(l2.w[:, 0], decoupled.w[:, 0])  # no decay: the same Adam
    norm = np.linalg.norm(decoupled.w[-1], axis=-1)
    assert norm[1] < norm[0]  # decay shrinks the weights
    assert not np.array_equal(l2.w[-1, 1], decoupled.w[-1, 1])


# -- the panel -------------------------------------------------------------------------------


@pytest.fixture
def panel(task):
    with ol.widgets.TrainingPanel(task=task, epochs=20, background=False) as p:
        yield p


def test_panel_trains_on_click_and_shows_the_curves(panel):
    assert "press Train" in panel.figure.status.get_text()
    panel.train_button.click()
    view = panel.compute()
    assert len(view.epoch) == 21 and panel.progress.value == 20
    assert view.status.startswith("20 epochs: train loss")
    x, y = panel.figure.lines[("loss", "test")].get_data()
    np.testing.assert_array_equal(y, view.test_loss)
    assert np.isfinite(view.proba).all()
    assert text_problems(panel.figure) == []


def test_panel_a_control_change_goes_back_to_the_start(panel):
    panel.train()
    panel.controls["lr"].value = 0.03
    assert len(panel.compute().epoch) == 1
    assert "press Train" in panel.figure.status.get_text()
    assert panel.progress.value == 0


def test_panel_stop_in_the_background(task):
    with ol.widgets.TrainingPanel(task=task, epochs=500, background=True) as p:
        p.train()
        p.stop()
        p.join()
        assert p.compute().status.startswith("stopped after epoch")
        assert len(p.compute().epoch) < 501


def test_panel_a_diverging_run_says_where_and_draws_no_nan():
    task = T.make_task(activation="relu", hidden=(64, 64, 64))
    with ol.widgets.TrainingPanel(
        task=task, optimizer="SGDM", lr=1.0, batch_size=8, epochs=20, background=False
    ) as p:
        p.train()
        status = p.figure.status.get_text()
        assert status.startswith("diverged in epoch ") and "(step " in status
        for line in p.figure.lines.values():
            assert np.isfinite(line.get_ydata()).all()
        assert text_problems(p.figure) == []


def test_panel_bad_arguments(task):
    with pytest.raises(ValueError, match=r"optimizer must be one of .*got 'LBFGS'"):
        ol.widgets.TrainingPanel(optimizer="LBFGS", task=task)
    with pytest.raises(ValueError, match="every must be an integer >= 1, got 0"):
        ol.widgets.TrainingPanel(every=0, task=task)


def test_every_k_epochs_records_fewer_points_of_the_same_training(task):
    full = T.train(ol.Adam(lr=0.01), task, 6, 20, seed=1)
    some = T.train(ol.Adam(lr=0.01), task, 6, 20, seed=1, every=4)
    assert list(some.epochs) == [0, 4, 6]
    np.testing.assert_array_equal(some.w, full.w[[0, 4, 6]])
    np.testing.assert_array_equal(some.test_loss, full.test_loss[[0, 4, 6]])
    with pytest.raises(ValueError, match="every must be an integer >= 1 .epochs., got 0"):
        T.train(ol.Adam(lr=0.01), task, 6, 20, every=0)


def test_swats_switch_follows_the_training_of_each_seed(task):
    at, epoch, lam = T.swats_switch(task, 0.01, 20, 20, seeds=[0, 1, 2])
    assert at.shape == epoch.shape == lam.shape == (3,)
    for k, s in enumerate([0, 1, 2]):
        alone = T.swats_switch(task, 0.01, 20, 20, seeds=[s])
        assert alone[0][0] == at[k] and (alone[2][0] == lam[k] or np.isnan(lam[k]))
        if at[k] > 0:
            assert lam[k] > 0 and epoch[k] == -(-at[k] // 3)
        else:
            assert epoch[k] == -1 and np.isnan(lam[k])
    # the same SWATS, trained by train(): its weights after the switch follow SGD's rule, so
    # the final weights differ from Adam's exactly when a switch happened
    adam = T.train(ol.Adam(lr=0.01), task, 20, 20, seed=0)
    swats = T.train(T.make_optimizer("SWATS", 0.01), task, 20, 20, seed=0)
    assert np.array_equal(adam.w[-1], swats.w[-1]) == (at[0] < 0)


def test_panel_a_control_change_during_a_background_training_ends_it(task):
    with ol.widgets.TrainingPanel(task=task, epochs=500, background=True) as p:
        p.train()
        p.controls["lr"].value = 0.03
        p.join()
        view = p.compute()
        assert len(view.epoch) == 1 and "press Train" in view.status
        assert p.progress.value == 0
        assert "press Train" in p.figure.status.get_text()


def test_the_notebooks_tuned_lr_is_what_tune_picks():
    # one of T.TUNED_LR, searched as benchmarks/training_gap.py searches all five
    lr, mean = T.tune("Adam", T.make_task(), T.EPOCHS)
    assert lr == T.TUNED_LR["Adam"] == 0.003
    assert np.all(np.isfinite(mean)) and mean.argmin() == 2
