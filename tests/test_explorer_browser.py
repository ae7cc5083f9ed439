"""The explorer's pages in headless Chromium, opened from file:// with the network off.

Screenshots of each page are written next to the test's temporary files (and kept when
MINIGRAD_SCREENSHOTS names a folder) so that a person can look at what the tests saw.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
from helpers.browser import chromium, console_errors, require_browser
from helpers.dot import need_dot
from helpers.explorer import engine_order

import minigrad as mg
from minigrad import nn, viz
from minigrad.viz import style
from minigrad.viz.collect import collect
from minigrad.viz.examples import section2_graph
from minigrad.viz.explorer import explore
from minigrad.viz.paths import grad_paths


@pytest.fixture(scope="module")
def browser():
    need_dot()
    require_browser()
    with chromium() as driver:
        driver.set_network_conditions(offline=True, latency=0, download_throughput=0,
                                      upload_throughput=0)
        yield driver


def open_page(driver, page, path: Path, name: str):
    file = page.save(path / f"{name}.html")
    driver.get_log("browser")  # start each page with an empty console
    driver.get(file.as_uri())
    driver.find_element("id", "counter")  # the page is there
    return driver


def screenshot(driver, path: Path, name: str) -> None:
    folder = Path(os.environ.get("MINIGRAD_SCREENSHOTS") or path)
    folder.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(folder / f"{name}.png"))


def current(driver) -> list[str]:
    """The vertices marked as the op whose VJP runs now."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('g.node.current'))"
        ".map(function (g) { return g.dataset.vertex; });")


def test_section2_page_loads_offline_without_errors_and_steps_in_engine_order(browser,
                                                                              tmp_path):
    layer = section2_graph()
    order = engine_order(layer.loss)
    view = collect([layer.loss], {})
    expected = [f"op{view.order.index(node)}" for node in order]
    driver = open_page(browser, explore(layer.loss, wrt=[layer.b]), tmp_path, "section2")
    assert console_errors(driver) == []
    assert current(driver) == []
    body = driver.find_element("tag name", "body")
    seen = []
    for _ in expected:
        body.send_keys("\ue014")  # ArrowRight
        seen += current(driver)
    assert seen == expected
    assert driver.find_element("id", "counter").text == f"step {len(expected)} of {len(expected)}"
    driver.find_element("id", "back").click()
    assert current(driver) == [expected[-2]]
    screenshot(driver, tmp_path, "section2-stepping")
    assert console_errors(driver) == []


def test_leaves_fill_in_their_gradient(browser, tmp_path):
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True, dtype=np.float64, name="x")
    y = (x * 2.0 + x * x).sum()
    driver = open_page(browser, explore(y), tmp_path, "accumulation")
    data = driver.execute_script("return minigradExplorer.data")
    leaf = next(i for i, v in data["vertices"].items() if v.get("name") == "x")
    badges = []
    for _ in data["steps"]:
        driver.find_element("id", "step").click()
        badges.append(driver.execute_script(
            "var t = document.querySelector('#overlay .badge[data-v=\"' + arguments[0] + '\"]');"
            "return t ? t.textContent : ''", leaf))
    # three contributions arrive at x: two from x * x in one step (2x), then 2 from x * 2;
    # the badge counts them and shows the sum so far, which ends as the whole gradient
    assert [b for b in dict.fromkeys(badges) if b] == ["2/3 ∇ [2 4 6]", "3/3 ∇ [4 6 8]"]
    assert console_errors(driver) == []


def test_path_toggles_highlight_the_paths_edges_and_numbers_match_grad_paths(browser,
                                                                             tmp_path):
    layer = section2_graph()
    page = explore(layer.loss, wrt=[layer.b], title="Section 2, differentiated through E[x]")
    driver = open_page(browser, page, tmp_path, "section2-paths")
    expected = grad_paths(layer.loss, layer.b)
    shown = [e.text for e in driver.find_elements("css selector", "pre.contribution")]
    assert shown == [style.array_details(p.contribution) for p in expected]
    total = sum(p.contribution for p in expected)
    assert driver.find_element("id", "path-sum").text == style.array_details(total)
    assert np.allclose(total, 0.0)  # the section-2 cancellation, as the page shows it
    data = driver.execute_script("return minigradExplorer.data")
    for p, path in enumerate(data["paths"][0]["paths"]):
        box = driver.find_element("id", f"path-0-{p}")
        box.click()
        lit = driver.execute_script(
            "return Array.from(document.querySelectorAll('g.edge.on-path'))"
            ".map(function (g) { return +g.dataset.edge; });")
        assert sorted(lit) == sorted(path["edges"])
        ops = [data["vertices"][data["edges"][e]["head"]].get("op") for e in path["edges"]]
        assert ops[:-1] == list(expected[p].ops)  # the edges enter the path's ops in order
        if p == 1:
            screenshot(driver, tmp_path, "section2-path-through-mean")
        box.click()
    assert console_errors(driver) == []


def test_detached_edge_explains_itself_on_hover(browser, tmp_path):
    from selenium.webdriver import ActionChains

    layer = section2_graph(detached=True)
    driver = open_page(browser, explore(layer.loss), tmp_path, "section2-detached")
    label = driver.find_element("css selector", "g.edge.detached text")
    ActionChains(driver).move_to_element(label).perform()
    tip = driver.find_element("id", "tip")
    assert tip.is_displayed() and "no gradient flows back" in tip.text
    screenshot(driver, tmp_path, "section2-detached-hover")


def mlp_page():
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    x = mg.randn(16, 4)
    x.name = "x"
    with viz.record():
        loss = nn.CrossEntropyLoss()(model(x), mg.tensor(np.arange(16) % 3))
    return explore(loss, params=model, title="A small MLP with BatchNorm")


def test_collapsing_a_cluster_hides_its_ops_and_search_finds_them(browser, tmp_path):
    driver = open_page(browser, mlp_page(), tmp_path, "mlp")
    data = driver.execute_script("return minigradExplorer.data")
    index, cluster = next((i, c) for i, c in enumerate(data["clusters"])
                          if c["label"] == "BatchNorm1d")
    members = [m for m in cluster["members"] if m.startswith("op")]
    assert members

    def displayed(vertex):
        return driver.execute_script(
            "return minigradExplorer.vertexElement(arguments[0]).getBoundingClientRect()"
            ".width > 0", vertex)

    assert all(displayed(m) for m in members)
    driver.find_element("css selector", f'button[data-cluster="{index}"]').click()
    assert not any(displayed(m) for m in cluster["members"])
    summary = driver.find_element("css selector", "text.cluster-summary").text
    assert "(16, 8)" in summary
    screenshot(driver, tmp_path, "mlp-collapsed")
    driver.find_element("css selector", f'button[data-cluster="{index}"]').click()
    assert all(displayed(m) for m in members)
    search = driver.find_element("id", "search")
    search.send_keys("batch_norm")
    assert driver.find_element("id", "matches").text == "1 found"
    search.send_keys("\ue007")  # Enter: the details show the match, with where it was made
    details = driver.find_element("id", "details-body").text
    assert "batch_norm" in details and "test_explorer_browser.py" in details
    assert console_errors(driver) == []


def test_narrow_window_puts_the_panel_under_the_graph(browser, tmp_path):
    driver = open_page(browser, mlp_page(), tmp_path, "mlp-narrow")
    driver.set_window_size(480, 900)
    try:
        graph = driver.find_element("id", "graph").rect
        panel = driver.find_element("id", "panel").rect
        assert panel["y"] >= graph["y"] + graph["height"] - 1
        assert panel["width"] <= 480
        screenshot(driver, tmp_path, "mlp-narrow")
    finally:
        driver.set_window_size(1280, 860)


def test_large_page_cuts_what_it_cannot_show_and_stays_small(browser, tmp_path):
    x = mg.randn(4, 8, requires_grad=True)
    y = x
    for _ in range(600):
        y = (y * 0.999).tanh()
    page = explore(y.sum(), max_nodes=1000)
    assert len(page.html.encode()) < 3_000_000
    driver = open_page(browser, page, tmp_path, "large")
    notes = driver.find_element("id", "notes").text
    assert re.search(r"Cut: \d+ of 1,201 ops are not shown", notes)
    driver.find_element("id", "last").click()
    assert driver.find_element("id", "counter").text == "step 1201 of 1201"
    assert console_errors(driver) == []


def test_without_a_browser_the_tests_skip_or_fail_as_the_environment_says(monkeypatch,
                                                                          tmp_path):
    from helpers.browser import require_browser as require

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("MINIGRAD_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        require()
    monkeypatch.setenv("MINIGRAD_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="chromedriver is not on PATH"):
        require()


def test_notebook_output_runs_the_page_in_its_frame(browser, tmp_path):
    layer = section2_graph()
    page = explore(layer.loss)
    notebook = tmp_path / "notebook.html"
    notebook.write_text(f"<!DOCTYPE html><html><body><p>Out[1]:</p>{page._repr_html_()}"
                        "</body></html>", encoding="utf-8")
    browser.get_log("browser")
    browser.get(notebook.as_uri())
    browser.switch_to.frame(browser.find_element("tag name", "iframe"))
    try:
        browser.find_element("id", "step").click()
        assert browser.find_element("id", "counter").text == "step 1 of 6"
        assert len(current(browser)) == 1
    finally:
        browser.switch_to.default_content()
    assert console_errors(browser) == []
