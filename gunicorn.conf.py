"""gunicorn settings for `make serve` (see README, "Running it for real").

The worker timeout is well above the longest request the upload limits allow (a 200,000-row
file, 50 MB of uncompressed XLSX parts), so a large but allowed upload is never killed midway.
"""
import multiprocessing
import os

bind = f"127.0.0.1:{os.environ.get('PORT') or '8000'}"
# A page spends most of its time waiting for the database (PostgreSQL's round trips), not on the CPU:
# threads let a worker serve other requests meanwhile (bench/RESULTS.md, issue 22). One worker per core
# (WEB_CONCURRENCY), WEB_THREADS threads each; every worker keeps its own copy of the cached pages, so
# fewer workers with more threads also hold fewer copies. WEB_THREADS=1 gives the old sync workers.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count())
threads = int(os.environ.get("WEB_THREADS") or 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 300)
graceful_timeout = 30
keepalive = 5
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
# X-Forwarded-* headers are read by the app itself, through TRUSTED_PROXIES only.
forwarded_allow_ips = ""


def on_starting(server):
    """Refuse before any worker starts, with one line naming the setting, rather than a traceback per worker."""
    from tracker.config import ConfigurationError, secret_key_problem, trusted_proxies

    problem = secret_key_problem(os.environ.get("SECRET_KEY"))
    if problem:
        raise SystemExit(f"Not starting: {problem}")
    try:
        trusted_proxies()
    except ConfigurationError as error:
        raise SystemExit(f"Not starting: {error}") from None
