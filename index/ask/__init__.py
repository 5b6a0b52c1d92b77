"""Ask: retrieve chunks for a question (and its follow-ups), then compose a cited answer."""
