"""Embed: the sentence-transformers model (ONNX or torch) turning text into vectors."""
