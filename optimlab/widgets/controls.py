"""Slider helpers: sliders that can only take valid values, and preset buttons."""

from __future__ import annotations

import threading

import ipywidgets as w
import numpy as np

SLIDER_LAYOUT = {"width": "440px"}
DESCRIPTION_STYLE = {"description_width": "110px"}


def log_values(lo: float, hi: float, per_decade: int = 20, exact=(), keep_out: float = 0.05):
    """Values from ``lo`` to ``hi``, evenly spaced on a log scale, rounded to two significant
    digits, with the ``exact`` values added (grid values within ``keep_out`` of one are dropped,
    so that 0.125 does not sit next to 0.13)."""
    k = np.arange(round(np.log10(lo) * per_decade), round(np.log10(hi) * per_decade) + 1)
    grid = {float(f"{v:.2g}") for v in 10.0 ** (k / per_decade)}
    exact = [float(v) for v in exact]
    grid = {v for v in grid if all(abs(v / e - 1) > keep_out for e in exact)}
    return sorted(v for v in grid | set(exact) if lo <= v <= hi)


def value_slider(description: str, values, value, fmt="{:g}") -> w.SelectionSlider:
    """A slider over the given values only: every position is a valid, exactly known number.
    ``fmt``: a format string or a function of the value, for the readout."""
    values = [float(v) for v in values]
    label = fmt if callable(fmt) else fmt.format
    if value not in values:
        raise ValueError(f"{description} slider: start value {value!r} is not among its values")
    return w.SelectionSlider(
        options=[(label(v), v) for v in values],
        value=value,
        description=description,
        continuous_update=True,
        layout=SLIDER_LAYOUT,
        style=DESCRIPTION_STYLE,
    )


def preset_buttons(label: str, cases) -> w.HBox:
    """One button per case, each setting one or more controls in one click. ``cases`` is a
    list of (button text, {control: value}); every value must be one its control can take."""
    buttons = []
    for text, settings in cases:
        for control, v in settings.items():
            options = getattr(control, "options", None)
            if options is not None and v not in {o for _, o in options}:
                raise ValueError(f"preset {v!r} is not a value of {control.description!r}")
        b = w.Button(description=text, layout={"width": f"{max(64, 9 * len(text) + 18)}px"})
        b.on_click(lambda _b, settings=settings: _apply(settings))
        buttons.append(b)
    return w.HBox([w.Label(label, layout={"width": "114px"}), *buttons])


def value_presets(slider: w.SelectionSlider, values, label: str, fmt="{:g}") -> w.HBox:
    """Buttons that put ``slider`` on each of ``values``."""
    return preset_buttons(label, [(fmt.format(v), {slider: float(v)}) for v in values])


class _Presets(threading.local):
    """Per thread (widget events may come on more than one): while a preset sets its
    controls, the updates it caused, else None."""

    deferred: list | None = None


_PRESETS = _Presets()


def defer(update) -> bool:
    """Called by a panel's update: True if a preset is setting several controls, in which
    case ``update`` runs once when it has set them all (one redraw per click, not one per
    control)."""
    if _PRESETS.deferred is None:
        return False
    if update not in _PRESETS.deferred:
        _PRESETS.deferred.append(update)
    return True


def _apply(settings: dict) -> None:
    outer = _PRESETS.deferred is None
    if outer:
        _PRESETS.deferred = []
    try:
        for control, value in settings.items():
            control.value = value
    finally:
        if outer:
            pending, _PRESETS.deferred = _PRESETS.deferred, None
            for update in pending:
                update()


def steps_slider(description: str, value: int, lo: int, hi: int, interval_ms: int = 150):
    """An integer slider with a Play control that steps it (linked in the browser); returns
    (slider, play, link)."""
    slider = w.IntSlider(
        value=value,
        min=lo,
        max=hi,
        description=description,
        continuous_update=True,
        layout=SLIDER_LAYOUT,
        style=DESCRIPTION_STYLE,
    )
    play = w.Play(
        value=value,
        min=lo,
        max=hi,
        step=1,
        interval=interval_ms,
        description="Play",
        tooltip="step through the iterations",
    )
    link = w.jslink((play, "value"), (slider, "value"))
    return slider, play, link


def thousands(v: float) -> str:
    """A readout that keeps one style over decades: 1.8, 10, 100,000, 1,000,000."""
    return f"{v:,.0f}" if v >= 10 else f"{v:g}"
