"""Benchmarks: they print figures and ratios against a bare Flask route measured in the same run. Not tests."""
