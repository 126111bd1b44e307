"""Benchmarks: declutter against the extractors people already use (see benchmarks/README.md).

A package so that the runner, the worker subprocesses and the tests share one set of metric,
peer and report functions; run it with ``python benchmarks/run.py``.
"""
