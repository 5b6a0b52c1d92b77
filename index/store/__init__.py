"""Store: Chroma's collections, the ids that name document versions, the commit protocol,
and the lexical (BM25) index derived from the chunks."""
