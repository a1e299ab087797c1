"""Benchmark harness of ITSS Graph (see bench/README.md); not part of the installed package."""
