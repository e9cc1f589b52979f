"""``careplan batch``: many patients, one compiled pack per worker, resumable output.

Reads a directory of patient files, an NDJSON file or standard input (``records``), checks each
record in the main process (bad records and duplicate ids become entries of ``errors.ndjson``),
hands the good ones in chunks to an executor (``local`` processes or ``dask``) whose workers each
hold one compiled pack (``work``), and writes every plan atomically under ``DIR/plans`` with a
journal that makes a re-run resume exactly (``output``, ``journal``). See docs/batch.md.

May import: engine.generator and every stage below it. Only engine.cli imports it.
"""

from __future__ import annotations
