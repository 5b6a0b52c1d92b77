"""Text: the units every stage shares. ``tokens`` is the one tokenizer for matching (BM25's
terms, and the terms answers are scored by); ``words`` keeps every word with its offsets for
verbatim comparison of quotes; sentence spans, names, entities and input checks."""
