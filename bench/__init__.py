"""Benchmarks: `make bench` prints speed and memory figures (never asserted in tests)."""
