"""Benchmarks: `make bench` (or `python -m bench`) runs every module here that has a main(). Not tests."""
