"""Benchmarks: each module here has a main() that prints figures. Not tests: `make bench` runs them all."""
