"""Evaluation: BEIR retrieval scores and question files, run through the core's facade."""
