"""The width of the notebook column a panel is shown in, as the browser measures it."""

from __future__ import annotations

import anywidget
import traitlets

# A zero-height element as wide as the panel's box: a ResizeObserver reports its width (CSS
# pixels) when the panel is first shown and after each resize of the window, the sidebar or the
# zoom, debounced so a drag sends one width, not one per frame. A hidden panel (width 0) sends
# nothing.
_ESM = """
function render({ model, el }) {
  el.style.width = "100%";
  el.style.height = "0px";
  el.style.overflow = "hidden";
  let timer = null;
  let last = -1;
  const report = () => {
    const w = Math.floor(el.getBoundingClientRect().width);
    if (w > 0 && w !== last) {
      last = w;
      model.set("width", w);
      model.save_changes();
    }
  };
  const observer = new ResizeObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(report, 120);
  });
  observer.observe(el);
  return () => { observer.disconnect(); clearTimeout(timer); };
}
export default { render };
"""


class ColumnWidth(anywidget.AnyWidget):
    """Reports ``width``: the CSS pixels the panel's box has in the page (0 until shown; stays
    0 where no browser runs: nbval, the headless tests)."""

    _esm = traitlets.Unicode(_ESM).tag(sync=True)
    width = traitlets.Int(0).tag(sync=True)
