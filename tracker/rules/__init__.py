"""The rules of DOMAIN.md as plain Python: no Flask, no SQLAlchemy.

Everything here takes dataclasses in and returns verdicts out, so the same
decisions serve the CLI, the browser, the exports and the PDF report.
"""
