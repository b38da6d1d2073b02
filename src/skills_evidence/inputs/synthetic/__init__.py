"""Seeded, documented synthetic stand-ins for confidential or licensed data. Every file they write
says it is synthetic in the data itself (a `synthetic` column), and the book says so wherever it is used."""
