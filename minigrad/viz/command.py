"""`python -m minigrad graph NAME -o FILE`: render a built-in example graph (FILE.html:
its interactive explorer)."""

from __future__ import annotations

import argparse
import sys


def add_graph_command(commands) -> None:
    """Register the `graph` subcommand on an argparse subparsers object."""
    graph = commands.add_parser(
        "graph", help="render a built-in example graph (see --list)",
        description="Render a built-in example graph to FILE; the format (svg, png, pdf, "
                    "dot, or html for the interactive explorer) comes from FILE's extension.",
    )
    graph.add_argument("name", nargs="?", help="which example (see --list)")
    graph.add_argument("-o", "--output", metavar="FILE", help="file to write (.svg, .png, "
                       ".pdf, .dot or .html)")
    graph.add_argument("--list", action="store_true", help="list the example graphs")
    graph.add_argument("--values", action="store_true", help="show values in the labels")
    graph.add_argument("--rankdir", default="TB", choices=("TB", "LR", "BT", "RL"),
                       help="layout direction (default: top to bottom)")
    graph.set_defaults(run=run_graph)


def run_graph(args: argparse.Namespace) -> int:
    from minigrad.viz import examples
    from minigrad.viz.render import GraphvizNotFoundError, check_target, format_for, render

    if args.list:
        width = max(len(name) for name in examples.EXAMPLES)
        for example in examples.EXAMPLES.values():
            print(f"{example.name:<{width}}  {example.description}")
        return 0
    if not args.name or not args.output:
        print("graph: give an example NAME and -o FILE (or --list)", file=sys.stderr)
        return 2
    from minigrad.cli import report

    if args.output.lower().endswith(".html"):
        return _write_explorer(args)
    try:
        check_target(args.output)  # a folder or a file in the way, before the format
        format_for(args.output)
        figure = examples.build(args.name)
    except OSError as error:
        return report("graph", error)
    except (KeyError, ValueError) as error:
        print(f"graph: {_without_prefix(error.args[0])}", file=sys.stderr)
        return 2
    options = dict(figure.options, show_values=args.values, rankdir=args.rankdir)
    try:
        path = render(figure.roots, args.output, **options)
    except GraphvizNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:
        return report("graph", error)
    print(f"wrote {path}")
    return 0


def _write_explorer(args: argparse.Namespace) -> int:
    from minigrad.cli import report
    from minigrad.viz.explorer.examples import save_example
    from minigrad.viz.render import GraphvizNotFoundError, check_target

    try:
        check_target(args.output)
        path = save_example(args.name, args.output, show_values=args.values,
                            rankdir=args.rankdir)
    except KeyError as error:
        print(f"graph: {error.args[0]}", file=sys.stderr)
        return 2
    except GraphvizNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:
        return report("graph", error)
    print(f"wrote {path}")
    return 0


def _without_prefix(message: str) -> str:
    """`render: cannot tell...` reads as `graph: cannot tell...` on the command line."""
    return message.split(": ", 1)[1] if message.startswith("render: ") else message
