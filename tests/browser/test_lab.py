"""What a learner sees: every notebook run in JupyterLab in headless Chromium.

nbval proves that the code runs; these tests check the page: no cell shows an error, every panel
shows its figure and its sliders, and a key press on each panel's main slider changes the
figure's pixels within 2 seconds. Marked ``browser``: ``pytest -m browser`` runs only these,
``pytest -m "not browser"`` leaves them out.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ARTIFACTS = ROOT / "browser-artifacts"
# OPTIMLAB_SCREENSHOTS=dir: save a screenshot of every panel at every screen setting there
SHOTS = Path(os.environ["OPTIMLAB_SCREENSHOTS"]) if os.environ.get("OPTIMLAB_SCREENSHOTS") else None


def panel_count(path: Path) -> int:
    """How many panels the stored notebook displays (cells with a widget view)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(
        any(WIDGET_VIEW in o.get("data", {}) for o in c.get("outputs", []))
        for c in cells
        if c["cell_type"] == "code"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_its_panels_fit_every_screen(path, lab, screenshot_on_failure):
    """Run All once, then for each screen setting (the same page resized: window, zoom,
    sidebar): every panel fits its column (no sideways scrollbar, nothing cut off), is at most
    600 px tall with its controls, shows a drawn canvas, and a key press on its main slider
    changes the canvas within 2 s."""
    from .labdriver import CANVAS, SCREENS, LabPage

    base, token, page = lab
    screenshot_on_failure.append(path.name)
    nb = LabPage(page, base, token, path.name)
    nb.screen(SCREENS[0])
    nb.run_all()
    expected = panel_count(path)
    assert expected > 0
    panels = nb.panels()
    assert panels.count() == expected, (
        f"{path.name}: {panels.count()} panels rendered a figure, expected {expected}"
    )
    for i in range(expected):
        assert panels.nth(i).locator(".widget-slider").count() >= 1, f"{path.name}: panel {i}"
    for screen in SCREENS:
        nb.screen(screen)
        where = f"{path.name} at {screen.name}"
        assert nb.css_viewport() == (round(screen.width / screen.zoom), screen.zoom), where
        for i, g in enumerate(nb.panel_geometry()):
            assert g["scrolls"] == [], f"{where}: panel {i} scrolls sideways: {g['scrolls']}"
            assert g["cut"] == [], f"{where}: panel {i} is cut off at {g['right']}: {g['cut']}"
            assert g["height"] <= 600, f"{where}: panel {i} is {g['height']} px tall"
            left, right, width, height = g["canvas"]
            assert width > 300 and height > 200, f"{where}: panel {i} figure is {g['canvas']}"
            if g["ink"] <= 0.005:  # keep what the canvas shows, to look at
                ARTIFACTS.mkdir(exist_ok=True)
                url = panels.nth(i).locator(CANVAS).evaluate("c => c.toDataURL()")
                (ARTIFACTS / f"{path.stem}-canvas{i}.png").write_bytes(
                    base64.b64decode(url.split(",")[1])
                )
            assert g["ink"] > 0.005, f"{where}: panel {i}'s canvas is blank: {g}"
            panel = panels.nth(i)
            if SHOTS:  # for a person to look at: the panel, and the window around it
                SHOTS.mkdir(parents=True, exist_ok=True)
                stem = f"{path.stem}-panel{i}-{screen.name.replace(' ', '').replace('%', '')}"
                panel.scroll_into_view_if_needed()
                nb.capture(SHOTS / f"{stem}.png", panel)
                nb.capture(SHOTS / f"{stem}-window.png")
            seconds = nb.press_slider(panel, "ArrowRight")
            if seconds is None:  # the slider may sit at its maximum
                seconds = nb.press_slider(panel, "ArrowLeft")
            assert seconds is not None, (
                f"{where}: panel {i}: the figure did not change within 2 s of a key press on "
                "its main slider"
            )
            if screen is SCREENS[0]:  # the benchmark's way of seeing it: at the draw
                back = nb.press_slider(panel, "ArrowLeft", on_draw=True) or nb.press_slider(
                    panel, "ArrowRight", on_draw=True
                )
                assert back is not None, f"{where}: panel {i}: no change seen at the draw"
        errors = nb.error_outputs()
        assert not errors, f"{where}: a cell shows an error or stderr: {errors[0][:300]}"


def test_voila_shows_a_live_panel(lab, tmp_path):
    """The app view for class: Voila runs notebook 01 and shows its panel without code; a key
    press on the panel's slider changes its canvas."""
    from .labdriver import press_slider, voila_server

    page = lab[2]

    notebook = tmp_path / "01_learning_rate.ipynb"
    shutil.copy(ROOT / "notebooks" / notebook.name, notebook)
    with voila_server(notebook) as url:
        page.goto(url, timeout=120_000)
        panel = page.locator(".jp-OutputArea-output:has(.jupyter-matplotlib)").first
        panel.locator(".jupyter-matplotlib-canvas-div canvas").first.wait_for(timeout=120_000)
        page.wait_for_timeout(1000)
        assert "ol.widgets." not in page.inner_text("body")  # the app view shows no code
        seconds = press_slider(page, panel, "ArrowRight") or press_slider(page, panel, "ArrowLeft")
        if seconds is None:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "voila.png"), full_page=True)
        assert seconds is not None, "Voila: the canvas did not change within 2 s of a key press"


@pytest.fixture(scope="module")
def html_exports(tmp_path_factory):
    """Every notebook exported to static HTML, in one nbconvert run (one start-up, not ten)."""
    out = tmp_path_factory.mktemp("html")
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--output-dir", str(out)]
        + [str(p) for p in NOTEBOOKS],
        check=True,
        capture_output=True,
    )
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_static_html_shows_an_image_for_every_panel(path, lab, html_exports, screenshot_on_failure):
    """A reader without a kernel (an HTML export, GitHub) sees each panel's stored figure."""
    _, _, page = lab
    screenshot_on_failure.append(f"{path.stem}.html")
    page.goto((html_exports / f"{path.stem}.html").as_uri())
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
