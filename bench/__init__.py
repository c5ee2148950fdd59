"""Benchmarks of pulumi-snapshots against the embedded fake AWS: `python3 tasks.py bench`."""
