"""Peer benchmarks: one care-plan workload run by careplan, raw durable-rules, CLIPS and plain Python.

``workload`` defines the patients and the engine-neutral rule pack (71, 500 or 5,000 rules);
each engine module turns that pack into its own rules; ``check`` compares every engine's output
with plain Python's, patient by patient; ``bench/bench_peers.py`` times them side by side.
"""
