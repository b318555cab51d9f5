"""The machinery behind the exercises: read a learner's answer, check it, answer in words.

A checker is a plain function ``checker(answer) -> str``: it returns the message for a right
answer and raises :class:`Wrong` with the feedback for a wrong one. The readers below
(``number``, ``whole_number``, ``candidates``, ``letters``, ``pair``, ``function``) turn an answer
into what the checker needs, or raise :class:`Wrong` saying what was wrong with it, so that a
checker never meets a string where it expects a number. :meth:`Exercise.check` turns all of it
into a :class:`Result` and never raises on a learner's answer.
"""

from __future__ import annotations

import html
import itertools
import math
import numbers
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

NOT_ANSWERED = "not answered yet: replace ... with your answer."


class Wrong(Exception):
    """A wrong answer; the message is the feedback the learner reads."""


# -- what a check returns -------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """The outcome of :func:`check`: ``passed``, and a ``message`` of one or two sentences.

    Displays as ✓ (right), ✗ (wrong) or ○ (not answered yet) with the message, as plain text
    (``repr``, which nbval compares), Markdown and HTML.
    """

    exercise: str
    passed: bool
    message: str
    answered: bool = True

    @property
    def mark(self) -> str:
        return "✓" if self.passed else ("✗" if self.answered else "○")

    def __repr__(self) -> str:
        return f"{self.mark} Exercise {self.exercise}: {self.message}"

    def _repr_markdown_(self) -> str:
        return f"**{self.mark} Exercise {self.exercise}:** {_escape_markdown(self.message)}"

    def _repr_html_(self) -> str:
        colour = "#2e7d32" if self.passed else ("#c62828" if self.answered else "#757575")
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 2px 8px">'
            f"<b>{self.mark} Exercise {html.escape(self.exercise)}:</b> "
            f"{html.escape(self.message)}</div>"
        )


@dataclass(frozen=True)
class Solution:
    """A worked solution and the code of an answer that passes; displays as Markdown."""

    exercise: Exercise

    def __repr__(self) -> str:
        e = self.exercise
        return (
            f"Exercise {e.id}: {e.title}\n\n{e.solution}\n\nAn answer that passes:\n\n{e.example}"
        )

    def _repr_markdown_(self) -> str:
        e = self.exercise
        return (
            f"**Exercise {e.id}: {e.title}**\n\n{e.solution}\n\nAn answer that passes:\n\n"
            f"```python\n{e.example}\n```"
        )


@dataclass(frozen=True)
class Exercise:
    """One self-checked exercise.

    ``prompt`` (Markdown) is what the notebook shows; ``checker(answer)`` returns the message
    for a right answer or raises :class:`Wrong`; ``solution`` (Markdown) works it out;
    ``example`` is the code of an answer that passes (it sets ``answer``), and
    ``example_answer`` is the value it sets. ``kind``: "number" (from the walkthrough),
    "prediction", "search" (a hyperparameter search checked by running it) or "code" (a NumPy
    function checked against optimlab's optimizer).
    """

    id: str
    title: str
    kind: str
    prompt: str
    checker: Callable[[object], str] = field(repr=False)
    solution: str = field(repr=False)
    example: str = field(repr=False)
    template: str = field(default="answer = ...", repr=False)

    @cached_property
    def example_answer(self):
        scope = {"np": np}
        exec(compile(self.example, f"<example {self.id}>", "exec"), scope)
        return scope["answer"]

    def check(self, answer) -> Result:
        """Check ``answer``; never raises on a learner's answer."""
        if answer is Ellipsis:
            return Result(self.id, False, NOT_ANSWERED, answered=False)
        try:
            with np.errstate(all="ignore"):  # 1e308 answers overflow; the message says so
                message = self.checker(answer)
        except Wrong as wrong:
            return Result(self.id, False, str(wrong))
        except KeyboardInterrupt:  # the learner's own Stop: it must stop
            raise
        except BaseException as error:  # a gap in a checker, or an answer that calls sys.exit()
            return Result(
                self.id,
                False,
                f"the checker could not read this answer ({type(error).__name__}: {error}); "
                f"the worked solution shows the expected form.",
            )
        return Result(self.id, True, message)


# -- reading answers ------------------------------------------------------------------------


def describe(answer) -> str:
    """A few words on what an answer is, for feedback: "the text '0.25'", "a list of 3 items"."""
    if answer is None:
        return "None"
    if isinstance(answer, bool | np.bool_):
        return f"the truth value {answer}"
    if isinstance(answer, str):
        shown = answer if len(answer) <= 30 else answer[:27] + "..."
        return f"the text {shown!r}"
    if isinstance(answer, np.ndarray):
        return f"an array of shape {answer.shape}"
    if isinstance(answer, type):
        return f"the type {answer.__name__}"
    if isinstance(answer, list | tuple | set | frozenset | dict):
        n = len(answer)
        return f"a {type(answer).__name__} of {n} item{'s' * (n != 1)}"
    if callable(answer):
        return f"the function {getattr(answer, '__name__', repr(answer))}"
    if isinstance(answer, numbers.Number):
        if isinstance(answer, numbers.Real):
            try:
                return "NaN" if math.isnan(answer) else fmt(answer)
            except OverflowError:  # an int past 1e308
                return "a number too large for a float"

        return repr(answer)
    name = type(answer).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def fmt(value) -> str:
    """A number as a learner would write it: 4 significant digits."""
    return f"{float(value):.4g}"


def _escape_markdown(text: str) -> str:
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def number(answer, what: str = "one number") -> float:
    """``answer`` as a finite real number, or :class:`Wrong` saying what it is instead."""
    if isinstance(answer, np.ndarray) and answer.size == 1 and answer.ndim <= 1:
        answer = answer.reshape(()).item()
    if isinstance(answer, bool | np.bool_):
        raise Wrong(f"expected {what}, got {describe(answer)}.")
    if isinstance(answer, str):
        try:
            float(answer)
        except ValueError:
            raise Wrong(f"expected {what}, got {describe(answer)}.") from None
        raise Wrong(f"expected {what}, got {describe(answer)}: remove the quotes.")
    if isinstance(answer, list | tuple | set | frozenset | np.ndarray | dict):
        raise Wrong(f"expected {what}, got {describe(answer)}.")
    if not isinstance(answer, numbers.Real):
        if isinstance(answer, numbers.Complex):
            raise Wrong(f"expected a real number, got the complex number {answer!r}.")
        raise Wrong(f"expected {what}, got {describe(answer)}.")
    try:
        value = float(answer)
    except OverflowError:  # an int past 1e308
        raise Wrong(
            "your answer is too large for a float (past 1e308): check the computation."
        ) from None
    if math.isnan(value):
        raise Wrong("your answer is NaN (not a number): check the computation that produced it.")
    if math.isinf(value):
        raise Wrong("your answer is infinite: check the computation that produced it.")
    return value


def whole_number(answer, what: str = "a step count") -> int:
    """``answer`` as a whole number (an int, or a float such as 100.0)."""
    value = number(answer, f"{what} (a whole number)")
    if value != int(value):
        raise Wrong(
            f"{what} is a whole number, and you gave {value:g}: "
            "which whole number is it, rounding the right way?"
        )
    return int(value)


def close(a: float, b: float, rel: float = 1e-3) -> bool:
    """Whether ``a`` equals ``b`` to about three significant digits (``rel``)."""
    return abs(a - b) <= rel * abs(b) if b != 0 else abs(a) <= rel


def known_mistake(value: float, table: Sequence[tuple[float, str]], rel: float = 1e-3):
    """The hint for the first tabulated wrong value that ``value`` equals, or None."""
    for wrong, hint in table:
        if close(value, wrong, rel):
            return hint
    return None


def _items(answer, example: str):
    if isinstance(answer, np.ndarray):
        if answer.ndim != 1:
            raise Wrong(f"expected a list like {example}, got {describe(answer)}.")
        return list(answer)
    if isinstance(answer, list | tuple | set | frozenset):
        return list(answer)
    if isinstance(answer, str):
        raise Wrong(f"expected a list like {example}, got {describe(answer)}.")
    if isinstance(answer, numbers.Number) and not isinstance(answer, bool | np.bool_):
        raise Wrong(
            f"expected a list like {example}, got the single number {describe(answer)}: "
            "put even one item in a list, e.g. [0.5]."
        )
    raise Wrong(f"expected a list like {example}, got {describe(answer)}.")


def candidates(answer, options: Sequence[float], example: str = "[0.3, 0.5]") -> set[float]:
    """``answer`` as a set of some of ``options`` (a list, tuple, set or 1-D array of them)."""
    chosen = set()
    for item in _items(answer, example):
        value = number(item, f"numbers from the list {_listed(options)}")
        match = [o for o in options if close(value, o, 1e-6)]
        if not match:
            raise Wrong(f"{value:g} is not one of the candidates {_listed(options)}.")
        chosen.add(match[0])
    return chosen


def letters(answer, options: str, example: str = '{"a", "c"}') -> set[str]:
    """``answer`` as a set of option letters (a set, list or tuple of one-letter strings)."""
    if isinstance(answer, str):
        raise Wrong(
            f"expected a set of letters like {example}, got {describe(answer)}: "
            "put each letter in quotes on its own."
        )
    if isinstance(answer, np.ndarray) or not isinstance(answer, list | tuple | set | frozenset):
        raise Wrong(f"expected a set of letters like {example}, got {describe(answer)}.")
    chosen = set()
    for item in answer:
        if not isinstance(item, str) or item.strip().lower() not in options:
            raise Wrong(
                f"{describe(item)} is not one of the options {', '.join(repr(o) for o in options)}."
            )
        chosen.add(item.strip().lower())
    return chosen


def pair(answer, names: tuple[str, str]) -> tuple[float, float]:
    """``answer`` as two numbers: a tuple or list ``(a, b)``, or a dict with ``names``."""
    a, b = names
    form = f"a pair ({a}, {b})"
    if isinstance(answer, dict):
        missing = [n for n in names if n not in answer]
        if missing:
            raise Wrong(f"expected {form}; your dict has no {missing[0]!r}.")
        values = [answer[a], answer[b]]
    elif isinstance(answer, list | tuple | np.ndarray) and len(answer) == 2:
        values = list(answer)
    else:
        raise Wrong(f"expected {form}, got {describe(answer)}.")
    return tuple(number(v, f"a number for {n}") for v, n in zip(values, names, strict=True))


def _listed(options) -> str:
    return ", ".join(f"{o:g}" for o in options)


# -- code answers ---------------------------------------------------------------------------


def function(answer, signature: str):
    """``answer`` as a function, or :class:`Wrong` explaining how to pass one."""
    name = signature.split("(")[0]
    if callable(answer) and not isinstance(answer, type):
        return answer
    hint = f"define def {signature}: ... and set answer = {name} (the function, not a call)."
    if isinstance(answer, tuple | np.ndarray | numbers.Number):
        hint += f" You gave {describe(answer)}: did you call {name}(...)?"
    else:
        hint = f"expected a function, got {describe(answer)}: " + hint
    raise Wrong(hint)


def call(fn, args, name: str, when: str):
    """Call the learner's function; an exception becomes :class:`Wrong` naming it.

    Warnings (NumPy's divide-by-zero, say) are silenced here: what they lead to, a NaN or an
    infinity, is reported from the returned values instead.
    """
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return fn(*args)
    except (Wrong, KeyboardInterrupt):
        raise
    except BaseException as error:  # SystemExit too: sys.exit() in an answer is a wrong answer
        hint = ""
        if re.search(r"only (0-dimensional|length-1|size-1) arrays", str(error)):
            hint = " Keep to NumPy operations (np.sqrt, not math.sqrt or float()), so arrays work."
        raise Wrong(f"your {name} raised {type(error).__name__}: {error} ({when}).{hint}") from None


def as_array(value, shape: tuple, what: str, when: str) -> np.ndarray:
    """A returned value as a float array of ``shape``, or :class:`Wrong` saying what it was."""
    if value is None:
        raise Wrong(f"your function returned None for {what} ({when}): did you forget return?")
    if isinstance(value, str):
        raise Wrong(f"{what} should be numbers, got {describe(value)} ({when}).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.asarray(value, dtype=float)
    except OverflowError:
        raise Wrong(f"{what} holds a number too large for a float, past 1e308 ({when}).") from None
    except (TypeError, ValueError):
        raise Wrong(
            f"{what} should be an array of numbers, got {describe(value)} ({when})."
        ) from None
    if arr.shape != shape:
        raise Wrong(f"{what} has shape {arr.shape}, expected {shape} ({when}).")
    return arr


def outputs(value, names: tuple[str, ...], shape: tuple, when: str) -> tuple[np.ndarray, ...]:
    """A step function's return value as ``len(names)`` arrays of ``shape``."""
    if len(names) == 1:
        return (as_array(value, shape, names[0], when),)
    form = "(" + ", ".join(names) + ")"
    if not isinstance(value, tuple | list) or len(value) != len(names):
        raise Wrong(f"return {len(names)} values {form}; got {describe(value)} ({when}).")
    return tuple(as_array(v, shape, n, when) for v, n in zip(value, names, strict=True))


def same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal up to round-off (infinities and NaN in the same places count as equal)."""
    return bool(np.allclose(a, b, rtol=1e-9, atol=1e-300, equal_nan=True))


def first_difference(got, want, names):
    """The first (step, name, got, want) where two runs differ, or None."""
    for k, (g_out, w_out) in enumerate(zip(got, want, strict=True), start=1):
        for name, a, b in zip(names, g_out, w_out, strict=True):
            if not same(a, b):
                return k, name, a, b
    return None


def show(a: np.ndarray) -> str:
    """An array in a message: its first few values, 4 significant digits."""
    flat = np.ravel(a)
    text = ", ".join(f"{v:.4g}" for v in flat[:3])
    return text if flat.size == 1 else f"[{text}{', ...' if flat.size > 3 else ''}]"


@dataclass(frozen=True)
class Trial:
    """One test of a step function: a start ``x0``, a gradient stream ``grads`` (step axis
    first) and the hyperparameters, in the order the function takes them after its state."""

    label: str
    x0: np.ndarray
    grads: np.ndarray
    hparams: tuple

    @property
    def shape(self) -> tuple:
        return self.x0.shape


def check_rule(answer, signature: str, names, trials, play, reference, variants, success):
    """Check a learner's update rule against optimlab's optimizer, trial by trial.

    ``play(step, trial)`` runs a whole gradient stream through ``step(args, k)``, which returns
    the outputs ``names`` of step k, and lists them; ``reference(trial)`` lists optimlab's.
    Where the learner's run differs, each ``(variant, hint)`` in ``variants`` (a function with
    the learner's signature that makes a typical mistake) is played too, and the hint of the
    first one that matches is the feedback; otherwise the message says where the runs part.
    """
    fn = function(answer, signature)
    name = signature.split("(")[0]
    for trial in trials:

        def learner(args, k, trial=trial):
            when = f"step {k}, {trial.label}"
            return outputs(call(fn, args, name, when), names, trial.shape, when)

        got = play(learner, trial)
        want = reference(trial)
        diff = first_difference(got, want, names)
        if diff is None:
            continue
        for order in itertools.permutations(range(len(names))):  # step 1 has the same inputs
            if list(order) != sorted(order):
                swapped = [tuple(got[0][i] for i in order)]
                if first_difference(swapped, want[:1], names) is None:
                    raise Wrong(f"right values, in the wrong order: return ({', '.join(names)}).")
        for variant, hint in variants:
            with np.errstate(all="ignore"):
                theirs = play(lambda args, k, v=variant: tuple(map(np.asarray, v(*args))), trial)
            if first_difference(got, theirs, names) is None:
                raise Wrong(hint)
        k, what, a, b = diff
        if not np.isfinite(a).all():
            raise Wrong(
                f"{what} is {show(a)} at step {k} ({trial.label}), where optimlab has {show(b)}: "
                "a division by zero or an overflow?"
            )
        direction = "larger" if np.nanmean(np.abs(a)) > np.nanmean(np.abs(b)) else "smaller"
        start = f" from x = {show(trial.x0)} with g = {show(trial.grads[0])}" if k == 1 else ""
        raise Wrong(
            f"{what} differs from optimlab's at step {k}{start} ({trial.label}): expected "
            f"{show(b)}, got {show(a)} ({direction} in size)."
        )
    return success
