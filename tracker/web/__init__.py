"""The browser: blueprints registered by the app factory."""
from flask import Flask


def register_web(app: Flask) -> None:
    @app.get("/")
    def home():
        return "NPQ engagement tracker"
