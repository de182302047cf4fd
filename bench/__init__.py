"""Benchmarks of the tracker at national scale: `python -m bench` (or `make bench`).

See bench/run.py for what is measured and bench/RESULTS.md for the figures.
"""
