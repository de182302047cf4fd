"""The `tracker` console script: the same commands as `flask --app tracker`."""
from flask.cli import FlaskGroup

from . import create_app


def main() -> None:
    FlaskGroup(create_app=lambda: create_app()).main(prog_name="tracker")
