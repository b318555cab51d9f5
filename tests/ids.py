"""Test ids for (exercise id, answer) cases that are the same in every process: pytest-xdist's
workers must collect the same ids, and a set's order changes with Python's hash seed."""


def answer_id(exercise_id: str, answer) -> str:
    if isinstance(answer, (set, frozenset)):
        answer = "{" + ",".join(sorted(map(str, answer))) + "}"
    return f"{exercise_id}-{getattr(answer, '__name__', answer)!s:.20}"
