"""What a learner sees: every notebook run in JupyterLab in headless Chromium.

nbval proves that the code runs; these tests check the page: no cell shows an error, every panel
shows its figure and its sliders, and a key press on each panel's main slider changes the
figure's pixels within 2 seconds. Marked ``browser``: ``pytest -m browser`` runs only these,
``pytest -m "not browser"`` leaves them out.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def panel_count(path: Path) -> int:
    """How many panels the stored notebook displays (cells with a widget view)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(
        any(WIDGET_VIEW in o.get("data", {}) for o in c.get("outputs", []))
        for c in cells
        if c["cell_type"] == "code"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_its_sliders_move_the_figures(path, lab, screenshot_on_failure):
    from .labdriver import LabPage

    base, token, page = lab
    screenshot_on_failure.append(path.name)
    nb = LabPage(page, base, token, path.name)
    nb.run_all()
    errors = nb.error_outputs()
    assert not errors, f"{path.name}: a cell shows an error or stderr: {errors[0][:300]}"
    panels = nb.panels()
    expected = panel_count(path)
    assert expected > 0
    assert panels.count() == expected, (
        f"{path.name}: {panels.count()} panels rendered a figure, expected {expected}"
    )
    for i in range(expected):
        panel = panels.nth(i)
        assert panel.locator(".widget-slider").count() >= 1, f"{path.name}: panel {i} no slider"
        box = panel.locator(".jupyter-matplotlib-canvas-div canvas").first.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 200, (
            f"{path.name}: panel {i} figure is {box}"
        )
        seconds = nb.press_slider(panel, "ArrowRight")
        if seconds is None:  # the slider may sit at its maximum
            seconds = nb.press_slider(panel, "ArrowLeft")
        assert seconds is not None, (
            f"{path.name}: panel {i}: the figure did not change within 2 s of a key press on "
            "its main slider"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_static_html_shows_an_image_for_every_panel(path, lab, tmp_path, screenshot_on_failure):
    """A reader without a kernel (an HTML export, GitHub) sees each panel's stored figure."""
    _, _, page = lab
    screenshot_on_failure.append(f"{path.stem}.html")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "html",
            "--output-dir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    page.goto((tmp_path / f"{path.stem}.html").as_uri())
    page.wait_for_load_state("load")
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.jp-CodeCell')]
            .filter(c => /ol\\.widgets\\.|^\\s*panel\\s*$/m.test(
                c.querySelector('.jp-InputArea')?.textContent || ''))
            .map(c => [...c.querySelectorAll('.jp-OutputArea img')]
                .map(i => [i.naturalWidth, i.naturalHeight]))"""
    )
    panels_shown = [s for s in sizes if s]  # cells that display a panel have an output image
    assert len(panels_shown) == panel_count(path), f"{path.name}: images {sizes}"
    for images in panels_shown:
        w, h = images[0]
        assert w > 300 and h > 200, f"{path.name}: a panel's static image is {w} x {h}"
