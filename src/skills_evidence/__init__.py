"""Coventry Skills Evidence Book: official data → indicators → notebooks → staged book → render."""

__version__ = "0.1.0"
