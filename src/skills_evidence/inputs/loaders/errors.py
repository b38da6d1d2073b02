"""One error type for bad input, always naming the file, the row and the column."""

from __future__ import annotations

from pathlib import Path


class InputFileError(ValueError):
    """Raised when an input file does not match what its loader expects."""

    def __init__(self, path: str | Path, message: str, row: int | None = None, column: str | None = None):
        self.path = Path(path)
        self.message = message
        self.row = row
        self.column = column
        where = [str(self.path)]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")
