"""Sharing one person's 1:1 notes with them through git: ``ono share``, ``ono sync`` and
``ono clone``, and the pre-push guard each shared repository gets.

A shared person's folder is a git repository of its own (``<vault>/<slug>/.git``) whose origin
both sides push to; the report works in a clone of it. This module decides what may be shared
(notes and the profile, never a private note), what the shared repository holds, and how
``@me`` is written there (as the slug of whoever wrote it, so that both copies count the same);
``adapters.git`` does the git work. See docs/sharing.md.
"""

from __future__ import annotations

import functools
import re
import shlex
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TextIO

from ononotes.adapters.git import local_path_made_absolute
from ononotes.core.checks import check_slug
from ononotes.core.fields import OWNER_RE, is_slug, written_as_me
from ononotes.errors import GitError, OnoError, UsageError
from ononotes.store.private import share_refusal, shareable
from ononotes.store.vault import (
    CONFIG_NAME,
    LOCAL_CONFIG_NAME,
    create_file,
    load_config,
    load_vault,
    replace_file,
)

SHARED_GITIGNORE = (
    "# ononotes: this copy's own settings and cache are never shared\n"
    f"{LOCAL_CONFIG_NAME}\n.ono/\n.DS_Store\n*.swp\n*~\n"
)
GUARD_HOOK = "pre-push"
ONLY_NOTES = "only notes, with a date, and profile.md are shared"


def shared_config_text(slug: str, manager: str | None = None) -> str:
    """The ``ono.toml`` of a shared repository: whose notes these are, who their manager is
    (a known owner on both sides), and no ``me``."""
    return (
        f"# ononotes: the shared 1:1 notes of {slug} (see docs/sharing.md).\n"
        f"# `me` is set by each copy in {LOCAL_CONFIG_NAME}, which is not shared.\n"
        f'person = "{slug}"\n' + (f'manager = "{manager}"\n' if manager else "")
    )


@dataclass
class ShareResult:
    """What ``ono share`` did, for the command to tell."""

    slug: str
    folder: Path
    remote: str
    pushed: int
    history: int
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    branch: str = "main"
    rewritten: list[str] = field(default_factory=list)  # ``path:line`` of each @me made a slug


def shared_people(root: Path) -> list[str]:
    """The people of the vault whose folder is a repository of its own."""
    return sorted(
        entry.name
        for entry in root.iterdir()
        if entry.is_dir() and is_slug(entry.name) and (entry / ".git").exists()
    )


def share_person(root: Path, slug: str, remote: str, rewrite_me: bool = False) -> ShareResult:
    """Move ``slug``'s folder into a repository of its own, with the history of its files, push
    it to ``remote`` and make the vault stop tracking it. Only notes and the profile go there:
    not other people, not private notes, not drafts or scratch files, not ono.toml or templates.
    With ``rewrite_me`` (the user's consent), every item owned by ``@me`` in the files shared is
    written ``@<me>`` first, so that the report's copy does not take it for theirs."""
    from ononotes.adapters.git import check_remote_url, share_folder

    check_slug(slug)
    remote = local_path_made_absolute(check_remote_url(remote))
    config = load_config(root)
    if config.person:
        raise UsageError(
            f"this is {config.person}'s shared repository: run ono share in your vault"
        )
    folder = root / slug
    if not folder.is_dir():
        raise UsageError(
            f"no folder {slug}/ in {root}: add the person first (ono person add {slug})"
        )
    if (folder / ".git").exists():
        raise UsageError(f"{slug} is already shared ({slug}/.git exists): run ono sync {slug}")
    for name in (CONFIG_NAME, LOCAL_CONFIG_NAME):
        if (folder / name).exists():
            raise UsageError(
                f"{slug}/{name} already exists; ono share writes its own: move it away first"
            )
    me = config.me if config.me != "me" else None
    if rewrite_me and me is None:
        raise UsageError(
            'ono share --rewrite-me writes @me as your slug, and ono.toml does not say it: set me = "your-slug" there first'
        )
    warnings = _share_warnings(root, slug, config, rewrite_me)
    rewritten: list[str] = []
    history_kept = _HistoryFilter(slug, config.private_dir)
    outcome = share_folder(
        folder,
        remote,
        refuse=partial(share_refusal, person=slug, private_dir=config.private_dir),
        keep=history_kept,
        new_files={CONFIG_NAME: shared_config_text(slug, me), ".gitignore": SHARED_GITIGNORE},
        label=slug,
        shareable=shareable,
        rewrite=partial(_rewrite_file, me=me, done=rewritten) if rewrite_me else None,
        hooks={GUARD_HOOK: guard_script()},
    )
    if me is not None:  # so that @me still means the manager in their copy of the folder
        create_file(folder, folder / LOCAL_CONFIG_NAME, f'me = "{me}"\n')
    dropped = [path for path in outcome.dropped if path in history_kept.private]
    left_out = outcome.left_out + [p for p in outcome.dropped if p not in history_kept.private]
    if left_out:
        warnings.append(f"not shared: {', '.join(sorted(set(left_out)))} ({ONLY_NOTES})")
    return ShareResult(
        slug,
        folder,
        remote,
        outcome.pushed,
        outcome.history,
        dropped,
        warnings + outcome.warnings,
        outcome.branch,
        rewritten,
    )


class _HistoryFilter:
    """Which file versions of the vault's history the shared repository gets: none that is
    private or about someone else (remembered in ``private``), and only notes and the profile."""

    def __init__(self, slug: str, private_dir: str):
        self.slug, self.private_dir = slug, private_dir
        self.private: set[str] = set()

    def __call__(self, path: str, data: bytes) -> bool:
        if share_refusal(path, data, self.slug, self.private_dir, strict=False) is not None:
            self.private.add(path)
            return False
        return shareable(path, data)


def _share_warnings(root: Path, slug: str, config, rewrite_me: bool) -> list[str]:
    """What the manager should know before sharing: notes about the person kept elsewhere (not
    shared), and items owned by @me (which, in the shared copy, means whoever reads it) unless
    they are to be rewritten."""
    vault = load_vault(root, config)
    warnings = []
    for note in vault.notes_for(slug):
        if not note.path.startswith(f"{slug}/"):
            warnings.append(f"{note.path}: a note about {slug} outside {slug}/; it is not shared")
            continue
        for item in note.items if not rewrite_me else ():
            if written_as_me(item.text):
                warnings.append(
                    f"{note.path}:{item.line}: @me means whoever reads the shared copy; "
                    f"write @{config.me if config.me != 'me' else 'your-slug'} instead "
                    "(ono share --rewrite-me does it)"
                )
    return warnings


# -- @me, written as the slug of whoever wrote it -------------------------------------------------


def rewrite_owner_me(
    data: bytes,
    me: str | None,
    path: str = "",
    keep: Callable[[], frozenset[str]] = frozenset,
    done: list[str] | None = None,
    left: list[str] | None = None,
) -> bytes | None:
    """``data`` (a note) with the owner mention of every item owned by ``@me`` written ``@<me>``,
    every other byte kept (byte-order mark, line endings); None when nothing changes or the file
    cannot be read as a note. Items whose key ``keep()`` holds are left as they are (and their
    ``path:line`` added to ``left``); those rewritten are added to ``done``. A UsageError when an
    item needs rewriting and ``me`` is not known."""
    from ononotes.core.markdown import scan
    from ononotes.core.parse import LINE_BREAK_KEPT_RE, FileProblem, decode, read_document

    if b"@me" not in data.lower():  # a quick look: most notes have none
        return None
    try:
        document = read_document(data)
    except FileProblem:
        return None
    items = [i for i in scan(document.lines, document.body_start).items if written_as_me(i.text)]
    pieces = LINE_BREAK_KEPT_RE.split(decode(data))
    changed = False
    for item in items:
        where = f"{path}:{item.line}"
        if item.key in keep():
            if left is not None:
                left.append(where)
            continue
        if me is None:
            raise UsageError(
                f"{where}: an item owned by @me, and this copy does not say who me is: add "
                f'me = "your-slug" to {LOCAL_CONFIG_NAME} (or ono.toml), then run it again'
            )
        line = pieces[item.start * 2]
        mention = OWNER_RE.search(line, len(line.rstrip()) - len(item.text))
        if mention is None:
            continue
        pieces[item.start * 2] = f"{line[: mention.start()]}@{me}{line[mention.end() :]}"
        changed = True
        if done is not None:
            done.append(where)
    if not changed:
        return None
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    return bom + "".join(pieces).encode("utf-8")


def _rewrite_file(path: str, data: bytes, **how) -> bytes | None:
    """``rewrite_owner_me`` for the files of a shared repository (Markdown only)."""
    return rewrite_owner_me(data, path=path, **how) if path.endswith(".md") else None


def _keys_shared_as_me(path: Path) -> frozenset[str]:
    """The keys of the items owned by @me in the notes the shared repository already has
    (committed): written by a copy that did not rewrite them, their owner is not known here."""
    from ononotes.adapters.git import committed_files
    from ononotes.core.markdown import scan
    from ononotes.core.parse import FileProblem, read_document

    keys: set[str] = set()
    for data in committed_files(path, ".md").values():
        if b"@me" not in data.lower():
            continue
        try:
            document = read_document(data)
        except FileProblem:
            continue
        body = scan(document.lines, document.body_start)
        keys.update(item.key for item in body.items if written_as_me(item.text))
    return frozenset(keys)


# -- sync -----------------------------------------------------------------------------------------


@dataclass
class SyncResult:
    """One shared repository's sync: what it did, or the one-line error."""

    person: str
    path: Path
    committed: list[str] = field(default_factory=list)
    pulled: int = 0
    pushed: int = 0
    error: str | None = None
    left_out: list[str] = field(default_factory=list)  # new files that are not notes
    notices: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if self.error:
            return self.error
        done = []
        if self.committed:
            done.append(f"committed {', '.join(self.committed)}")
        if self.pulled:
            done.append(f"pulled {self.pulled} commit(s)")
        if self.pushed:
            done.append(f"pushed {self.pushed} commit(s)")
        if self.left_out:
            done.append(f"not shared: {', '.join(self.left_out)}")
        return f"{self.person}: {'; '.join((done or ['up to date']) + self.notices)}"


def sync_targets(root: Path, slug: str | None) -> list[tuple[str, Path]]:
    """(person, repository) to sync: inside a shared repository that repository, else each
    shared person of the vault, or just ``slug``."""
    config = load_config(root)
    if config.person:
        if slug is not None and slug != config.person:
            raise UsageError(f"this repository holds {config.person}'s notes, not {slug}'s")
        return [(config.person, root)]
    shared = shared_people(root)
    if slug is not None:
        check_slug(slug)
        if slug not in shared:
            raise UsageError(f"{slug} is not shared: run ono share {slug} REMOTE first")
        return [(slug, root / slug)]
    if not shared:
        raise UsageError("nothing is shared in this vault yet: ono share SLUG REMOTE")
    return [(person, root / person) for person in shared]


def sync_shared(root: Path, slug: str | None = None) -> list[SyncResult]:
    """Commit, integrate the remote's commits and push, for each shared repository; a failure
    in one does not stop the others (each result carries its error). Before committing, the
    items owned by ``@me`` in the notes committed are written as this side's slug (not those
    the repository already had as ``@me``: who wrote them is not known here, and they are
    named)."""
    from ononotes.adapters.git import sync_repo

    config = load_config(root)
    me = config.me if config.me != "me" else None
    results = []
    for person, path in sync_targets(root, slug):
        result = SyncResult(person, path)
        left: list[str] = []
        keep = functools.cache(partial(_keys_shared_as_me, path))  # read only when needed
        rewrite = partial(_rewrite_file, me=me, keep=keep, left=left)
        try:
            _record_manager(path, person, me)
            result.notices += _install_guard(path)
            outcome = sync_repo(
                path,
                person,
                partial(share_refusal, person=person, private_dir=config.private_dir),
                shareable,
                rewrite,
            )
        except OnoError as exc:
            result.error = str(exc) if str(exc).startswith(f"{person}:") else f"{person}: {exc}"
        else:
            result.committed = outcome.committed
            result.pulled, result.pushed = outcome.pulled, outcome.pushed
            result.left_out = outcome.left_out
            result.notices += outcome.notices
            if left:
                result.notices.append(
                    f"@me left as it is in {', '.join(left)} (shared before as @me: write "
                    "whose it is)"
                )
        results.append(result)
    return results


def _record_manager(path: Path, person: str, me: str | None) -> None:
    """On the manager's side, a repository shared before ``manager`` was recorded gets the
    line in its ono.toml (committed by the sync): the report's copy then knows the manager."""
    config_path = path / CONFIG_NAME
    if me is None or me == person or not config_path.is_file():
        return
    data = config_path.read_bytes()
    if re.search(rb"^[ \t]*manager[ \t]*=", data, re.M):
        return
    text = data.decode("utf-8-sig")
    joiner = "" if text.endswith("\n") or not text else "\n"
    replace_file(path, config_path, f'{text}{joiner}manager = "{me}"\n', data)


def raise_for_failures(results: list[SyncResult]) -> None:
    """One GitError naming every repository that failed (a line each)."""
    failures = [result.error for result in results if result.error]
    if failures:
        raise GitError("\n".join(failures))


# -- the report's copy ------------------------------------------------------------------------------


@dataclass
class CloneResult:
    """What ``ono clone`` made: the folder, whose notes, who ``me`` is there, the branch."""

    folder: Path
    person: str
    me: str
    branch: str
    notices: list[str] = field(default_factory=list)


def clone_shared_notes(
    remote: str, folder: str | None = None, me: str | None = None
) -> CloneResult:
    """The report's side in one step: clone the shared repository ``remote`` into ``folder``
    (default: the remote's name without ``.git``, here), check out the shared branch (also when
    the remote's default branch names none), write ``me`` (default: the person the notes are
    about) to ono.local.toml, and install the push guard."""
    import shutil

    from ononotes.adapters.git import check_remote_url, clone_shared

    remote = local_path_made_absolute(check_remote_url(remote))
    if me is not None:
        check_slug(me, "me")
    name = folder or re.sub(r"\.git$", "", remote.rstrip("/").replace(":", "/").rsplit("/", 1)[-1])
    dest = Path(name or "shared-notes").expanduser().absolute()
    branch = clone_shared(remote, dest)
    config = load_config(dest)
    if not config.person:
        shutil.rmtree(dest, ignore_errors=True)
        raise UsageError(
            f"{remote} is not a repository of shared 1:1 notes (its {CONFIG_NAME} names no "
            "person); nothing was made"
        )
    me = me or config.person
    create_file(dest, dest / LOCAL_CONFIG_NAME, f'me = "{me}"\n')
    return CloneResult(dest, config.person, me, branch, _install_guard(dest))


def empty_clone_advice(folder: Path) -> str | None:
    """What to do, when ono finds no vault in ``folder`` because it is a git clone that checked
    out nothing (its remote's default branch names a branch that does not exist: a remote
    shared by an older ono); None for any other folder."""
    from ononotes.adapters.git import branches_of_empty_clone

    branches = branches_of_empty_clone(folder)
    if not branches:
        return None
    branch = "main" if "main" in branches else branches[0]
    return (
        f"{folder} is a git clone that checked out nothing (its remote's default branch names "
        f"a branch that does not exist): run git checkout {branch} there, then ono sync"
    )


# -- the pre-push guard ------------------------------------------------------------------------------


def guard_script(python: str | None = None) -> str:
    """The pre-push hook ono installs in each shared repository, for plain ``git push``: it runs
    ``guard_push`` with the interpreter that runs ono now (by its absolute path: ono need not be
    on the hook's PATH). When that interpreter or ononotes is gone it refuses the push and says
    what to do (fail closed): a guard that silently let everything through would be worse."""
    from ononotes.adapters.git import HOOK_MARKER

    python = shlex.quote(python or sys.executable)
    fix = (
        "so ono cannot check this push for private notes: nothing was pushed. Reinstall ono and "
        "run ono sync here (it updates this hook), or push with git push --no-verify if you are "
        "sure nothing private is in it."
    )
    return f"""#!/bin/sh
# {HOOK_MARKER}: ono's push guard (docs/sharing.md), written by ono share, ono clone and
# ono sync (which update it). A push that carries a private note (a file in a private/ folder,
# a note whose front matter says private: true) or a note about someone else is refused.
python={python}
if [ ! -x "$python" ]; then
    echo "ono push guard: $python is gone, {fix}" >&2
    exit 1
fi
exec "$python" -c 'import sys
try:
    from ononotes.app.share import guard_push
except ImportError:
    sys.stderr.write("ono push guard: ononotes is not installed for " + sys.executable + ", {fix}\\n")
    sys.exit(1)
sys.exit(guard_push(sys.argv[1:], sys.stdin, sys.stderr))' "$@"
"""


def guard_push(argv: list[str], updates: Iterable[str], err: TextIO) -> int:
    """The pre-push hook's check, run by git from the top of a shared repository: 0 when the
    commits pushed carry no file ``share_refusal`` rejects, else 1 with one line naming them.
    ``argv`` is the hook's (remote name, URL); ``updates`` the lines git gives it."""
    from ononotes.adapters.git import refused_in_push

    root = Path.cwd()
    try:
        config = load_config(root)
        refuse = partial(
            share_refusal, person=config.person or root.name, private_dir=config.private_dir
        )
        problems = refused_in_push(root, argv[0] if argv else "", list(updates), refuse)
    except Exception as exc:  # a hook says one line, and refuses when it cannot tell
        err.write(f"ono push guard: cannot check this push ({exc}); nothing was pushed\n")
        return 1
    if problems:
        err.write(
            f"ono push guard: not pushed: {'; '.join(problems[:3])}"
            + (f" and {len(problems) - 3} more" if len(problems) > 3 else "")
            + ". Take them out of the commits not pushed yet (git reset --soft to the remote's "
            "branch keeps your files), move private notes to your vault's private/ folder, "
            "then push again\n"
        )
        return 1
    return 0


def _install_guard(path: Path) -> list[str]:
    """Install (or update) the guard in the shared repository at ``path``: the notices when it
    cannot be."""
    from ononotes.adapters.git import install_hook

    notice = install_hook(path, GUARD_HOOK, guard_script())
    return [notice] if notice else []
