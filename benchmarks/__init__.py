"""Benchmarks print figures; they assert nothing and never run as part of the test suite.

Run one with ``venv/bin/python -m benchmarks.<name>``.
"""
