"""User-facing errors: each says what is wrong, where, and what to do."""

from __future__ import annotations


class PipelineError(Exception):
    """An error caused by the user's input or environment, not a bug.

    The CLI turns it into one line on stderr and exit code 2.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return f"{where}{self.message}"


class InputError(PipelineError):
    """An article or input path that cannot be read or is not an article."""


class ConfigError(PipelineError):
    """A data file (rules, glossary) that is malformed."""


class UsageError(PipelineError):
    """An option value that makes no sense (unknown language, engine...)."""
