import os
import shutil
from pathlib import Path

import pytest

from .labdriver import HOW_TO_ENABLE, chromium, find_chromium, lab_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "browser-artifacts"  # screenshots of failures (ignored by git)


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {HOW_TO_ENABLE} (.ci/run installs it)")
        pytest.skip(HOW_TO_ENABLE)
    return path


@pytest.fixture(scope="session")
def lab(chromium_path, tmp_path_factory):
    """JupyterLab serving a temporary copy of notebooks/, and a headless Chromium page."""
    root = tmp_path_factory.mktemp("lab")
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(nb, root / nb.name)
    with lab_server(root) as (base, token), chromium(chromium_path) as page:
        yield base, token, page


@pytest.fixture
def screenshot_on_failure(request, lab):
    """Yields a list; put the notebook's name in it. A failing test saves a screenshot."""
    names = []
    yield names
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for name in names or [request.node.name]:
            path = ARTIFACTS / f"{Path(name).stem}.png"
            lab[2].screenshot(path=str(path), full_page=True)
            print(f"screenshot of the failure: {path}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
