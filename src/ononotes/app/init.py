"""``ono init``: a new vault (config, .gitignore, a git repository, a first commit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ononotes.core.checks import check_slug
from ononotes.errors import GitError, UsageError
from ononotes.store.vault import (
    CONFIG_NAME,
    GITIGNORE,
    create_file,
    load_config,
)


@dataclass
class InitResult:
    root: Path
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    committed: bool = False
    warning: str | None = None  # what went wrong with the first commit


def init_vault(root: Path, me: str | None) -> InitResult:
    """Make a vault: ``ono.toml``, ``.gitignore``, a git repo and a first commit; never clobbers."""
    if me is not None:
        check_slug(me, "--me")
        _refuse_other_me(root, me)
    root.mkdir(parents=True, exist_ok=True)
    result = InitResult(root.resolve())
    config_text = f'# ononotes vault settings: see docs/format.md\nme = "{me or "me"}"\ncadence = "weekly"\nautocommit = false\n'
    for name, text in ((CONFIG_NAME, config_text), (".gitignore", GITIGNORE)):
        path = root / name
        if path.exists():
            result.existing.append(name)
        else:
            create_file(root, path, text)
            result.created.append(name)
    from ononotes.adapters.git import commit_paths, ensure_repo

    ensure_repo(root)
    if result.created:
        try:
            result.committed = commit_paths(root, result.created, "ono init: new vault")
        except GitError as exc:  # no git identity, say: the vault is made all the same
            result.warning = f"the vault is ready, but not committed: {exc.message}"
    return result


def _refuse_other_me(root: Path, me: str) -> None:
    """``--me`` on a vault whose ono.toml says someone else: refused, never silently ignored
    (ono init never rewrites an existing file)."""
    if not (root / CONFIG_NAME).is_file():
        return
    existing = load_config(root).me
    if existing != me:
        raise UsageError(
            f"{root / CONFIG_NAME} exists and says me = {existing!r}; ono init leaves it as it "
            f"is: edit it to make it {me!r}"
        )
