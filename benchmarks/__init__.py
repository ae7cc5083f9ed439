"""Benchmarks: minigrad beside handwritten NumPy and PyTorch, one library per process.

`python benchmarks/run.py` runs every workload and prints the table; see
`docs/performance.md` for the figures and what profiling found.
"""
