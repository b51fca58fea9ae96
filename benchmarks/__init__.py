"""Benchmark harness for tapegrad: ``python -m benchmarks --help``.

Not part of the installed package and never imported by it. Each
(workload, framework) pair runs in its own subprocess (``benchmarks.worker``);
the driver (``benchmarks.run``) collects the results, checks them against
tapegrad's, and prints the table. See benchmarks/README.md.

Nothing here imports numpy or any framework at module level, so that the
worker can pin thread counts before the first numerical import.
"""
