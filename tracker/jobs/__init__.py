"""Long work in the background: the job table, its kinds (kinds.py), the runner (runner.py), a
job's life (work.py) and what happens when a worker dies (recovery.py)."""
from .work import retry, start  # noqa: F401
