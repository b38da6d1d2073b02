"""Loaders: read each official format as published and return one tidy, validated table."""

from skills_evidence.inputs.loaders.errors import InputFileError

__all__ = ["InputFileError"]
