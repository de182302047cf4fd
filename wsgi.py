"""Entry point for a WSGI server: `gunicorn wsgi:app`."""
from tracker import create_app

app = create_app()
