"""The demo's SECRET_KEY: made once at random in instance/secret_key and reused by every `make run`.

    python -m tracker.demo.secret DIR    prints the key, creating DIR/secret_key when absent
"""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

FILENAME = "secret_key"


def demo_secret(directory: str | os.PathLike) -> str:
    path = Path(directory) / FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w", encoding="ascii") as stream:
        stream.write(key + "\n")
    return key


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tracker.demo.secret DIR")
    print(demo_secret(sys.argv[1]))
