"""Whose notes a folder holds (SPEC §1 v2), from folder names alone. Pure: the store says which
folders hold a ``profile.md``.

A note without ``person`` in its front matter belongs to the nearest enclosing folder that holds
a profile, else to the folder it is in; that folder's name, made a slug, is the person
(``People/Alice Moreno/`` -> ``alice-moreno``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ononotes.core.fields import is_slug

_NOT_SLUG_RE = re.compile(r"[^a-z0-9_.-]+")
_DOTS_RE = re.compile(r"\.{2,}")
TEMPLATE_FOLDER = "templates"  # skipped in any case: Obsidian's is ``Templates/``


def slugify(name: str) -> str | None:
    """A folder name as a person slug: accents dropped, case folded, each run of characters
    outside ``[a-z0-9_.-]`` one ``-``, no ``-`` or ``.`` at either end; None when nothing is
    left. A name that is a slug already is itself."""
    if is_slug(name):
        return name
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    slug = _DOTS_RE.sub(".", _NOT_SLUG_RE.sub("-", plain)).strip("-.")
    return slug if slug and is_slug(slug) else None


def levels_up(folder: str, has_profile: Callable[[str], bool]) -> int:
    """How far above ``folder`` (a path relative to the vault, never '') is the folder that
    names the person of the notes in it: the nearest one, ``folder`` itself included, that
    holds a profile (``has_profile(path)``), else ``folder`` (0). The vault itself never
    counts: its notes are those of ``person`` in ono.toml."""
    path, up = folder, 0
    while True:
        if has_profile(path):
            return up
        path, slash, _ = path.rpartition("/")
        if not slash:
            return 0
        up += 1


def ancestor(folder: str, up: int) -> str:
    """``folder`` with its last ``up`` names taken off (``a/b/c``, 1 -> ``a/b``)."""
    for _ in range(up):
        folder = folder.rpartition("/")[0]
    return folder


def folder_person(folder: str, up: int = 0) -> str | None:
    """The person of the notes in ``folder`` (relative to the vault) when the folder naming
    them is ``up`` levels above it: that folder's name, made a slug."""
    name = ancestor(folder, up).rpartition("/")[2]
    return slugify(name) if name else None


def is_template_folder(name: str) -> bool:
    """A folder of templates, whatever its case: never read for notes."""
    return name.casefold() == TEMPLATE_FOLDER
