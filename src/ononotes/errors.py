"""The one error family of ononotes.

The core raises these; ``cli.py`` turns them into one ``path:line: message`` line on stderr and a
non-zero exit, in one place.
"""

from __future__ import annotations


class OnoError(Exception):
    """A user-facing error, optionally tied to a place in a file."""

    exit_code = 1

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return format_location(self.path, self.line, self.message)


class NoteError(OnoError):
    """A note (or profile) that cannot be read: bad front matter, bad date, bad encoding."""


class TemplateError(OnoError):
    """A template that cannot be found, parsed or rendered."""


class UsageError(OnoError):
    """Bad arguments: an invalid slug, an unknown person, a file that already exists."""

    exit_code = 2


class ConfigError(OnoError):
    """``ono.toml`` or ``ono.local.toml`` that cannot be read, or a setting out of its range."""

    exit_code = 2


class GitError(OnoError):
    """A git operation that failed; the repository has been left clean."""


def format_location(path: str | None, line: int | None, message: str) -> str:
    """``path:line: message``, leaving out what is unknown."""
    if path is None:
        return message
    if line is None:
        return f"{path}: {message}"
    return f"{path}:{line}: {message}"
