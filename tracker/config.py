"""Configuration from the environment: SQLite in instance/ unless DATABASE_URL says otherwise.

The app refuses to start without a real SECRET_KEY (tests pass TESTING and a key of their own;
`make run` keeps a random key in instance/secret_key).
"""
import os
from datetime import timedelta

MIN_SECRET_LENGTH = 32
KNOWN_DEFAULTS = frozenset({
    "dev-only-change-me", "change-me", "changeme", "change-this", "please-change-me", "replace-me",
    "secret", "secret-key", "secretkey", "your-secret-key", "my-secret-key", "dev", "development",
    "test", "test-secret", "default", "flask", "password", "insecure",
})


class ConfigurationError(RuntimeError):
    pass


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the old driver; psycopg 3 is what we install.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    return "sqlite:///" + os.path.join(instance_path, "tracker.db")


def fixed_today() -> str | None:
    """TRACKER_TODAY (YYYY-MM-DD): the date the tracker takes for today; unset, the real date."""
    return os.environ.get("TRACKER_TODAY") or None


def secret_key_problem(key: str | None) -> str | None:
    """Why this SECRET_KEY must not sign sessions, or None."""
    advice = "set SECRET_KEY to a random value, e.g. the output of: python3 -c 'import secrets; print(secrets.token_hex(32))'"
    if not key:
        return f"SECRET_KEY is not set: {advice}"
    if key.strip().casefold() in KNOWN_DEFAULTS:
        return f"SECRET_KEY is a well-known default: {advice}"
    if len(key) < MIN_SECRET_LENGTH:
        return f"SECRET_KEY is too short (at least {MIN_SECRET_LENGTH} characters): {advice}"
    if len(set(key)) < 8:
        return f"SECRET_KEY is too easy to guess: {advice}"
    return None


def trusted_proxies() -> int:
    """How many proxies in front of the app may set X-Forwarded-For and X-Forwarded-Proto."""
    value = os.environ.get("TRUSTED_PROXIES", "0").strip() or "0"
    if not value.isdigit():
        raise ConfigurationError(f"TRUSTED_PROXIES must be a whole number of proxies (0 when none), not {value!r}")
    return int(value)


MAIL_SETTINGS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER")


def mail_settings() -> dict:
    """The SMTP server the next-step emails go through; MAIL_SERVER unset: email is not set up.

    MAIL_PORT defaults to 25 (587 with MAIL_USE_TLS, which asks for STARTTLS); MAIL_USERNAME and
    MAIL_PASSWORD, when set, sign in; MAIL_DEFAULT_SENDER is the From address.
    """
    use_tls = os.environ.get("MAIL_USE_TLS", "").strip().lower()
    if use_tls not in ("", "0", "1", "true", "false", "yes", "no"):
        raise ConfigurationError(f"MAIL_USE_TLS must be 1 or 0 (true or false), not {use_tls!r}")
    tls = use_tls in ("1", "true", "yes")
    port = os.environ.get("MAIL_PORT", "").strip() or ("587" if tls else "25")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigurationError(f"MAIL_PORT must be a port number (e.g. 25 or 587), not {port!r}")
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "").strip(),
        "MAIL_PORT": int(port),
        "MAIL_USE_TLS": tls,
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "").strip(),
    }


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    IDLE_TIMEOUT = timedelta(minutes=30)
    WTF_CSRF_TIME_LIMIT = None
    # An upload of more bytes than this is checked, and imported, by a job rather than inside the
    # request (README, "Jobs"): up to 64 KB an XLSX file, the slower kind to read (some 1,900 rows),
    # checks in about 0.2 s, 0.5 s on a busy machine; a CSV file (some 1,000 rows) in under 0.1 s.
    UPLOAD_JOB_BYTES = int(os.environ.get("UPLOAD_JOB_BYTES", str(64 * 1024)))
    # Seconds an upload's import waits, written, before it commits: 0 but in the tests that kill a
    # worker mid-import, which need a moment to hit.
    UPLOAD_PAUSE_BEFORE_COMMIT_SECONDS = float(os.environ.get("UPLOAD_PAUSE_BEFORE_COMMIT_SECONDS", "0"))
