"""The rows an import file is read into, and the errors found in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class RowError:
    """What is wrong where: ``row`` as numbered in the user's file, or None."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


@dataclass(frozen=True)
class ImportRow:
    """One row of a file: raw values by field, and where it came from."""

    row: int
    values: dict[str, Any]
    columns: dict[str, str]


@dataclass
class ParsedFile:
    name: str
    columns: dict[str, str]
    rows: list[ImportRow]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CleanRow:
    """A valid row, as an idea will store it."""

    row: int
    external_id: str
    title: str
    problem: str
    solution: str
    benefit: str
    agencies: str
    team_name: str
    theme: Any
    tags: list[str]
    submitted_at: datetime | None
