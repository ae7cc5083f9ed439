"""Command line: `python -m minigrad demo --out DIR`, `python -m minigrad graph NAME -o FILE`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _demo(args: argparse.Namespace) -> int:
    from minigrad.demo import run_demo

    return run_demo(Path(args.out))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m minigrad", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the demo and write its files to --out")
    demo.add_argument("--out", default="demo-output", help="folder for the demo's files")
    demo.set_defaults(run=_demo)
    from minigrad.viz.command import add_graph_command

    add_graph_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
