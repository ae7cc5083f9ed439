"""The explorer's page data: the recorded backward pass, accumulation, paths, clusters,
creation sites and bad input (the page in a browser: test_explorer_browser.py)."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from helpers.dot import need_dot
from helpers.explorer import array, details, engine_order, page_data

import minigrad as mg
from minigrad import nn, viz
from minigrad.autograd.function import Function
from minigrad.viz.collect import collect
from minigrad.viz.examples import section2_graph
from minigrad.viz.explorer import Explorer, explore, record_sites, site_of, sites
from minigrad.viz.paths import grad_paths


@pytest.fixture(autouse=True)
def _dot():
    need_dot()


def test_page_is_one_self_contained_file(tmp_path):
    layer = section2_graph()
    page = explore(layer.loss, title="section <2>")
    text = page.html
    assert text.startswith("<!DOCTYPE html>")
    assert "/*@" not in text  # every placeholder filled
    assert "<svg" in text and "minigradExplorer" in text and "--blue" in text
    assert not re.search(r'(src|href)="(https?:)?//', text)  # nothing fetched
    assert "section &lt;2&gt;" in text
    path = page.save(tmp_path / "page.html")
    assert path.read_text(encoding="utf-8") == text
    assert page._repr_html_().startswith("<iframe") and "srcdoc=" in page._repr_html_()


def test_steps_follow_the_engine_and_leave_users_grad_alone():
    layer = section2_graph()
    page = explore(layer.loss)
    data = page_data(page)
    view = collect([layer.loss], {})
    ids = {node: f"op{i}" for i, node in enumerate(view.order)}
    assert [step["v"] for step in data["steps"]] == [ids[n] for n in engine_order(layer.loss)]
    assert layer.b.grad is None  # explore ran its own backward, into no .grad
    # the page can step again later: the graph was retained
    layer.loss.backward()
    assert layer.b.grad is not None


def test_each_step_shows_the_engine_gradients():
    layer = section2_graph()
    data = page_data(explore(layer.loss))
    first = data["steps"][0]  # loss = mean(...): receives 1, sends 1/12 to each element
    assert array(data, first["grad"]).endswith("\n1")
    assert array(data, first["sends"][0]["grad"]) == details(np.full((4, 3), 1 / 12))
    (grad_b,) = mg.grad(layer.loss, layer.b, retain_graph=True)
    b = next(i for i, v in data["vertices"].items() if v.get("name") == "b")
    assert array(data, data["leafGrads"][b]) == details(grad_b.data)


def test_accumulation_at_a_tensor_used_twice():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True, dtype=np.float64, name="x")
    y = (x * 2.0 + x * x).sum()
    data = page_data(explore(y))
    sends = [s for step in data["steps"] for s in step["sends"]
             if data["vertices"].get(s["to"], {}).get("name") == "x"]
    assert [(s["n"], s["of"]) for s in sends] == [(1, 3), (2, 3), (3, 3)]
    assert array(data, sends[-1]["sum"]) == details(2.0 + 2 * x.data)
    leaf = sends[-1]["to"]
    assert array(data, data["leafGrads"][leaf]) == details(2.0 + 2 * x.data)


def test_path_numbers_match_grad_paths():
    layer = section2_graph()
    data = page_data(explore(layer.loss, wrt=[layer.b]))
    (entry,) = data["paths"]
    expected = grad_paths(layer.loss, layer.b)
    assert [p["ops"] for p in entry["paths"]] == [list(p.ops) for p in expected]
    assert [array(data, p["contribution"]) for p in entry["paths"]] == [
        details(p.contribution) for p in expected]
    assert array(data, entry["sum"]) == details(sum(p.contribution for p in expected))
    # each path's edges run from b to the output, one edge per op and one to the output
    for path, found in zip(entry["paths"], expected):
        edges = [data["edges"][i] for i in path["edges"]]
        assert len(edges) == len(found.ops) + 1
        assert data["vertices"][edges[0]["tail"]]["name"] == "b"
        assert edges[-1]["head"] == "out0"
        assert all(a["head"] == b["tail"] for a, b in itertools.pairwise(edges))


def test_detached_edge_is_marked_and_gets_no_gradient():
    layer = section2_graph(detached=True)
    data = page_data(explore(layer.loss))
    detached = [e for e in data["edges"] if e["kind"] == "detached"]
    assert len(detached) == 1
    assert data["vertices"][detached[0]["tail"]]["op"] == "mean"
    sent_along = {s["edge"] for step in data["steps"] for s in step["sends"]}
    assert data["edges"].index(detached[0]) not in sent_along


def test_vertex_and_cluster_ids_name_svg_elements():
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    with viz.record():
        loss = model(mg.randn(5, 3)).sum()
    page = explore(loss, params=model)
    data = page_data(page)
    titles = set(re.findall(r"<title>(.*?)</title>", page.html))
    assert set(data["vertices"]) <= titles
    assert {c["id"] for c in data["clusters"]} <= titles
    edge_titles = {f"{e['tail']}&#45;&gt;{e['head']}" for e in data["edges"]}
    assert edge_titles <= titles
    linear = next(c for c in data["clusters"] if c["label"] == "Linear" and c["name"] == "0")
    assert linear["inputs"] == [[5, 3]] and linear["outputs"] == [[5, 4]]
    assert "xlink:title" not in page.html  # values live in the JSON, not twice


def test_repeated_blocks_are_marked_once():
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 2),
                          *[nn.Sequential(nn.Linear(2, 2), nn.Tanh()) for _ in range(3)])
    with viz.record():
        loss = model(mg.randn(4, 2)).sum()
    data = page_data(explore(loss, params=model))
    blocks = [c for c in data["clusters"] if c["label"] == "Sequential" and c["name"]]
    assert sorted(c["repeat"] or 0 for c in blocks) == [0, 0, 3]
    first = data["clusters"].index(next(c for c in blocks if c["repeat"] == 3))
    assert data["clusters"][first]["name"] == "2"  # the first call of the run
    assert sorted(c.get("repeatOf") for c in blocks if c["repeat"] is None) == [first, first]
    # two Linear layers of different shapes are not one block repeated
    layers = [c for c in data["clusters"] if c["name"] in ("0", "1")]
    assert [c["repeat"] for c in layers] == [None, None]
    assert all("repeatOf" not in c for c in layers)


def test_creation_sites_are_recorded_only_inside_the_context():
    x = mg.randn(3, requires_grad=True)
    outside = x * 2.0
    with record_sites():
        inside = x * 3.0; line = _line()  # noqa: E702 - the op and its line together
    assert site_of(outside.grad_fn) is None
    site = site_of(inside.grad_fn)
    assert site.filename == __file__ and site.lineno == line
    assert Function.__dict__["apply"] is sites._engine_apply  # the engine's own again
    data = page_data(explore(inside.sum()))
    assert any(str(v.get("site", "")).startswith(__file__) for v in data["vertices"].values())


def _line() -> int:
    import sys

    return sys._getframe(1).f_lineno


def test_cut_graph_says_what_was_cut():
    x = mg.randn(3, requires_grad=True)
    y = x
    for _ in range(30):
        y = y * 1.01
    data = page_data(explore(y.sum(), max_nodes=10))
    assert any("Cut:" in note and "max_nodes=10" in note for note in data["notes"])
    assert len(data["steps"]) == 31  # every step is recorded, drawn or not
    assert sum(step["v"] in data["vertices"] for step in data["steps"]) < 31


def test_freed_graph_gives_a_page_that_says_so():
    layer = section2_graph()
    layer.loss.backward()
    data = page_data(explore(layer.loss))
    assert data["steps"] == [] and data["paths"] == []
    (note,) = data["notes"]
    assert "freed" in note and "retain_graph=True" in note
    assert data["vertices"]  # the structure and values are still shown


def test_bad_input_errors():
    with pytest.raises(TypeError, match="explore: roots must be a Tensor"):
        explore(3.0)
    with pytest.raises(TypeError, match="explore: roots must be a Tensor"):
        explore([])
    with pytest.raises(ValueError, match="has no graph to show"):
        explore(mg.randn(3).sum())
    with pytest.raises(ValueError, match="is a leaf"):
        explore(mg.randn(3, requires_grad=True))
    with pytest.raises(ValueError, match="explore: grad_outputs has shape"):
        explore(mg.randn(3, requires_grad=True) * 2.0, grad_outputs=mg.ones(2))


def test_save_errors(tmp_path):
    page = explore(section2_graph().loss)
    with pytest.raises(IsADirectoryError, match="is a folder"):
        page.save(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        page.save(tmp_path / "missing" / "page.html")


def test_names_cannot_break_out_of_the_page():
    x = mg.tensor([1.0, 2.0], requires_grad=True, name="</script><script>alert(1)</script>")
    page = explore((x * 2.0).sum())
    data = page_data(page)  # still one JSON block that parses
    assert any(v.get("name") == x.name for v in data["vertices"].values())
    assert page.html.count("<script>alert(1)") == 0


def test_non_scalar_roots_start_from_ones():
    x = mg.randn(3, requires_grad=True)
    data = page_data(explore(x * 2.0))
    assert any("starts from ones" in note for note in data["notes"])
    assert array(data, data["steps"][0]["grad"]).endswith("[1 1 1]")


def test_command_line_writes_an_example_page(tmp_path, capsys):
    from minigrad.cli import main

    assert main(["graph", "mlp", "-o", str(tmp_path / "mlp.html")]) == 0
    data = page_data(Explorer((tmp_path / "mlp.html").read_text(encoding="utf-8"), "mlp"))
    assert {c["label"] for c in data["clusters"]} >= {"Linear", "BatchNorm1d", "ReLU"}
    assert any(v.get("site") and "examples.py" in v["site"]
               for v in data["vertices"].values())
    assert main(["graph", "nope", "-o", str(tmp_path / "x.html")]) == 2
    assert "no example graph named 'nope'" in capsys.readouterr().err
    assert main(["graph", "mlp", "-o", str(tmp_path / "missing" / "x.html")]) == 1
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "folder.html").mkdir()
    assert main(["graph", "mlp", "-o", str(tmp_path / "folder.html")]) == 2  # usage error
    assert "is a directory" in capsys.readouterr().err


def test_section2_page_shows_both_forms_and_their_paths():
    from minigrad.viz.explorer.examples import section2_page

    data = page_data(section2_page())
    assert [entry["name"] for entry in data["paths"]] == ["b, E[x] differentiated",
                                                         "b, E[x] detached"]
    full, detached = data["paths"]
    assert len(full["paths"]) == 2 and len(detached["paths"]) == 1
    assert array(data, full["sum"]) == details(np.zeros(3))
    assert array(data, detached["sum"]) == array(data, detached["engine"])
    assert {data["edges"][p["edges"][-1]]["head"] for p in full["paths"]} == {"out0"}
    assert data["edges"][detached["paths"][0]["edges"][-1]]["head"] == "out1"


def test_explore_takes_a_record_made_by_the_caller():
    from minigrad.autograd import record_backward

    layer = section2_graph()
    with record_backward() as record:
        layer.loss.backward(retain_graph=True)
    data = page_data(explore(layer.loss, record=record))
    view = collect([layer.loss], {})
    assert [s["v"] for s in data["steps"]] == [f"op{view.order.index(step.node)}"
                                              for step in record.steps]
    b = next(i for i, v in data["vertices"].items() if v.get("name") == "b")
    assert array(data, data["leafGrads"][b]) == details(layer.b.grad.data)
