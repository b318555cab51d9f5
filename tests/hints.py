"""The one check every notebook's typical-mistakes table runs (tests/test_exercises*.py)."""

from optimlab.exercises import Result, check


def assert_intended_hint(exercise_id: str, answer, words) -> None:
    """``answer`` to ``exercise_id`` fails with a real hint (not the checker's own failure) that
    contains each of ``words`` (case-insensitive)."""
    result = check(exercise_id, answer)
    assert isinstance(result, Result) and result.passed is False and result.answered
    assert isinstance(result.message, str) and len(result.message) > 10
    assert "the checker could not" not in result.message, result.message
    for word in words:
        assert word.lower() in result.message.lower(), (word, result.message)
