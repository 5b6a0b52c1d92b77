"""Verify: align a quote with the archive's words, find who spoke, and rate it."""
