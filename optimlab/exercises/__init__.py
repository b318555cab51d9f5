"""Self-checked exercises for the notebooks.

Each notebook ends with exercises; a learner writes an answer and checks it::

    answer = 0.25
    ol.exercises.check("01.1", answer)      # ✓ or ✗ with a sentence of feedback

``check`` never raises on an answer: a wrong type, NaN, or a function that raises each get a
message saying what was wrong. ``solution(id)`` shows the worked solution (for a teacher, or
after trying); ``EXERCISES`` maps each id to its :class:`Exercise`, whose ``example_answer``
passes.
"""

from __future__ import annotations

from types import MappingProxyType

from . import (
    nb01_learning_rate,
    nb02_ema,
    nb03_momentum,
    nb04_adagrad_rmsprop,
    nb05_adam,
    nb06_stochastic,
    nb07_lr_schedules,
    nb08_newton,
    nb09_race,
    nb10_network,
)
from ._core import Exercise, Result, Solution

__all__ = ["EXERCISES", "Exercise", "Result", "Solution", "check", "solution"]

EXERCISES = MappingProxyType(
    {
        e.id: e
        for module in (
            nb01_learning_rate,
            nb02_ema,
            nb03_momentum,
            nb04_adagrad_rmsprop,
            nb05_adam,
            nb06_stochastic,
            nb07_lr_schedules,
            nb08_newton,
            nb09_race,
            nb10_network,
        )
        for e in module.EXERCISES
    }
)


class UnknownExercise(KeyError, ValueError):
    """An exercise id that is not in the registry (a mistake in the notebook, not an answer)."""

    def __str__(self) -> str:
        return str(self.args[0])


def _get(exercise_id) -> Exercise:
    if not isinstance(exercise_id, str) or exercise_id not in EXERCISES:
        raise UnknownExercise(
            f"no exercise {exercise_id!r}; the ids are strings: {', '.join(EXERCISES)}"
        )
    return EXERCISES[exercise_id]


def check(exercise_id: str, answer) -> Result:
    """Check ``answer`` to exercise ``exercise_id`` ("01.1", ...): a :class:`Result` with
    ``passed`` and ``message``, shown as ✓/✗ and a sentence. Raises only for an unknown id."""
    return _get(exercise_id).check(answer)


def solution(exercise_id: str) -> Solution:
    """The worked solution of exercise ``exercise_id`` and an answer that passes."""
    return Solution(_get(exercise_id))
