"""The command line of INTERCHANGE.md: `flask --app tracker COMMAND`, one module per group."""
from __future__ import annotations

from flask import Flask

from . import data, declarations, demo, dfe, exports, imports, next_steps, people, reference, reports


def register_commands(app: Flask) -> None:
    for group in (data, reference, imports, exports, declarations, dfe, next_steps, reports, people, demo):
        for command in group.COMMANDS:
            app.cli.add_command(command)
