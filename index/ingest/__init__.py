"""Ingest: files to documents (read, extract), documents to chunks, chunks into the store."""
