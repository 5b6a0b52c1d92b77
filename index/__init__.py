"""citebot's core: ingest, chunk, embed, store, retrieve, answer, verify.

Adapters (``api``, ``bot``, the ``citebot`` CLI) import this package; it imports none of them.
"""
