"""Fuzzing the command line: patient files and rule packs written as text, run in isolated processes.

* ``sizing``: how many examples (CI by default; ``CAREPLAN_FUZZ_EXAMPLES=N`` for a long run).
* ``emit``: YAML and JSON text writers that can put any token (``0200``, ``!!float``, ``*a``) anywhere.
* ``patient_files``: valid patient files across every section, and mutated ones, each with what
  the command line must do with it.
* ``pack_files``: a small valid rule pack with working inline tests, random packs, and mutated ones.
* ``forkserver`` and ``harness``: every input runs the real CLI in a process of its own (a fork of a
  warm interpreter, or for a sample a fresh ``careplan`` executable) under a timeout and a memory
  limit; the harness checks the outcome against the contract and keeps the counts.
"""
