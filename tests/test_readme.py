"""The README's example runs and says what it shows."""

import re
from pathlib import Path

import numpy as np


def test_readme_example_runs_and_its_comments_hold():
    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    scope = {}
    exec(compile(code, "README.md", "exec"), scope)
    np.testing.assert_allclose(
        scope["moves"][[100_998, 100_999, 101_000]], [-1, -31.62, -3.2e-4], rtol=2e-2
    )  # the comment's three significant digits
    np.testing.assert_allclose(scope["x"], [0.95, -2.05], rtol=1e-7)
