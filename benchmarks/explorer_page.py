"""The explorer at scale: `python benchmarks/explorer_page.py [--blocks N]`.

Builds a graph of about 1,000 vertices (N blocks of Linear(8, 8) -> Tanh: per block two
ops and two parameters), then reports the time `explore` takes to make the page (layout
by Graphviz included) and save it, the page's size, and, in headless Chromium, the time to
load it and to take each step of the backward pass until the next frame is painted
(measured in the page with performance.now()). Targets: under 5 s, under 3 MB, under
50 ms per step.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import minigrad as mg  # noqa: E402
from minigrad import nn, viz  # noqa: E402
from minigrad.viz.explorer import browser  # noqa: E402

# Steps the page through every VJP. Each sample runs from the step to a task queued from
# the next animation frame, which runs once that frame is painted: the style, layout and
# paint the step caused are included. The same wait with no step is the baseline (the
# wait for the next frame, about 16 ms at 60 Hz), reported beside it.
STEP_TIMES = """
const done = arguments[arguments.length - 1], explorer = window.minigradExplorer;
function painted() { return new Promise(r => requestAnimationFrame(() => setTimeout(r, 0))); }
(async () => {
  const steps = [], idle = [];
  for (let k = 1; k <= explorer.stepCount; k++) {
    let start = performance.now();
    await painted();
    idle.push(performance.now() - start);
    start = performance.now();
    explorer.goTo(k);
    await painted();
    steps.push(performance.now() - start);
  }
  done([steps, idle]);
})();
"""


def build(blocks: int):
    mg.manual_seed(0)
    layers = []
    for _ in range(blocks):
        layers += [nn.Linear(8, 8), nn.Tanh()]
    model = nn.Sequential(*layers)
    x = mg.randn(4, 8)
    with viz.record():
        loss = (model(x) ** 2).mean()
    return model, loss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, default=249,
                        help="Linear+Tanh blocks (249: 1,000 vertices with the loss's ops)")
    args = parser.parse_args(argv)
    model, loss = build(args.blocks)
    folder = Path(tempfile.mkdtemp(prefix="minigrad-explorer-"))
    start = time.perf_counter()
    page = viz.explore(loss, params=model, max_nodes=None)
    path = page.save(folder / "page.html")
    made = time.perf_counter() - start
    vertices = page.html.count('class="node"')
    print(f"vertices drawn                 : {vertices:,}")
    print(f"page generated and saved in    : {made:.2f} s")
    print(f"page size                      : {path.stat().st_size / 1e6:.2f} MB")
    missing = browser.missing()
    if missing:
        print(f"browser timings skipped: {missing}; {browser.INSTALL_HINT}")
        return 0
    with browser.chromium() as driver:
        driver.set_script_timeout(300)
        start = time.perf_counter()
        driver.get(path.as_uri())
        driver.find_element("id", "counter")
        print(f"page loaded in Chromium in     : {time.perf_counter() - start:.2f} s")
        times, idle = driver.execute_async_script(STEP_TIMES)
        errors = browser.console_errors(driver)
    print(f"steps                          : {len(times)}")
    print(f"per step until painted, median : {statistics.median(times):.1f} ms")
    ranked = sorted(times)
    print(f"per step until painted, p90    : {ranked[int(0.9 * len(ranked))]:.1f} ms")
    print(f"per step until painted, worst  : {ranked[-1]:.1f} ms "
          f"({sum(t > 50 for t in times)} of {len(times)} steps over 50 ms)")
    print(f"no step, next frame, median    : {statistics.median(idle):.1f} ms (baseline)")
    if errors:
        print(f"console errors: {errors}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
