"""Renderers for a staged book: Quarto where installed, else the Pandoc + Typst fallback."""
