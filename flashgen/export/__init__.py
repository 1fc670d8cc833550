"""Exporters: one module per format, each takes Decks and writes files atomically."""
