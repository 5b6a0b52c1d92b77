"""Text: the word and sentence units every stage shares (tokens, sentence spans, names)."""
