"""`python -m ml <command> …`: evaluation and training commands.

Conventions (DESIGN §5): tables and progress go to stderr; the last line on stdout is one JSON
object of the headline figures; exit 0 on success, 2 on bad input with a one-line message.
Each command lives in its area's module and exposes `add_arguments(parser)` and `run(args) -> dict`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

# command → (module, help). Modules are imported only when their command runs (TensorFlow is slow).
COMMANDS: dict[str, tuple[str, str]] = {
    "forecast-eval": ("ml.forecasting.cli", "evaluate forecasting models on M4-style or long CSVs"),
    "inventory-eval": ("ml.inventory.cli", "reproduce textbook inventory optima and test the what-if surrogate"),
    "defect-eval": ("ml.quality.cli", "train and evaluate the fabric defect CNN on seeded splits"),
    "supplier-eval": ("ml.suppliers.cli", "leave-one-task-out evaluation of supplier scoring"),
}


class BadInput(Exception):
    """Raised for anything the user can fix (a missing file, an empty series): exit status 2."""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m ml", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    wanted = argv[0] if argv and argv[0] in COMMANDS else None
    for name, (module_name, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text)
        if name == wanted:
            importlib.import_module(module_name).add_arguments(command_parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed a one-line usage error
        return 2 if exc.code else 0
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        result = module.run(args)
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, default=float))
    return 0
