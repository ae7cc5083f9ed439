"""The documentation: every figure and table it shows exists and is made by
docs/make_figures.py, its Python examples run, and the site builds with warnings as errors
(when MkDocs is installed)."""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FIGURES = DOCS / "figures"
# The pages whose code blocks are complete programs (other pages may hold fragments).
RUNNABLE_PAGES = ("quickstart.md", "section2.md", "batchnorm.md", "experiments.md",
                  "concepts/graph.md", "concepts/reverse-mode.md", "concepts/detach.md",
                  "concepts/higher-order.md", "concepts/mechanics.md", "build-engine.md",
                  "broadcasting.md", "extending.md", "watching-backprop.md")
MAX_FIGURE_WIDTH = 1100  # pixels
SNIPPET = re.compile(r'^--8<-- "([^"]+)"$', re.M)


def with_snippets(text: str) -> str:
    """`text` with each `--8<-- "file"` line replaced by the file, as MkDocs shows it (the
    file is looked up in docs/, then in the repository's root)."""

    def included(match: re.Match) -> str:
        for base in (DOCS, ROOT):
            if (base / match.group(1)).is_file():
                return (base / match.group(1)).read_text(encoding="utf-8")
        if match.group(1).startswith("figures/"):  # a build output, not code
            return match.group(0)
        raise AssertionError(f"snippet {match.group(1)} not found")

    return SNIPPET.sub(included, text)


def load_make_figures():
    spec = importlib.util.spec_from_file_location("make_figures", DOCS / "make_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def referenced_figures() -> dict[str, list[str]]:
    """figure file name -> pages that show or include it."""
    found: dict[str, list[str]] = {}
    for page in pages():
        text = page.read_text(encoding="utf-8")
        names = re.findall(r"\]\((?:\.\./)*figures/([^)\s]+)\)", text)
        names += re.findall(r'--8<-- "figures/([^"]+)"', text)
        for name in names:
            found.setdefault(name, []).append(str(page.relative_to(DOCS)))
    return found


def test_the_docs_reference_figures():
    assert len(referenced_figures()) >= 20


def test_every_referenced_figure_is_made_by_make_figures():
    made = load_make_figures().figure_names()
    for name, where in referenced_figures().items():
        assert name in made, f"{name} (shown in {where}) is not written by make_figures.py"


def generated_figures() -> Path:
    """docs/figures/, once `make docs` (docs/make_figures.py) has filled it; the figures are
    build outputs, not part of the repository."""
    if not FIGURES.is_dir() or not any(FIGURES.iterdir()):
        pytest.skip("docs/figures/ is empty: run `make docs` (docs/make_figures.py) first")
    return FIGURES


def test_every_referenced_figure_exists():
    figures = generated_figures()
    for name, where in referenced_figures().items():
        assert (figures / name).is_file(), f"{name} (shown in {where}) is missing"


def test_figures_are_small_and_well_formed():
    for path in generated_figures().iterdir():
        assert path.stat().st_size < 400_000, f"{path.name} is too large for a page"
        if path.suffix == ".png":
            header = path.read_bytes()[:24]
            assert header.startswith(b"\x89PNG")
            # Shown in a column about 700 px wide: a wider figure (four panels in a row
            # was 1584 px) shrinks its labels below reading size.
            width = int.from_bytes(header[16:20], "big")
            assert width <= MAX_FIGURE_WIDTH, f"{path.name} is {width} px wide"
        elif path.suffix == ".svg":
            assert "<svg" in path.read_text(encoding="utf-8")


def test_figures_are_build_outputs_not_tracked():
    ignored = subprocess.run(["git", "check-ignore", "-q", "docs/figures/bias_drift.png"],
                             cwd=ROOT, capture_output=True)
    if ignored.returncode == 128:
        pytest.skip("not a git checkout")
    assert ignored.returncode == 0, "docs/figures/ must be ignored: make docs writes it"


def test_every_nav_entry_exists():
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def entries(nav):
        for item in nav:
            for value in item.values():
                yield from entries(value) if isinstance(value, list) else [value]

    missing = [page for page in entries(config["nav"]) if not (DOCS / page).is_file()]
    assert not missing, f"pages in the nav but not in docs/: {missing}"


def test_concept_graphs_and_number_tables_are_regenerated(tmp_path):
    module = load_make_figures()
    if shutil.which("dot") is not None:
        written = module.concept_graphs(tmp_path)
        assert {p.name for p in written} == set(module.CONCEPT_GRAPHS)
        assert "detached" in (tmp_path / "concept_detach.svg").read_text()
    from minigrad.experiments import bias_drift, suite

    results = suite.Results(bias={mode: bias_drift(mode, steps=3) for mode in ("detached",
                                                                              "full")})
    (table,) = module.number_tables(results, tmp_path)
    assert table.name == "numbers_bias.md"
    assert "| ∂l/∂b at step 0 |" in table.read_text()


def load_hook(name: str):
    spec = importlib.util.spec_from_file_location(name, DOCS / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def quoted_numbers() -> dict[str, list[str]]:
    """name -> the pages whose prose quotes `{{ name }}`."""
    found: dict[str, list[str]] = {}
    for page in pages():
        for name in re.findall(r"\{\{\s*([a-z0-9_.]+)\s*\}\}", page.read_text("utf-8")):
            found.setdefault(name, []).append(str(page.relative_to(DOCS)))
    return found


def test_every_number_the_prose_quotes_is_measured_by_make_figures():
    quoted = quoted_numbers()
    assert len(quoted) >= 15
    source = (DOCS / "make_figures.py").read_text(encoding="utf-8")
    measured = set(re.findall(r'values\["([a-z0-9_.]+)"\]', source))
    missing = {name: where for name, where in quoted.items() if name not in measured}
    assert not missing, f"numbers typed by hand into the pages: {missing}"


def test_the_numbers_hook_fills_in_and_refuses_unknown_names():
    pytest.importorskip("mkdocs")
    hook = load_hook("numbers")
    assert hook.fill("b moves {{ a.b }} per step, {{a.b}}", {"a.b": "0.5"}) == \
        "b moves 0.5 per step, 0.5"
    with pytest.raises(Exception, match=r"missing\.name"):
        hook.fill("{{ missing.name }}", {"a.b": "0.5"})


def test_the_generated_values_cover_every_quoted_number():
    values = json.loads((generated_figures() / "values.json").read_text(encoding="utf-8"))
    missing = {name: where for name, where in quoted_numbers().items() if name not in values}
    assert not missing, missing


def test_wide_tables_are_reshaped_to_fit_the_column():
    module = load_make_figures()
    wide = ["| lr | run | a | b | c | d | e |", "|---|---|---|---|---|---|---|",
            "| 0.5 | x | 1 | 2 | 3 | 4 | 5 |", "| 0.5 | y | 1 | 2 | 3 | 4 | 5 |",
            "| 2.0 | x | 6 | 7 | 8 | 9 | 0 |"]
    grouped = module.fit_to_column(wide)
    assert grouped.count("| run | a | b | c | d | e |") == 2 and "lr = 2.0:" in grouped
    transposed = module.fit_to_column([line + " f | g |" for line in wide])
    assert transposed.splitlines()[0] == "| lr | 0.5 | 0.5 | 2.0 |"
    assert module.fit_to_column(["| a | b |", "|---|---|", "| 1 | 2 |"]) == \
        "| a | b |\n|---|---|\n| 1 | 2 |"


def shown_generated_files(page: Path) -> list[str]:
    return re.findall(r'--8<-- "figures/([^"]+)"', page.read_text(encoding="utf-8"))


def assert_pages_show_the_generated_files(site: Path) -> None:
    """Every table and printed output that a page includes is, cell by cell and line by
    line, in the built page; no `{{ name }}` is left unfilled."""
    import html as html_lib

    checked = 0
    for page in pages():
        built = site / page.relative_to(DOCS).with_suffix("") / "index.html"
        if page.name == "index.md":
            built = site / page.relative_to(DOCS).parent / "index.html"
        if not built.is_file():
            continue
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", built.read_text(encoding="utf-8")))
        assert "{{" not in text, f"{page.name} has an unfilled number"
        for name in shown_generated_files(page):
            generated = (FIGURES / name).read_text(encoding="utf-8")
            if name.endswith(".md"):
                pieces = [cell for line in generated.splitlines() if line.startswith("|")
                          and not line.startswith("|---") for cell in line.strip("|").split("|")]
            else:
                pieces = generated.splitlines()
            for piece in filter(None, (p.strip() for p in pieces)):
                assert piece in text, f"{page.name} does not show {piece!r} from {name}"
                checked += 1
    assert checked > 50


@pytest.mark.parametrize("page", RUNNABLE_PAGES)
def test_python_examples_in_the_docs_run(page, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    monkeypatch.setenv("MPLBACKEND", "Agg")
    text = with_snippets((DOCS / page).read_text(encoding="utf-8"))
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, f"{page} has no Python example"
    namespace: dict = {}
    for number, block in enumerate(blocks, start=1):
        code = compile(textwrap.dedent(block), f"{page} (block {number})", "exec")
        exec(code, namespace)
    capsys.readouterr()


def test_doctest_blocks_are_fenced_for_the_api_reference():
    spec = importlib.util.spec_from_file_location("griffe_doctests",
                                                  DOCS / "griffe_doctests.py")
    if importlib.util.find_spec("griffe") is None:
        pytest.skip("griffe (from mkdocstrings) is not installed")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = "Summary.\n\n>>> [1, 2]\n[1, 2]\n\nArgs:\n    x: a value.\n\n    >>> kept\n"
    assert module.fence_doctests(text) == (
        "Summary.\n\n```pycon\n>>> [1, 2]\n[1, 2]\n```\n\nArgs:\n    x: a value.\n\n"
        "    >>> kept\n")


REMOTE_ASSET = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*"
                          r"[\"']?(?:https?:)?//[^\"'\s>]*", re.I)


def assert_offline(site: Path) -> None:
    """No built page loads a script, stylesheet, font or image from the network, and the
    MathJax that the pages load is in the site."""
    remote = [f"{page.relative_to(site)}: {match.group(0)}"
              for page in site.rglob("*.html")
              for match in REMOTE_ASSET.finditer(page.read_text(encoding="utf-8"))]
    assert not remote, remote
    assert (site / "assets" / "mathjax" / "MathJax.js").is_file()
    mathjax_config = (site / "assets" / "mathjax" / "config" / "TeX-AMS-MML_HTMLorMML-full.js")
    assert mathjax_config.is_file()
    assert (site / "assets" / "mathjax" / "config" / "local" / "minigrad.js").is_file()


def assert_no_doubled_headings(folder: Path) -> None:
    """The API reference never shows a name twice in a row ("draw › draw": a module and
    the function it is named after)."""
    for page in folder.rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        headings = [re.sub(r"<[^>]+>|¶|&para;", "", text).strip()
                    for text in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", html, re.S)]
        doubled = [a for a, b in itertools.pairwise(headings) if a == b]
        assert not doubled, f"{page.parent.name}: headings shown twice: {doubled}"


def test_the_offline_check_sees_remote_assets(tmp_path):
    (tmp_path / "page.html").write_text(
        '<link rel="stylesheet" href="https://fonts.example/css">', encoding="utf-8")
    with pytest.raises(AssertionError, match=r"fonts\.example"):
        assert_offline(tmp_path)
    (tmp_path / "page.html").write_text('<script src="//cdn.example/m.js"></script>')
    with pytest.raises(AssertionError, match=r"cdn\.example"):
        assert_offline(tmp_path)


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None, reason="MkDocs not installed")
def test_site_builds_with_warnings_as_errors(tmp_path):
    generated_figures()  # the pages show them
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1",  # the notebooks' kernels import
             "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get(
                 "PYTHONPATH")]))})                 # this checkout's minigrad
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "section2" / "index.html").is_file()
    html = (tmp_path / "section2" / "index.html").read_text(encoding="utf-8")
    assert 'class="arithmatex"' in html  # the math is there for MathJax
    assert_offline(tmp_path)
    assert_pages_show_the_generated_files(tmp_path)
    assert_no_doubled_headings(tmp_path / "api")
    # Links to a section of another page land on a heading that exists.
    broken = []
    for page in pages():
        for target, anchor in re.findall(r"\]\(([^)#\s]*\.md)#([^)]+)\)", page.read_text()):
            built = (page.parent / target).resolve().relative_to(DOCS).with_suffix("")
            html_file = tmp_path / built / "index.html"
            if not html_file.is_file() or f'id="{anchor}"' not in html_file.read_text():
                broken.append(f"{page.relative_to(DOCS)} -> {target}#{anchor}")
    assert not broken, broken
