"""How the book writes a place's name in a sentence (shared by every layer that names an area)."""

from __future__ import annotations


def possessive(name: str) -> str:
    """A place's possessive as British style writes it: "Coventry's", "Tower Hamlets'" (a plural name)."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"
