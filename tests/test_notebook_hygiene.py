"""Every stored notebook: one fresh run top to bottom, no errors, nothing machine-specific."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ABSOLUTE_PATH = re.compile(r"(/(home|root|tmp|work|Users|opt|usr)/|[A-Za-z]:\\\\)")


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def code_cells(path):
    return [c for c in cells(path) if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_the_notebooks_are_there():
    names = [p.name for p in NOTEBOOKS]
    assert "01_learning_rate.ipynb" in names
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", n) for n in names), names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_once_top_to_bottom(path):
    counts = [c["execution_count"] for c in code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), counts


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_error_or_stderr_output(path):
    for i, c in enumerate(code_cells(path)):
        for o in c.get("outputs", []):
            assert o["output_type"] != "error", f"cell {i}: {o.get('ename')}: {o.get('evalue')}"
            if o["output_type"] == "stream":
                assert o["name"] == "stdout", f"cell {i} wrote to stderr: {''.join(o['text'])}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_absolute_paths(path):
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'"image/png": "[^"]*"', "", text)  # base64 may contain anything
    found = ABSOLUTE_PATH.search(text)
    assert found is None, (
        f"{path.name} holds a machine path near {text[found.start() - 40 :][:80]!r}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_under_one_megabyte(path):
    assert path.stat().st_size < 1_000_000


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widgets_are_ignored_by_nbval_and_keep_a_static_image(path):
    for i, c in enumerate(code_cells(path)):
        datas = [o.get("data", {}) for o in c.get("outputs", [])]
        if any(WIDGET_VIEW in d for d in datas):
            assert "".join(c["source"]).startswith("# NBVAL_IGNORE_OUTPUT"), f"cell {i}"
            assert any("image/png" in d for d in datas), f"cell {i} has no static image"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opens_with_the_widget_backend_and_optimlab(path):
    first = "".join(code_cells(path)[0]["source"])
    assert first.startswith("%matplotlib widget")
    assert "import optimlab as ol" in first


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_lean_as_nbconvert_config_json_says(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert set(nb["metadata"]) <= {"kernelspec", "language_info"}, "widget state or other"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for c in nb["cells"]:
        assert set(c.get("metadata", {})) <= {"tags"}, "timestamps or other cell metadata"
