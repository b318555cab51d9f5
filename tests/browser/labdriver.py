"""Driving the notebooks in JupyterLab in headless Chromium (Debian's package, through Playwright).

Shared by the browser tests and benchmarks/browser_latency.py. Playwright cannot download its own
browsers here, so it drives the system Chromium through ``executable_path``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOW_TO_ENABLE = (
    "no Chromium found: install Debian's package (apt-get install chromium) or set "
    "OPTIMLAB_CHROMIUM to a Chromium binary, then run: python -m pytest -m browser"
)
CANVAS = ".jupyter-matplotlib-canvas-div canvas:first-child"
SETTINGS = {  # user settings for the test server: every cell in the page, no news pop-up
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false"},
}


def find_chromium() -> str | None:
    for candidate in (
        os.environ.get("OPTIMLAB_CHROMIUM"),
        shutil.which("chromium"),
        "/usr/bin/chromium",
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def lab_server(root: Path, timeout: float = 90.0):
    """JupyterLab on 127.0.0.1, a free port and a fresh token, serving ``root``; yields
    (base_url, token) once it answers, and stops it afterwards."""
    port, token = free_port(), secrets.token_hex(16)
    settings = root / ".settings"
    for plugin, values in SETTINGS.items():
        file = settings / f"{plugin}.jupyterlab-settings"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(values))
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.port_retries=0",
        f"--LabApp.workspaces_dir={root / '.workspaces'}",
        f"--LabApp.user_settings_dir={settings}",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: open notebooks in place
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(root / "jupyterlab.log", "w")  # noqa: SIM115  (closed below)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: see {root / 'jupyterlab.log'}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not answer in {timeout:.0f} s") from None
                time.sleep(0.3)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


class LabPage:
    """One notebook open in JupyterLab."""

    def __init__(self, page, base: str, token: str, notebook: str):
        self.page, self.notebook = page, notebook
        if page.url.startswith(f"{base}/lab") and page.evaluate("() => !!window.jupyterapp"):
            page.evaluate(OPEN_IN_APP, notebook)  # JupyterLab is loaded: no page reload
        else:
            page.goto(f"{base}/lab/tree/{notebook}?token={token}&reset")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        deadline = time.monotonic() + 60
        while not self.kernel_idle():  # Run All before the kernel is connected runs nothing
            if time.monotonic() > deadline:
                raise TimeoutError(f"{notebook}: the kernel did not start in 60 s")
            time.sleep(0.3)

    def run_all(self, timeout: float = 180.0) -> None:
        """Run all cells from the Run menu and wait until every code cell has run."""
        page = self.page
        page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        deadline = time.monotonic() + timeout
        while True:
            prompts = page.evaluate(
                "() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]"
                ".map(e => e.textContent.trim())"
            )
            if prompts and all(p[1:-2].isdigit() for p in prompts) and self.kernel_idle():
                break
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{self.notebook}: cells still running after {timeout:.0f} s: prompts {prompts}"
                )
            time.sleep(0.5)
        time.sleep(1.0)  # let the widgets render their first frames

    def kernel_idle(self) -> bool:
        return "| Idle" in " ".join(self.page.locator(".jp-StatusBar-Widget").all_inner_texts())

    def error_outputs(self) -> list[str]:
        return self.page.evaluate(
            "() => [...document.querySelectorAll('.jp-OutputArea-output"
            '[data-mime-type="application/vnd.jupyter.stderr"]\')].map(e => e.textContent)'
        )

    def panels(self):
        """The output areas that hold a figure canvas (one per displayed panel)."""
        return self.page.locator(".jp-OutputArea-output:has(.jupyter-matplotlib)")

    def canvas_hash(self, panel) -> int:
        """A hash of the panel's canvas pixels."""
        return panel.locator(CANVAS).evaluate(
            "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            " let h = 0; for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) | 0;"
            " return h; }"
        )

    def press_slider(self, panel, key: str = "ArrowRight", timeout: float = 2.0, on_draw=False):
        return press_slider(self.page, panel, key, timeout, on_draw)

    def file_browser(self, show: bool) -> None:
        """Open or collapse the left sidebar (JupyterLab opens with the file browser shown)."""
        page = self.page
        shown = page.evaluate(
            "() => { const s = document.querySelector('#jp-left-stack');"
            " return !!s && !s.classList.contains('lm-mod-hidden'); }"
        )
        if shown != show:
            page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab").first.click()
            page.wait_for_timeout(300)

    def screen(self, setting: Screen) -> None:
        """Put the page in ``setting``: window size, zoom and sidebar; waits until the panels
        have taken their new width (the kernel redraws them)."""
        page = self.page
        cdp = self.cdp()
        if setting.zoom == 1:
            cdp.send("Emulation.clearDeviceMetricsOverride")
            page.set_viewport_size({"width": setting.width, "height": setting.height})
        else:  # browser zoom: fewer CSS pixels, each drawn with more device pixels
            cdp.send(
                "Emulation.setDeviceMetricsOverride",
                {
                    "width": round(setting.width / setting.zoom),
                    "height": round(setting.height / setting.zoom),
                    "deviceScaleFactor": setting.zoom,
                    "mobile": False,
                },
            )
        self.file_browser(setting.file_browser)
        settle(page)

    def capture(self, path, element=None) -> None:
        """A screenshot of the page (or of ``element``) as it is, through the DevTools
        protocol: Playwright's own screenshot would undo the emulated zoom."""
        params = {"format": "png"}
        if element is not None:
            box = element.bounding_box()
            params["clip"] = {**box, "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.cdp().send("Page.captureScreenshot", params)["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def cdp(self):
        """The page's DevTools session, kept open: closing it would undo its emulation."""
        session = getattr(self.page, "_optimlab_cdp", None)
        if session is None:
            session = self.page.context.new_cdp_session(self.page)
            self.page._optimlab_cdp = session
        return session

    def css_viewport(self) -> tuple[int, float]:
        """The page's width in CSS pixels and its device-pixel ratio."""
        width, ratio = self.page.evaluate("() => [window.innerWidth, window.devicePixelRatio]")
        return width, ratio

    def panel_geometry(self, wait: float = 8.0) -> list[dict]:
        """For each panel: its box, its canvas's box, the column's right edge, the elements
        inside it that scroll sideways, and how much of its canvas is not white (``ink``),
        waiting up to ``wait`` seconds for every canvas to show its frame."""
        deadline = time.monotonic() + wait
        while True:
            found = self.page.evaluate(PANEL_GEOMETRY)
            if all(g["ink"] > 0.005 for g in found) or time.monotonic() > deadline:
                return found
            time.sleep(0.25)


# Close every open document without asking (a notebook that ran is unsaved), shut its kernel
# down, and open ``path``: what a reload with ?reset does, without loading JupyterLab again.
OPEN_IN_APP = """async (path) => {
    const app = window.jupyterapp;
    for (const widget of Array.from(app.shell.widgets('main'))) {
        if (widget.context) { widget.context.model.dirty = false; }
        if (widget.sessionContext && widget.sessionContext.session) {
            await widget.sessionContext.shutdown();
        }
        widget.dispose();
    }
    await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
}"""


class Screen(NamedTuple):
    """A screen setting: window size in device pixels, browser zoom, file browser open."""

    name: str
    width: int
    height: int
    zoom: float
    file_browser: bool


# Chrome at 125 % zoom in a 1280 x 720 window lays pages out in 1024 x 576 CSS pixels drawn at
# 1.25 device pixels each: that is what the zoomed setting emulates (deviceScaleFactor 1.25,
# through the DevTools protocol, on the same page).
SCREENS = (
    Screen("1280x720", 1280, 720, 1.0, True),
    Screen("1366x768", 1366, 768, 1.0, True),
    Screen("1280x720 at 125% zoom", 1280, 720, 1.25, False),
)

PANEL_GEOMETRY = """() => [...document.querySelectorAll(
    '.jp-OutputArea-output:has(.jupyter-matplotlib)')].map(out => {
  const box = out.getBoundingClientRect();
  const canvas = out.querySelector('.jupyter-matplotlib-canvas-div canvas');
  const c = canvas.getBoundingClientRect();
  const scrolls = [out, ...out.querySelectorAll('*')]
    .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'
            && e.clientWidth > 0)
    .map(e => `${e.className || e.tagName}: ${e.scrollWidth} > ${e.clientWidth}`);
  const cut = [...out.querySelectorAll('.widget-slider, .widget-button, canvas')]
    .filter(e => e.getBoundingClientRect().right > box.right + 1)
    .map(e => `${e.className || e.tagName} ends at ${e.getBoundingClientRect().right}`);
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 0; i < d.length; i += 4 * 13) if (d[i] < 200 || d[i + 1] < 200) ink++;
  return {height: box.height, right: box.right, canvas: [c.left, c.right, c.width, c.height],
          scrolls, cut, ink: ink / (d.length / (4 * 13))};
})"""


def settle(page, timeout: float = 15.0) -> None:
    """Wait until no canvas has changed size for a while (the kernel has fitted the panels)."""
    js = (
        "() => [...document.querySelectorAll('.jupyter-matplotlib-canvas-div canvas')]"
        ".map(c => c.width + 'x' + c.height).join(',')"
    )
    deadline = time.monotonic() + timeout
    last, stable_since = None, time.monotonic()
    while time.monotonic() < deadline:
        now = page.evaluate(js)
        if now == "" and last is None:
            return  # no canvas on the page (before Run All): nothing to wait for
        if now != last:
            last, stable_since = now, time.monotonic()
        elif time.monotonic() - stable_since > 0.8:
            return
        time.sleep(0.2)


# Seen when the canvas is drawn on: ipympl draws each frame onto the visible canvas with
# drawImage; the canvas's own drawImage is wrapped (for one press) to take the time right after
# a draw that changed its pixels. Nothing runs in the page while it waits.
CHANGE_ON_DRAW = """(c, timeout) => {
    const ctx = c.getContext('2d');
    const hash = () => { const d = ctx.getImageData(0, 0, c.width, c.height).data;
        let h = 0; for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) | 0;
        return h; };
    window.__olChange = null;
    const press = {};  // this press: a timer left from an earlier press must not end it
    window.__olPress = press;
    const h0 = hash();
    let t0 = null;
    const done = (ms) => {
        if (window.__olPress !== press) { return; }
        window.__olPress = null;
        window.__olChange = ms;
        delete ctx.drawImage;
    };
    ctx.drawImage = function (...args) {
        const out = CanvasRenderingContext2D.prototype.drawImage.apply(this, args);
        const t = performance.now();
        if (t0 !== null && hash() !== h0) { done(t - t0); }
        return out;
    };
    document.addEventListener('keydown', () => {
        t0 = performance.now();
        setTimeout(() => done(-1), timeout * 1000);
    }, {once: true, capture: true});
}"""


def press_slider(page, panel, key: str = "ArrowRight", timeout: float = 2.0, on_draw: bool = False):
    """Press ``key`` on the panel's first slider; seconds until the canvas pixels change, as
    measured in the page from the keydown, or None if they did not within ``timeout``.

    By default the page looks at the canvas's pixels on every animation frame. With
    ``on_draw`` it looks only when the canvas is drawn on (``CHANGE_ON_DRAW``): the moment
    the pixels change, without a loop hashing the canvas 60 times a second while the kernel
    works (on a machine of two cores that loop competes with the kernel it measures)."""
    canvas = panel.locator(CANVAS)
    if on_draw:
        canvas.evaluate(CHANGE_ON_DRAW, timeout)
    else:
        _poll_for_change(canvas, timeout)
    handle = panel.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press(key)
    try:
        page.wait_for_function("() => window.__olChange !== null", timeout=(timeout + 2) * 1000)
    except Exception:  # the page stopped polling (hidden, crashed): no change seen
        return None
    ms = page.evaluate("() => window.__olChange")
    return None if ms < 0 else ms / 1000.0


def _poll_for_change(canvas, timeout: float) -> None:
    canvas.evaluate(
        """(c, timeout) => {
            const hash = () => { const d = c.getContext('2d')
                .getImageData(0, 0, c.width, c.height).data;
                let h = 0; for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) | 0;
                return h; };
            window.__olChange = null;
            const h0 = hash();
            document.addEventListener('keydown', () => {
                const t0 = performance.now();
                const poll = () => {
                    if (hash() !== h0) { window.__olChange = performance.now() - t0; }
                    else if (performance.now() - t0 < timeout * 1000) {
                        requestAnimationFrame(poll); }
                    else { window.__olChange = -1; }
                };
                requestAnimationFrame(poll);
            }, {once: true, capture: true});
        }""",
        timeout,
    )


@contextlib.contextmanager
def voila_server(notebook: Path, timeout: float = 90.0):
    """Voila serving ``notebook`` alone on 127.0.0.1 and a free port; yields its URL."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
    ]
    log = open(notebook.parent / "voila.log", "w")  # noqa: SIM115  (closed below)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=notebook.parent)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"Voila exited: see {notebook.parent / 'voila.log'}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Voila did not answer in {timeout:.0f} s") from None
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def chromium(executable: str, viewport=(1280, 720)):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        finally:
            browser.close()
