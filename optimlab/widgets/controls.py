"""Slider helpers: sliders that can only take valid values, and preset buttons."""

from __future__ import annotations

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
    """A slider over the given values only: every position is a valid, exactly known number."""
    values = [float(v) for v in values]
    if value not in values:
        raise ValueError(f"{description} slider: start value {value!r} is not among its values")
    return w.SelectionSlider(
        options=[(fmt.format(v), v) for v in values],
        value=value,
        description=description,
        continuous_update=True,
        layout=SLIDER_LAYOUT,
        style=DESCRIPTION_STYLE,
    )


def preset_buttons(slider: w.SelectionSlider, values, label: str, fmt="{:g}") -> w.HBox:
    """One button per value, each putting ``slider`` on that value in one click."""
    known = {v for _, v in slider.options}
    buttons = []
    for v in values:
        v = float(v)
        if v not in known:
            raise ValueError(f"preset {v!r} is not a value of slider {slider.description!r}")
        b = w.Button(
            description=fmt.format(v),
            layout={"width": "64px"},
            tooltip=f"{slider.description} = {fmt.format(v)}",
        )
        b.on_click(lambda _button, v=v: setattr(slider, "value", v))
        buttons.append(b)
    return w.HBox([w.Label(label, layout={"width": "114px"}), *buttons])


def steps_slider(description: str, value: int, lo: int, hi: int, interval_ms: int = 150):
    """An integer slider with a Play control that steps it (linked in the browser)."""
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
    w.jslink((play, "value"), (slider, "value"))
    return slider, play
