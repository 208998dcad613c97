"""Benchmarks (`make bench`): performance targets live here, not in unit tests."""
