"""Command line: `python -m minigrad demo --out DIR`, `python -m minigrad graph NAME -o FILE`.

A problem with a path is one line on stderr saying what is wrong with which path, never a
traceback: exit status 2 when the path given cannot be used as asked (a folder where a
file is wanted, a file where a folder is wanted), 1 when the system refused (permissions,
a full disk).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from minigrad import __version__

# A path of the wrong kind was given: a usage error. Any other OSError happened at run time.
USAGE_ERRORS = (IsADirectoryError, NotADirectoryError, FileExistsError)


def report(command: str, error: OSError) -> int:
    """Print `error` as one line for `command`; return the exit status it calls for."""
    message = error.strerror if isinstance(error.strerror, str) else str(error)
    if error.filename is not None and str(error.filename) not in message:
        message = f"{message}: {str(error.filename)!r}"
    for prefix in ("render: ", "save: ", "demo: "):
        message = message.removeprefix(prefix)
    print(f"{command}: {message}", file=sys.stderr)
    return 2 if isinstance(error, USAGE_ERRORS) else 1


def _demo(args: argparse.Namespace) -> int:
    from minigrad.demo import prepare_folder, run_demo

    if not args.out:  # Path("") would be the current folder
        print("demo: --out is empty; give a folder for the demo's files", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        prepare_folder(out)
    except OSError as error:
        return report("demo", error)
    return run_demo(out)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m minigrad", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"minigrad {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the demo and write its files to --out")
    demo.add_argument("--out", default="demo-output", help="folder for the demo's files")
    demo.set_defaults(run=_demo)
    from minigrad.viz.command import add_graph_command

    add_graph_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except OSError as error:  # a file the command writes, refused by the system
        return report(args.command, error)
    except KeyboardInterrupt:
        print(f"{args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
