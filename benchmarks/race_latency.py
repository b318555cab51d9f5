"""The race panel (notebook 09) with ten racers: its main controls timed as
``slider_latency.py`` times every registered panel (which races the default five).

    python benchmarks/race_latency.py
"""

import statistics

import slider_latency as b  # sets ipympl's backend; run from the repository's root

import optimlab as ol

TEN = ("SGD", "SGDM", "NAG", "Adagrad", "RMSprop", "Adadelta", "Adam", "AMSGrad", "RAdam",
       "LBFGS")  # fmt: skip


def main():
    panel = ol.widgets.RacePanel(racers=TEN)
    sink = b.FrameSink(panel.fig.canvas)
    b.prepare_idle_work(panel)
    print(f"{'control':<11} {'n':>3} {'median ms':>10} {'p95 ms':>8} {'ref median':>10} "
          f"{'ref p95':>8} {'p95/ref':>8}  target <= {b.TARGET}")  # fmt: skip
    for name in ("landscape", "multiple", "t", "inspect"):
        values = b.values_of(panel.controls[name])
        b.time_panel(panel, sink, name, values[:2])
        live = b.time_panel(panel, sink, name, values)
        ref = b.time_reference(panel, name, values)
        ratio = b.pct(live, 95) / statistics.median(ref)
        print(
            f"{name:<11} {len(values):>3} {statistics.median(live):>10.1f} {b.pct(live, 95):>8.1f} "
            f"{statistics.median(ref):>10.1f} {b.pct(ref, 95):>8.1f} {ratio:>8.2f}  "
            f"{'ok' if ratio <= b.TARGET else 'MISSED'}",
            flush=True,
        )
    panel.close()


if __name__ == "__main__":
    main()
