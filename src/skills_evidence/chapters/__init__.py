"""Chapters: one module per chapter of the book (what its notebook computes and shows), and what they
share: sentence templates, key figures, tables, charts and the outputs folder each chapter writes."""
