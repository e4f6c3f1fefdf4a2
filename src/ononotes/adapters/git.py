"""Everything git. The only module that imports GitPython.

Two kinds of repository: the vault's own (``ensure_repo``, ``commit_paths``) and a shared
person's repository — ``<vault>/<slug>/.git`` on the manager's side, a clone on the report's
(``share_folder``, ``sync_repo``, ``clone_shared``). In a shared repository ono runs git with
hooks switched off and no command-running transport or upload/receive-pack command, never
force-pushes, never leaves a rebase half done, and never commits under a made-up name.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ononotes.core.model import Config
from ononotes.errors import GitError, UsageError
from ononotes.store.vault import relative

SAFE_SCHEMES = frozenset({"ssh", "git", "http", "https", "file", "git+ssh", "ssh+git"})
# Set on every git command ono runs for sharing: a clone's hooks are not ours to run, ext:: runs
# commands, and an fsmonitor hook is a hook too.
HARDENING = (f"core.hooksPath={os.devnull}", "protocol.ext.allow=never", "core.fsmonitor=false")
# remote.<name>.uploadpack / receivepack in a repository's own config name a command that git
# runs (through a shell, for a remote that is a path). git takes the first value it sees, and the
# repository's config comes before any ``-c``: only these options on the command line win.
UPLOAD_PACK = "--upload-pack=git-upload-pack"
RECEIVE_PACK = "--receive-pack=git-receive-pack"
BUSY_STATES = (
    ("rebase-merge", "rebase"),
    ("rebase-apply", "rebase"),
    ("MERGE_HEAD", "merge"),
    ("CHERRY_PICK_HEAD", "cherry-pick"),
    ("REVERT_HEAD", "revert"),
)
PUSH_ATTEMPTS = 3
DEFAULT_BRANCH = "main"
LOCK_RE = re.compile(r"Unable to create '([^']+\.lock)': File exists")
ZERO_SHA = "0" * 40
HOOK_MARKER = "ononotes-managed-hook"  # in every hook ono writes: ono may replace those alone
IDENTITY_HELP = (
    'git config --global user.name "Your Name" and git config --global user.email you@example.com'
)


def _git():
    import git

    return git


def ensure_repo(root: Path):
    """The git repository at ``root``, created if there is none."""
    git = _git()
    try:
        return git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return git.Repo.init(root)


def commit_paths(root: Path, paths: list[str], message: str, then: str = "commit with git") -> bool:
    """Stage ``paths`` (relative to ``root``) and commit them; False when there was nothing to
    commit. Hooks are not run and git's own identity is the author (refused, with the command to
    set one, when git has none). Paths inside a shared person's folder (a repository of its own)
    are left to ``ono sync``: the vault no longer tracks them. A lock left by another git is
    named, with what to do."""
    git = _git()
    paths = [path for path in paths if not in_shared_folder(root, path)]
    if not paths:
        return False
    repo = _harden(ensure_repo(root))
    refuse_stale_locks(repo, "", then)
    require_identity(repo, then)
    try:
        repo.git.add("-A", "--", *paths)
        if repo.head.is_valid() and not repo.index.diff("HEAD"):
            return False
        repo.git.commit("-q", "--no-verify", "-m", message, "--", *paths)
        return True
    except git.GitCommandError as exc:
        raise GitError(f"git commit failed: {_reason(exc)}") from None


def commit_changes(root: Path, message: str) -> bool:
    """Commit every changed note (and ono.toml) of the vault's own repository, as ``ono watch
    --commit`` does after a quiet period; False when nothing changed."""
    repo = _harden(ensure_repo(root))
    notes = [p for p in changed_files(repo) if p.endswith(".md") or p == "ono.toml"]
    return commit_paths(root, notes, message) if notes else False


def in_shared_folder(root: Path, path: str) -> bool:
    """Whether ``path`` (relative to ``root``) lies in a folder below ``root`` that is a git
    repository of its own."""
    folder = root
    for part in Path(path).parts[:-1]:
        folder = folder / part
        if (folder / ".git").exists():
            return True
    return False


# -- remotes --------------------------------------------------------------------------------------


def _add_origin(repo, remote: str, outcome: str) -> list[str]:
    """Add ``remote`` as origin and fetch it: the branches it has; a GitError ending in
    ``outcome`` when it cannot be reached."""
    git = _git()
    git.Remote.create(repo, "origin", remote)
    try:
        _fetch(repo)
    except git.GitCommandError as exc:
        raise GitError(f"cannot reach {display_url(remote)} ({_reason(exc)}); {outcome}") from None
    return [ref.remote_head for ref in repo.remote("origin").refs]


def _fetch(repo) -> None:
    """``git fetch origin``, never with an upload-pack command from the repository's config."""
    repo.git.fetch("-q", UPLOAD_PACK, "origin")


@dataclass(frozen=True)
class _Pushed:
    """How a push went: ``ok``, ``behind`` (the remote moved on: fetch and try again),
    ``refused`` (the remote said no: a hook, a lock) or ``failed`` (not reached); and why."""

    status: str
    reason: str = ""


def _push(repo, refspec: str, upstream: bool = False) -> _Pushed:
    """Push ``refspec`` to origin: never forced, no hook, no receive-pack from the config."""
    options = ["--porcelain", "--no-verify", RECEIVE_PACK] + (
        ["--set-upstream"] if upstream else []
    )
    code, out, err = repo.git.push(
        *options, "origin", refspec, with_extended_output=True, with_exceptions=False
    )
    if code == 0:
        return _Pushed("ok")
    rejected = [line.split("\t")[2] for line in out.splitlines() if line.count("\t") >= 2]
    if any(summary.startswith("[rejected]") for summary in rejected):
        return _Pushed("behind")
    if not rejected:
        return _Pushed("failed", _reason(err))
    said = _remote_said(err)
    why = rejected[0].split("(", 1)[-1].rstrip(")") if "(" in rejected[0] else rejected[0]
    return _Pushed("refused", f"{why}: {said}" if said else why)


def _remote_said(stderr: str) -> str:
    """What the remote printed (``remote: ...`` lines): a lock named with what to do, else its
    first lines."""
    lines = [
        line.removeprefix("remote:").strip()
        for line in stderr.splitlines()
        if line.startswith("remote:") and line.removeprefix("remote:").strip()
    ]
    lock = LOCK_RE.search("\n".join(lines))
    if lock:
        return "on the remote, " + _lock_advice(os.path.normpath(lock.group(1)), " there")
    lines = [line.removeprefix("error:").strip() for line in lines]
    return " / ".join(lines[:3])


def _lock_advice(lock: str, where: str = "") -> str:
    return (
        f"{lock} exists: another git is running{where}, or one crashed; "
        "if none is running, delete it"
    )


def check_remote_url(url: str) -> str:
    """``url`` when it is a plain git URL or path; a UsageError for anything git could read as an
    option or that selects a command-running transport (``ext::``, any ``helper::``)."""
    git = _git()
    shown = display_url(url)
    if not url or not url.strip() or any(c in url for c in "\0\r\n"):
        raise UsageError(f"refusing remote {shown!r}: give a git URL or the path of a repository")
    if url.startswith("-") or "://-" in url or "@-" in url:
        raise UsageError(f"refusing remote {shown!r}: git would read it as an option")
    try:
        git.Git.check_unsafe_protocols(url)
    except git.UnsafeProtocolError:
        raise UsageError(
            f"refusing remote {shown!r}: a 'transport::address' remote can run commands; "
            "use an ssh, https or git URL, or a path"
        ) from None
    if "://" in url and url.split("://", 1)[0].lower() not in SAFE_SCHEMES:
        raise UsageError(
            f"refusing remote {shown!r}: use an ssh://, https://, git:// or file:// URL, "
            "host:path, or a path"
        )
    return url


def display_url(url: str) -> str:
    """The URL without any ``user:password@`` part, for messages."""
    if "://" in url:
        scheme, rest = url.split("://", 1)
        host, slash, path = rest.partition("/")
        if "@" in host:
            host = host.rsplit("@", 1)[1]
        return f"{scheme}://{host}{slash}{path}"
    return url


def _reason(exc) -> str:
    """The telling line of a failed git command's stderr; a lock another git left is named,
    with what to do about it."""
    text = exc if isinstance(exc, str) else str(getattr(exc, "stderr", "") or exc)
    text = text.strip().removeprefix("stderr:").strip().strip("'").strip()
    lock = LOCK_RE.search(text)
    if lock:
        return _lock_advice(os.path.normpath(lock.group(1)))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for prefix in ("fatal:", "error:", "remote: error:", "ERROR:"):
        for index, line in enumerate(lines):
            if line.startswith(prefix):
                found = line.removeprefix(prefix).strip().rstrip("'")
                if found.endswith(":"):  # a list follows (the files in the way, say)
                    found += " " + ", ".join(lines[index + 1 : index + 4])
                return found
    return lines[-1].rstrip("'") if lines else "git failed"


# -- shared repositories --------------------------------------------------------------------------


def open_shared(path: Path):
    """The repository whose working tree is exactly ``path``, hardened for sharing."""
    git = _git()
    try:
        repo = git.Repo(path)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise UsageError(f"{path} is not a git repository") from None
    if repo.working_tree_dir is None or Path(repo.working_tree_dir).resolve() != path.resolve():
        raise UsageError(f"{path} is not the top of a git repository")
    return _harden(repo)


def _harden(repo):
    repo.git.set_persistent_git_options(c=list(HARDENING))
    repo.git.update_environment(GIT_EDITOR=":", GIT_LITERAL_PATHSPECS="1", GIT_MERGE_AUTOEDIT="no")
    return repo


def require_identity(repo, then: str = "run it again") -> None:
    """Refuse (GitError) to commit when git does not know who is committing: ono never makes up
    a name. git decides, as for any commit: user.name and user.email in any of its config files,
    GIT_AUTHOR_* and GIT_COMMITTER_*, EMAIL, or what it can tell of the system."""
    git = _git()
    try:
        for ident in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
            repo.git.var(ident)
    except git.GitCommandError as exc:
        raise GitError(
            f"git does not know who you are ({_reason(exc)}), and ono will not commit under a "
            f"made-up name: run {IDENTITY_HELP}, then {then}"
        ) from None


def stale_locks(repo) -> list[Path]:
    """The lock files in the repository's git folder: each means another git is at work there,
    or was killed before it could remove its lock."""
    git_dir = Path(repo.git_dir)
    found = sorted(git_dir.glob("*.lock"))
    if (git_dir / "refs").is_dir():
        found += sorted((git_dir / "refs").rglob("*.lock"))
    return found


def refuse_stale_locks(repo, label: str, then: str = "run it again") -> None:
    """A GitError naming the first lock in the repository (and a rebase or merge under way
    there), with what to do; nothing when there is none."""
    locks = stale_locks(repo)
    if not locks:
        return
    what = _busy(repo)
    also = (
        f"; a git {what} is under way there too: then finish it (git {what} --continue) or "
        f"abort it (git {what} --abort)"
        if what
        else ""
    )
    more = f" (and {len(locks) - 1} more lock(s) beside it)" if len(locks) > 1 else ""
    raise GitError(f"{label}{_lock_advice(str(locks[0]))}{more}{also}, then {then}")


def _busy(repo) -> str | None:
    git_dir = Path(repo.git_dir)
    for name, what in BUSY_STATES:
        if (git_dir / name).exists():
            return what
    return None


def _refuse_busy(repo, label: str, path: Path) -> None:
    what = _busy(repo)
    if what:
        raise GitError(
            f"{label}: a git {what} is in progress in {path}: finish it (git {what} --continue) "
            f"or abort it (git {what} --abort), then run ono sync again"
        )


def changed_files(repo) -> list[str]:
    """Paths (relative to the repository) that differ from HEAD: modified, new, deleted."""
    out = repo.git.status("--porcelain=v1", "-z", "--untracked-files=all")
    tokens = out.split("\0")
    paths, index = [], 0
    while index < len(tokens):
        entry = tokens[index]
        index += 1
        if len(entry) < 4:
            continue
        paths.append(entry[3:])
        if entry[0] in "RC":  # a rename or copy: the next token is the old name
            paths.append(tokens[index])
            index += 1
    return sorted(set(paths))


def refused_files(
    root: Path, paths: list[str], refuse: Callable[[str, bytes], str | None]
) -> list[str]:
    """``path: why`` for every existing file ``refuse`` keeps out of the shared repository."""
    problems = []
    for rel in paths:
        data = _worktree_data(root, rel)
        why = refuse(rel, data) if data is not None else None
        if why:
            problems.append(f"{rel}: {why}")
    return problems


def _worktree_data(root: Path, rel: str) -> bytes | None:
    """The bytes git would store for ``rel``: a symlink's are its target's name, never the file
    it points to (read here as nothing); None when there is no such file."""
    path = root / rel
    if path.is_symlink():
        return b""
    if path.is_file():
        return path.read_bytes()
    return None


def _commit_changes(repo, paths: list[str], verb: str) -> tuple[str | None, list[str]]:
    """Stage ``paths`` and commit what changed, naming the files in the message; returns the new
    commit's sha (None when nothing changed) and the files it has."""
    if not paths:
        return None, []
    repo.git.add("-A", "--", *paths)
    staged = _staged(repo)
    if not staged:
        return None, []
    shown = ", ".join(staged[:6]) + (f" and {len(staged) - 6} more" if len(staged) > 6 else "")
    message = f"{verb}: {shown}\n\n" + "\n".join(staged) + "\n"
    repo.git.commit("-q", "--no-verify", "-m", message)
    return repo.head.commit.hexsha, staged


def _rewrite_files(
    root: Path, paths: Iterable[str], rewrite: Callable[[str, bytes], bytes | None] | None
) -> dict[Path, bytes]:
    """Apply ``rewrite`` to each file (atomically, only if it still holds what was read);
    returns the original bytes of the files it changed."""
    from ononotes.store.vault import replace_bytes

    changed: dict[Path, bytes] = {}
    if rewrite is None:
        return changed
    for rel in paths:
        path = root / rel
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        new = rewrite(rel, data)
        if new is not None and new != data:
            replace_bytes(root, path, new, data)
            changed[path] = data
    return changed


@dataclass
class SyncOutcome:
    """What ``sync_repo`` did: the files it committed, commits pulled and pushed, the new files
    it left out (not notes), and what else it did or could not do (``notices``)."""

    committed: list[str] = field(default_factory=list)
    commit: str | None = None
    pulled: int = 0
    pushed: int = 0
    left_out: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def sync_repo(
    path: Path,
    label: str,
    refuse: Callable[[str, bytes], str | None],
    shareable: Callable[[str, bytes], bool] | None = None,
    rewrite: Callable[[str, bytes], bytes | None] | None = None,
) -> SyncOutcome:
    """Commit local changes, rebase them on the remote's commits, push; never force.

    Refuses (before committing anything) when ``refuse`` objects to a changed file, and before
    pushing when it objects to a file in a commit about to be pushed (one made by hand). A new
    file ``shareable`` rejects is left out (and listed); files already in the repository are
    committed. ``rewrite`` may change a file before it is committed (``@me`` made a slug). A
    conflict aborts the rebase: the local commits stay, nothing is pushed, the files are named.
    An unreachable remote keeps the local commit and says so. Every failure is a GitError."""
    git = _git()
    try:
        return _sync(path, label, refuse, shareable, rewrite)
    except git.GitError as exc:  # anything unforeseen: one line, never a traceback
        raise GitError(
            f"{label}: git failed ({_reason(exc)}); nothing was pushed: see git status in {path}"
        ) from None


def _sync(path: Path, label: str, refuse, shareable, rewrite) -> SyncOutcome:
    git = _git()
    repo = open_shared(path)
    refuse_stale_locks(repo, f"{label}: ", "run ono sync again")
    _refuse_busy(repo, label, path)
    try:
        branch = repo.active_branch
    except TypeError:
        raise GitError(
            f"{label}: {path} is not on a branch (detached HEAD): git switch {DEFAULT_BRANCH}"
        ) from None
    if "origin" not in [remote.name for remote in repo.remotes]:
        raise GitError(f"{label}: {path} has no remote 'origin' to sync with")
    urls = _urls(repo)
    for url in urls:
        check_remote_url(url)
    changed = changed_files(repo)
    problems = refused_files(path, changed, refuse)
    if problems:
        raise GitError(
            f"{label}: not shared, nothing committed: {'; '.join(problems)}. Move private notes "
            "to your vault's private/ folder (or out of this folder), then run ono sync again"
        )
    outcome = SyncOutcome()
    to_commit = _shared_changes(repo, path, changed, shareable, outcome)
    if to_commit:
        require_identity(repo, "run ono sync again")
    _rewrite_files(path, to_commit, rewrite)
    try:
        outcome.commit, outcome.committed = _commit_changes(repo, to_commit, "ono sync")
    except git.GitCommandError as exc:
        _restore_index(repo)
        raise GitError(
            f"{label}: git commit failed ({_reason(exc)}); nothing was committed"
        ) from None
    if not repo.head.is_valid():
        return outcome  # an empty repository and nothing to commit: nothing to exchange yet
    tracking = branch.tracking_branch()
    remote_branch = tracking.remote_head if tracking is not None else branch.name
    _integrate_and_push(repo, branch.name, remote_branch, label, refuse, outcome)
    if urls and _point_remote_head(urls[0], remote_branch):
        outcome.notices.append(f"made {remote_branch} the default branch of {urls[0]}")
    return outcome


def _shared_changes(repo, root: Path, changed: list[str], shareable, outcome) -> list[str]:
    """Of the changed files, those to commit: every file the repository has (changed or
    deleted), and the new ones ``shareable`` accepts; the others go to ``outcome.left_out``."""
    if shareable is None:
        return changed
    tracked = set(repo.git.ls_files("-z").split("\0"))
    keep = []
    for rel in changed:
        data = _worktree_data(root, rel)
        if rel in tracked or data is None or shareable(rel, data):
            keep.append(rel)
        else:
            outcome.left_out.append(rel)
    return keep


def committed_files(path: Path, suffix: str) -> dict[str, bytes]:
    """The files of the shared repository at ``path`` as its HEAD has them (path: bytes), those
    whose name ends with ``suffix``; empty for a repository with no commit."""
    git = _git()
    try:
        repo = open_shared(path)
        if not repo.head.is_valid():
            return {}
        return {
            item.path: item.data_stream.read()
            for item in repo.head.commit.tree.traverse()
            if item.type == "blob" and item.path.endswith(suffix)
        }
    except git.GitError as exc:
        raise GitError(f"cannot read {path}'s commits ({_reason(exc)})") from None


def _urls(repo) -> list[str]:
    """Every URL git would fetch from or push to for origin."""
    git = _git()
    urls = []
    for extra in ((), ("--push",)):
        with contextlib.suppress(git.GitCommandError):
            urls += repo.git.remote("get-url", "--all", *extra, "origin").splitlines()
    return urls


def _restore_index(repo) -> None:
    git = _git()
    try:
        if repo.head.is_valid():
            repo.git.reset("-q")
    except git.GitCommandError:
        pass


def _kept(outcome: SyncOutcome) -> str:
    if outcome.commit:
        return f"your changes are committed here ({outcome.commit[:7]}) and nothing is lost"
    return "nothing is lost"


def _integrate_and_push(
    repo, local_branch: str, remote_branch: str, label: str, refuse, outcome: SyncOutcome
) -> None:
    git = _git()
    upstream = f"refs/remotes/origin/{remote_branch}"
    url = display_url(repo.remote("origin").url)
    for _attempt in range(PUSH_ATTEMPTS):
        try:
            _fetch(repo)
        except git.GitCommandError as exc:
            raise GitError(
                f"{label}: cannot reach {url} ({_reason(exc)}); {_kept(outcome)}: "
                "run ono sync again when it is reachable"
            ) from None
        has_upstream = _ref_exists(repo, upstream)
        behind = _count(repo, f"HEAD..{upstream}") if has_upstream else 0
        if behind and _count(repo, f"{upstream}..HEAD"):
            _rebase(repo, upstream, label, outcome)
        elif behind:
            repo.git.merge("--ff-only", "-q", upstream)
        outcome.pulled += behind
        ahead = _count(repo, f"{upstream}..HEAD") if has_upstream else _count(repo, "HEAD")
        if not ahead:
            return
        outgoing = ["HEAD", f"^{upstream}"] if has_upstream else ["HEAD"]
        problems = refused_in_commits(repo, outgoing, refuse)
        if problems:
            raise GitError(
                f"{label}: not pushed: {'; '.join(problems[:3])}. Undo the commits not pushed "
                f"yet with git reset --soft origin/{remote_branch} (your files stay as they "
                "are), move private notes to your vault's private/ folder, then run ono sync "
                "again"
            )
        pushed = _push(repo, f"refs/heads/{local_branch}:refs/heads/{remote_branch}")
        if pushed.status == "behind":
            continue  # someone pushed in between: fetch and rebase again
        if pushed.status == "refused":
            raise GitError(
                f"{label}: {url} refused the push ({pushed.reason}); {_kept(outcome)}, nothing "
                "was pushed: run ono sync again once that is fixed on the remote"
            )
        if pushed.status == "failed":
            raise GitError(
                f"{label}: cannot push to {url} ({pushed.reason}); {_kept(outcome)}: "
                "run ono sync again"
            )
        outcome.pushed += ahead
        return
    raise GitError(
        f"{label}: {url} kept changing while ono pushed; {_kept(outcome)}: run ono sync again"
    )


def refused_in_commits(
    repo, revisions: list[str], refuse: Callable[[str, bytes], str | None]
) -> list[str]:
    """``path (commit abc1234): why`` for every file version added or changed by the commits
    ``revisions`` select (``git log`` arguments: ``HEAD ^origin/main``) that ``refuse``
    rejects: what a push of those commits would carry."""
    out = repo.git.log(
        "--raw", "--no-abbrev", "--no-renames", "-m", "-z", "--format=commit %H", *revisions, "--"
    )
    problems, seen, commit = [], set(), ""
    tokens = iter(out.split("\0"))
    for token in tokens:
        token = token.strip("\n")
        if token.startswith("commit "):
            commit = token[7:47]
        elif token.startswith(":"):
            path = next(tokens, "")
            mode, blob, status = token.split()[1], token.split()[3], token.split()[4]
            if status == "D" or mode == "160000" or (path, blob) in seen:
                continue
            seen.add((path, blob))
            data = b"" if mode == "120000" else repo.odb.stream(bytes.fromhex(blob)).read()
            why = refuse(path, data)
            if why:
                problems.append(f"{path} (commit {commit[:7]}): {why}")
    return problems


def _ref_exists(repo, ref: str) -> bool:
    git = _git()
    try:
        repo.git.rev_parse("--verify", "-q", ref)
        return True
    except git.GitCommandError:
        return False


def _count(repo, revisions: str) -> int:
    return int(repo.git.rev_list("--count", revisions))


def _rebase(repo, upstream: str, label: str, outcome: SyncOutcome) -> None:
    """Replay the local commits on the remote's; on any failure put everything back."""
    git = _git()
    require_identity(repo, "run ono sync again")  # replayed commits name their committer
    before = repo.head.commit.hexsha
    try:
        repo.git.rebase("-q", upstream)
        return
    except git.GitCommandError as exc:
        reason = _reason(exc)
    conflicted = [p for p in repo.git.diff("--name-only", "--diff-filter=U", "-z").split("\0") if p]
    _abort(repo, before)
    where = Path(repo.working_tree_dir)
    if conflicted:
        raise GitError(
            f"{label}: conflict in {', '.join(conflicted)}: both sides changed the same lines. "
            f"{_kept(outcome).capitalize()}, nothing was pushed. To resolve: cd {where} && "
            "git pull --rebase, edit the lines between <<<<<<< and >>>>>>> to keep what both of "
            "you wrote, git add those files, git rebase --continue, then run ono sync again"
        )
    raise GitError(
        f"{label}: could not combine with the remote's changes ({reason}); {_kept(outcome)}, nothing was pushed"
    )


def _abort(repo, before: str) -> None:
    """Abort a rebase or merge in progress and make sure HEAD is where it was."""
    git = _git()
    for command in ("rebase", "merge"):
        if _busy(repo) == command:
            with contextlib.suppress(git.GitCommandError):
                getattr(repo.git, command)("--abort")
    if repo.head.commit.hexsha != before or _busy(repo):
        shutil.rmtree(Path(repo.git_dir) / "rebase-merge", ignore_errors=True)
        shutil.rmtree(Path(repo.git_dir) / "rebase-apply", ignore_errors=True)
        repo.git.reset("--hard", "-q", before)


# -- the default branch of a remote ----------------------------------------------------------------


def _local_repository(remote: str) -> Path | None:
    """The folder of a remote that is a path or a file:// URL, else None."""
    if remote.startswith("file://"):
        from urllib.parse import unquote, urlsplit

        return Path(unquote(urlsplit(remote).path))
    if local_path_made_absolute(remote) == remote and Path(remote).is_absolute():
        return Path(remote)
    return None


def _point_remote_head(remote: str, branch: str) -> bool:
    """Make ``branch`` the default branch (HEAD) of ``remote`` when it is a bare repository on
    this machine whose HEAD names a branch that does not exist (stock ``git init --bare``
    names ``master``): what ``git clone`` checks out. True when it changed it."""
    git = _git()
    folder = _local_repository(remote)
    if folder is None or not (folder / "HEAD").is_file():
        return False
    try:
        bare = _harden(git.Repo(folder))
        if not bare.bare or bare.head.is_valid() or not _ref_exists(bare, f"refs/heads/{branch}"):
            return False
        bare.git.symbolic_ref("HEAD", f"refs/heads/{branch}")
        return True
    except (git.GitError, OSError, ValueError):
        return False


def _config_args(options: Iterable[str]) -> list[str]:
    """``-c name=value`` for each option, for a git command run without a repository."""
    return [word for option in options for word in ("-c", option)]


def _advertised_head(remote: str) -> str | None:
    """The branch an empty remote's HEAD names, as it tells a cloning git (protocol v2, git
    2.31 and later on both sides), or None when it does not say."""
    git = _git()
    unknown = "ono-head-not-advertised"
    with tempfile.TemporaryDirectory(prefix="ono-probe-") as temp:
        options = [*HARDENING, f"init.defaultBranch={unknown}"]
        try:
            git.Git(temp).execute(
                ["git", *_config_args(options), "clone", "--bare", "-q", UPLOAD_PACK]
                + ["--", remote, str(Path(temp, "probe"))]
            )
            head = Path(temp, "probe", "HEAD").read_text(encoding="utf-8").strip()
        except (git.GitError, OSError):
            return None
    name = head.removeprefix("ref: refs/heads/")
    return None if name in (head, unknown) else name


def _branch_for(remote: str, heads: list[str]) -> str:
    """The branch to share through ``remote``, which has ``heads``: ``main``, unless it is an
    empty repository elsewhere whose HEAD names another branch (which a clone would check
    out, and which ono cannot change there)."""
    if heads or _local_repository(remote) is not None:
        return DEFAULT_BRANCH
    return _advertised_head(remote) or DEFAULT_BRANCH


def _default_branch_warning(repo, remote: str, branch: str) -> str | None:
    """After the first push: a warning when ``remote``'s HEAD does not name ``branch`` (and
    ono could not make it), since a plain ``git clone`` would then check out nothing."""
    git = _git()
    if _point_remote_head(remote, branch):
        return None
    try:
        # GitPython guards ls-remote's --upload-pack against a caller's value; this is git's own
        said = repo.git.ls_remote(
            "--symref", UPLOAD_PACK, "origin", "HEAD", allow_unsafe_options=True
        )
    except git.GitCommandError:
        said = ""
    if f"ref: refs/heads/{branch}\tHEAD" in said:
        return None
    return (
        f"the default branch (HEAD) of {display_url(remote)} is not {branch}, so a plain git "
        f"clone checks out nothing: make {branch} its default branch (in the host's settings; "
        f"on the server: git --git-dir=PATH symbolic-ref HEAD refs/heads/{branch}), or clone "
        f"with ono clone, or git clone -b {branch}"
    )


# -- share: a person folder becomes a repository of its own ---------------------------------------


@dataclass
class ShareOutcome:
    """What ``share_folder`` did: commits pushed, history carried, file versions left out of the
    history, the branch shared, current files left out (not shareable) and warnings."""

    pushed: int = 0
    history: int = 0
    dropped: list[str] = field(default_factory=list)
    branch: str = DEFAULT_BRANCH
    left_out: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def share_folder(
    folder: Path,
    remote: str,
    refuse: Callable[[str, bytes], str | None],
    keep: Callable[[str, bytes], bool],
    new_files: dict[str, str],
    label: str,
    shareable: Callable[[str, bytes], bool] | None = None,
    rewrite: Callable[[str, bytes], bytes | None] | None = None,
    hooks: dict[str, str] | None = None,
) -> ShareOutcome:
    """Make ``folder`` a repository of its own whose origin is ``remote``, carrying the history
    its files have in the enclosing vault repository (file versions ``keep`` rejects are left
    out), commit its current files (those ``shareable`` accepts, after ``rewrite``) plus
    ``new_files``, push the shared branch with upstream set, make it the remote's default branch,
    and make the vault stop tracking the folder. ``hooks`` (name: script) are installed in the
    new repository, for plain git. Refuses first when ``refuse`` objects to a current file. Any
    failure before the push puts everything back as it was."""
    git = _git()
    check_remote_url(remote)
    vault = _enclosing_repo(folder)
    prefix = None  # the folder's path in the vault's repository, when the vault is in one
    again = f"run ono share {label} again"
    if vault is not None:
        prefix = Path(os.path.relpath(folder, vault.working_tree_dir)).as_posix()
        _harden(vault)
        refuse_stale_locks(vault, f"{label}: ", again)
        _refuse_busy(vault, label, Path(vault.working_tree_dir))
        staged = _staged(vault)
        outside = [p for p in staged if not p.startswith(prefix + "/")]
        if outside:
            raise UsageError(
                f"the vault has staged changes ({', '.join(outside[:3])}): commit or unstage them "
                f"first, then {again}"
            )
    current = _files_to_commit(vault, prefix, folder)
    problems = refused_files(folder, current, refuse)
    if problems:
        raise UsageError(
            f"not shared: {'; '.join(f'{label}/{p}' for p in problems)}. Move private notes to "
            "your vault's private folder (ono new --private makes one per meeting), then " + again
        )
    outcome = ShareOutcome()
    if shareable is not None:
        outcome.left_out = [
            rel for rel in current if not shareable(rel, _worktree_data(folder, rel) or b"")
        ]
        current = [rel for rel in current if rel not in outcome.left_out]
    written: dict[Path, bytes | None] = {}
    created = False
    temp_ref = f"refs/ono/share/{label}"
    try:
        repo = _harden(git.Repo.init(folder, initial_branch=DEFAULT_BRANCH))
        created = True
        require_identity(repo, again)
        for name, script in (hooks or {}).items():
            notice = install_hook(folder, name, script)
            outcome.warnings += [notice] if notice else []
        heads = _add_origin(repo, remote, "nothing was changed")
        branch = outcome.branch = _branch_for(remote, heads)
        repo.git.symbolic_ref("HEAD", f"refs/heads/{branch}")
        head = None
        if vault is not None and vault.head.is_valid():
            assert prefix is not None  # set above whenever there is a vault repository
            head, outcome.dropped = split_history(vault, prefix, keep, label)
        if head is not None:
            vault.git.update_ref(temp_ref, head)
            repo.git.fetch("-q", "--no-tags", "--", vault.git_dir, f"{temp_ref}:refs/ono/import")
            repo.git.update_ref(f"refs/heads/{branch}", "refs/ono/import")
            repo.git.update_ref("-d", "refs/ono/import")
            repo.git.read_tree("HEAD")
            outcome.history = _count(repo, "HEAD")
        upstream = f"origin/{branch}"
        if heads and not (head and branch in heads and repo.is_ancestor(upstream, branch)):
            raise UsageError(
                f"{display_url(remote)} already has commits (branch {', '.join(heads)}) that are "
                f"not {label}'s notes: ono share needs an empty repository — create one without "
                "a README or licence (or delete its branches), then run ono share again"
            )
        written.update(_rewrite_files(folder, current, rewrite))
        for name, text in new_files.items():
            written.update(_write_new(folder / name, text))
        _commit_changes(repo, current + list(new_files), f"ono share {label}")
        before = _count(repo, f"{upstream}..HEAD") if branch in heads else _count(repo, "HEAD")
        pushed = _push(repo, f"refs/heads/{branch}:refs/heads/{branch}", upstream=True)
        if pushed.status != "ok":
            verb = "refused the push" if pushed.status == "refused" else "cannot be pushed to"
            reason = pushed.reason or "rejected"
            raise GitError(f"{display_url(remote)} {verb} ({reason}); nothing was changed: {again}")
        outcome.pushed = before
    except (git.GitError, OSError) as exc:
        _undo_share(folder, written, created)
        raise GitError(f"ono share {label} failed ({_reason(exc)}); nothing was changed") from None
    except BaseException:
        _undo_share(folder, written, created)
        raise
    finally:
        if vault is not None and _ref_exists(vault, temp_ref):
            vault.git.update_ref("-d", temp_ref)
    warning = _default_branch_warning(repo, remote, branch)
    outcome.warnings += [warning] if warning else []
    if vault is not None:
        assert prefix is not None  # set above whenever there is a vault repository
        _stop_tracking(vault, prefix, label, remote)
    return outcome


def _enclosing_repo(folder: Path):
    """The vault repository that holds ``folder``, or None when the vault is not in git."""
    git = _git()
    try:
        return git.Repo(folder.parent, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def _staged(repo) -> list[str]:
    if not repo.head.is_valid():
        return [p for p in repo.git.ls_files("-z").split("\0") if p]
    return [p for p in repo.git.diff("--cached", "--name-only", "-z").split("\0") if p]


def _files_to_commit(vault, prefix: str | None, folder: Path) -> list[str]:
    """The folder's files the vault tracks or would track (not ignored), relative to it."""
    if vault is None:
        found = []
        for dirpath, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            found += [
                Path(os.path.relpath(Path(dirpath, name), folder)).as_posix() for name in files
            ]
        return sorted(found)
    assert prefix is not None  # share_folder passes one with the vault repository
    listed = vault.git.ls_files("-z", "--cached", "--others", "--exclude-standard", "--", prefix)
    return sorted({p[len(prefix) + 1 :] for p in listed.split("\0") if p.startswith(prefix + "/")})


def _write_new(path: Path, text: str) -> dict[Path, bytes | None]:
    """Create ``path``, or append the lines it lacks (a .gitignore); returns what to restore."""
    from ononotes.store.vault import create_file, replace_file

    if not path.exists():
        create_file(path.parent, path, text)
        return {path: None}
    original = path.read_bytes()
    have = set(original.decode("utf-8", "replace").splitlines())
    missing = [line for line in text.splitlines() if line and line not in have]
    if missing:
        joiner = "" if original.endswith(b"\n") or not original else "\n"
        replace_file(
            path.parent,
            path,
            original.decode("utf-8", "replace") + joiner + "\n".join(missing) + "\n",
            original,
        )
    return {path: original}


def _undo_share(folder: Path, written: dict[Path, bytes | None], created: bool) -> None:
    if created:
        shutil.rmtree(folder / ".git", ignore_errors=True)
    for path, original in written.items():
        if original is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(original)


def _stop_tracking(vault, prefix: str, label: str, remote: str) -> None:
    """The vault forgets the folder: ``git rm --cached -r`` plus a .gitignore line, committed."""
    git = _git()
    root = Path(vault.working_tree_dir)
    ignore = root / ".gitignore"
    entry = f"/{prefix}/"
    written: dict[Path, bytes | None] = {}
    try:
        written = _write_new(
            ignore, f"# shared with {label} through its own repository (ono share)\n{entry}\n"
        )
        vault.git.rm("-r", "-q", "--cached", "--ignore-unmatch", "--", prefix)
        vault.git.add("--", ".gitignore")
        vault.git.commit(
            "-q",
            "--no-verify",
            "-m",
            f"ono share {label}: {prefix}/ moves to its own repository ({display_url(remote)})",
        )
    except (git.GitCommandError, OSError) as exc:
        with contextlib.suppress(git.GitCommandError):  # put the vault back as it was
            vault.git.reset("-q", "--", prefix, ".gitignore")
        _undo_share(root, written, created=False)
        raise GitError(
            f"{label} is shared and pushed, but the vault could not stop tracking {prefix}/ "
            f"({_reason(exc)}): run git rm -r --cached {prefix}, add {entry} to .gitignore and commit"
        ) from None


# -- history: a folder's commits as commits of its own ------------------------------------------


def split_history(
    repo, prefix: str, keep: Callable[[str, bytes], bool], label: str
) -> tuple[str | None, list[str]]:
    """Replay the commits of HEAD that changed ``prefix`` as commits whose tree is that folder
    alone (what ``git subtree split`` does), keeping authors and dates. File versions ``keep``
    rejects are left out of the trees; a commit that also changed files outside the folder keeps
    its author but not its message (which may be about them). Returns the new head and the
    paths left out; the commits are written to ``repo``'s object store, unreferenced."""
    mapped: dict[str, str | None] = {}
    tree_of: dict[str, str] = {}
    trees: dict[tuple[str, str], str] = {}
    dropped: set[str] = set()
    for commit in repo.iter_commits("HEAD", topo_order=True, reverse=True):
        try:
            folder = commit.tree / prefix
        except KeyError:
            folder = None
        tree = None
        if folder is not None and folder.type == "tree":
            tree = _filter_tree(repo, folder, "", keep, trees, dropped)
        parents = list(
            dict.fromkeys(replayed for p in commit.parents if (replayed := mapped.get(p.hexsha)))
        )
        if len(parents) > 1:
            parents = [
                p for p in parents if not any(o != p and repo.is_ancestor(p, o) for o in parents)
            ]
        if tree is None or (len(parents) == 1 and tree_of[parents[0]] == tree):
            mapped[commit.hexsha] = parents[0] if parents else None
            continue
        message = commit.message
        if not _only_touches(repo, commit, prefix):
            message = f"{label}'s notes (this vault commit also changed other files; its message is not shared)\n"
        new = _commit_tree(repo, tree, parents, commit, message)
        mapped[commit.hexsha] = new
        tree_of[new] = tree
    return mapped.get(repo.head.commit.hexsha), sorted(dropped)


def _filter_tree(repo, tree, base: str, keep, cache: dict, dropped: set[str]) -> str:
    key = (base, tree.hexsha)
    if key in cache:
        return cache[key]
    entries, changed = [], False
    for item in tree:
        path = f"{base}{item.name}"
        if item.type == "tree":
            sha = _filter_tree(repo, item, path + "/", keep, cache, dropped)
            changed |= sha != item.hexsha
            entries.append((bytes.fromhex(sha), item.mode, item.name))
        elif item.type == "blob" and not keep(path, item.data_stream.read()):
            changed = True
            dropped.add(path)
        else:
            entries.append((item.binsha, item.mode, item.name))
    cache[key] = _write_tree(repo, entries) if changed else tree.hexsha
    return cache[key]


def _write_tree(repo, entries) -> str:
    from io import BytesIO

    from git.objects.fun import tree_to_stream
    from gitdb.base import IStream

    buffer = BytesIO()
    tree_to_stream(entries, buffer.write)
    data = buffer.getvalue()
    return repo.odb.store(IStream(b"tree", len(data), BytesIO(data))).binsha.hex()


def _only_touches(repo, commit, prefix: str) -> bool:
    if len(commit.parents) > 1:
        return False
    names = repo.git.diff_tree("--no-commit-id", "--root", "-r", "--name-only", "-z", commit.hexsha)
    return all(name.startswith(prefix + "/") for name in names.split("\0") if name)


def _commit_tree(repo, tree: str, parents: list[str], commit, message: str) -> str:
    from git.objects.util import altz_to_utctz_str

    env = {
        "GIT_AUTHOR_NAME": commit.author.name or "unknown",
        "GIT_AUTHOR_EMAIL": commit.author.email or "",
        "GIT_AUTHOR_DATE": f"@{commit.authored_date} {altz_to_utctz_str(commit.author_tz_offset)}",
        "GIT_COMMITTER_NAME": commit.committer.name or "unknown",
        "GIT_COMMITTER_EMAIL": commit.committer.email or "",
        "GIT_COMMITTER_DATE": f"@{commit.committed_date} {altz_to_utctz_str(commit.committer_tz_offset)}",
    }
    arguments = [tree]
    for parent in parents:
        arguments += ["-p", parent]
    with tempfile.TemporaryFile() as stdin:
        stdin.write(message.encode("utf-8"))
        stdin.seek(0)
        return repo.git.commit_tree(*arguments, istream=stdin, env=env).strip()


# -- handover: one person's notes for their new manager ------------------------------------------


@dataclass
class HandoverOutcome:
    """What ``push_handover`` pushed: the commits on the new ``main``, shared history included."""

    history: int = 0
    pushed: int = 0
    warnings: list[str] = field(default_factory=list)


def origin_url(path: Path) -> str | None:
    """The URL, without credentials, that the repository at ``path`` shares through (its
    origin), or None."""
    git = _git()
    try:
        return display_url(git.Repo(path).remote("origin").url)
    except (git.GitError, ValueError, OSError):
        return None


def push_handover(
    remote: str,
    files: dict[str, bytes],
    label: str,
    refuse: Callable[[str, bytes], str | None],
    source: Path | None = None,
    message: str = "ono handover",
) -> HandoverOutcome:
    """Push ``main`` to the empty repository ``remote``: the history of the shared repository
    ``source`` with ``files`` added in one commit on top, or (no ``source``) one commit holding
    just ``files``. Refuses before pushing anything when ``source`` has changes not committed, when
    ``refuse`` objects to any file version in its history, or when ``remote`` has commits. The
    work happens in a temporary repository: nothing local changes, and a failure pushes nothing."""
    git = _git()
    check_remote_url(remote)
    outcome = HandoverOutcome()
    with tempfile.TemporaryDirectory(prefix="ono-handover-") as temp:
        try:
            repo = _harden(git.Repo.init(Path(temp), initial_branch="main"))
            if source is not None:
                _import_shared_history(repo, source, label, refuse)
            for name, data in files.items():
                path = Path(temp, name)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            repo.git.add("-f", "--", *files)
            require_identity(repo, f"run ono handover {label} again")
            repo.git.commit("-q", "--no-verify", "-m", message)
            heads = _add_origin(repo, remote, "nothing was pushed")
            if heads:
                raise UsageError(
                    f"{display_url(remote)} already has commits (branch {', '.join(heads)}): "
                    "ono handover needs an empty repository; nothing was pushed"
                )
            outcome.history = _count(repo, "HEAD")
            branch = _branch_for(remote, heads)
            pushed = _push(repo, f"refs/heads/{DEFAULT_BRANCH}:refs/heads/{branch}")
            if pushed.status != "ok":
                raise GitError(
                    f"{display_url(remote)} did not take the push ({pushed.reason or 'rejected'})"
                )
            outcome.pushed = outcome.history
            warning = _default_branch_warning(repo, remote, branch)
            outcome.warnings += [warning] if warning else []
        except (git.GitError, OSError) as exc:
            raise GitError(
                f"ono handover {label} failed ({_reason(exc)}); nothing was pushed"
            ) from None
    return outcome


def _import_shared_history(repo, source: Path, label: str, refuse) -> None:
    """Bring the shared repository's HEAD into ``repo`` as ``main`` (index included), after
    checking it is clean and that ``refuse`` passes every file version it ever held."""
    shared = open_shared(source)
    _refuse_busy(shared, label, source)
    pending = changed_files(shared)
    if pending:
        raise UsageError(
            f"{label}/ has changes not shared yet ({', '.join(pending[:3])}): run ono sync "
            f"{label} first, then ono handover again"
        )
    if not shared.head.is_valid():
        return
    problems, seen = [], set()
    for sha in shared.git.rev_list("HEAD").split():
        for item in shared.commit(sha).tree.traverse():
            if item.type != "blob" or (item.path, item.hexsha) in seen:
                continue
            seen.add((item.path, item.hexsha))
            why = refuse(item.path, item.data_stream.read())
            if why:
                problems.append(f"{item.path} (commit {sha[:7]}): {why}")
    if problems:
        raise UsageError(
            f"not handed over: {label}'s shared history holds {'; '.join(problems[:3])}"
            + (f" and {len(problems) - 3} more" if len(problems) > 3 else "")
        )
    repo.git.fetch("-q", "--no-tags", "--", shared.git_dir, "HEAD:refs/ono/import")
    repo.git.update_ref("refs/heads/main", "refs/ono/import")
    repo.git.update_ref("-d", "refs/ono/import")
    repo.git.read_tree("HEAD")


def local_path_made_absolute(remote: str) -> str:
    """A remote that is a local path, made absolute: git would otherwise read a relative one from
    inside the person's folder. URLs and ``host:path`` are left as they are (git's own rule: a
    colon before any slash makes ``host:path``)."""
    colon, slash = remote.find(":"), remote.find("/")
    if "://" in remote or (colon > 0 and (slash < 0 or colon < slash)):
        return remote
    return os.path.abspath(os.path.expanduser(remote))


def autocommit(root: Path, config: Config, paths: list[Path], message: str) -> None:
    """Commit what a command wrote, when ``autocommit = true`` in ono.toml. Files outside the
    vault (a private note of a shared folder's meeting, kept in the vault that holds it) are not
    its to commit. When the commit fails the GitError names the files written, which are kept."""
    if not config.autocommit:
        return
    inside = [relative(root, p) for p in paths if p.resolve().is_relative_to(root.resolve())]
    try:
        commit_paths(root, inside, message)
    except GitError as exc:
        raise GitError(
            f"wrote {', '.join(inside)} but did not commit it: {exc.message}", exc.path, exc.line
        ) from None


# -- the guard installed in shared repositories, and the report's clone ----------------------------


def install_hook(path: Path, name: str, script: str, marker: str = HOOK_MARKER) -> str | None:
    """Write the hook ``name`` of the repository at ``path`` (executable), replacing an earlier
    one that holds ``marker`` (ono's own); None when it is in place, else why it is not (a hook
    of someone else's is never replaced, and git runs none from .git/hooks when core.hooksPath
    points elsewhere)."""
    from ononotes.store.vault import write_atomically

    git = _git()
    repo = git.Repo(path)  # not hardened: what plain git would do is the question
    hook = Path(repo.git_dir) / "hooks" / name
    elsewhere = ""
    with contextlib.suppress(git.GitCommandError):
        elsewhere = repo.git.config("--get", "core.hooksPath")
    if elsewhere:
        return (
            f"core.hooksPath is set ({elsewhere}), so git does not run .git/hooks/{name} "
            "where ono's push guard is"
        )
    existing = hook.read_text(encoding="utf-8", errors="replace") if hook.is_file() else None
    if existing is not None and marker not in existing:
        return f"{hook} is not ono's: it is left as it is, and ono's push guard is not installed"
    if existing != script:
        hook.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(hook, script)
    if not os.access(hook, os.X_OK):
        hook.chmod(hook.stat().st_mode | 0o111)
    return None


def refused_in_push(
    path: Path, remote: str, updates: Iterable[str], refuse: Callable[[str, bytes], str | None]
) -> list[str]:
    """For a pre-push hook: ``refused_in_commits`` over what a push carries. ``updates`` are the
    lines git gives the hook (``<local ref> <local sha> <remote ref> <remote sha>``); what the
    remote has (its sha, and ``remote``'s tracking branches) is not looked at again."""
    git = _git()
    repo = git.Repo(path, search_parent_directories=True)
    revisions: list[str] = []
    for line in updates:
        words = line.split()
        if len(words) != 4 or words[1] == ZERO_SHA:
            continue  # a branch deleted carries nothing
        revisions.append(words[1])
        if words[3] != ZERO_SHA and _ref_exists(repo, f"{words[3]}^{{commit}}"):
            revisions.append(f"^{words[3]}")
    if not revisions:
        return []
    if remote in [r.name for r in repo.remotes]:
        revisions += ["--not", f"--remotes={remote}"]
    return refused_in_commits(repo, revisions, refuse)


def branches_of_empty_clone(path: Path) -> list[str] | None:
    """When ``path`` is the top of a git clone that checked out nothing (its HEAD names a
    branch that does not exist) while its origin has branches: those branches; else None."""
    git = _git()
    try:
        repo = git.Repo(path)
        if repo.bare or repo.head.is_valid() or Path(repo.working_tree_dir) != path.resolve():
            return None
        heads = [r.remote_head for r in repo.remote("origin").refs if r.remote_head != "HEAD"]
    except (git.GitError, ValueError, OSError):
        return None
    return heads or None


def clone_shared(remote: str, dest: Path) -> str:
    """Clone the shared repository ``remote`` into ``dest`` (new, or an empty folder) with no
    hook and no upload-pack command run, and check out its shared branch even when the remote's
    HEAD names a branch that does not exist (the branch ``main``, else its only branch). Returns
    that branch; a GitError (and ``dest`` as it was) when it cannot."""
    git = _git()
    check_remote_url(remote)
    existed = dest.exists()
    if existed and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"{dest} already exists and is not an empty folder")
    try:
        git.Git().execute(
            ["git", *_config_args(HARDENING), "clone", "-q", "--no-checkout", UPLOAD_PACK]
            + ["--", remote, str(dest)]
        )
        repo = _harden(git.Repo(dest))
        heads = [ref.remote_head for ref in repo.remote("origin").refs if ref.remote_head != "HEAD"]
        if repo.head.is_valid():
            branch = repo.active_branch.name
        elif DEFAULT_BRANCH in heads or len(heads) != 1:
            branch = DEFAULT_BRANCH
        else:
            branch = heads[0]
        if branch not in heads:
            raise GitError(
                f"{display_url(remote)} has no branch {branch} to check out"
                + (f" (it has {', '.join(heads)})" if heads else ": it is empty")
            )
        repo.git.checkout("-q", "-B", branch, "--track", f"origin/{branch}")
        return branch
    except (git.GitError, GitError, OSError) as exc:
        shutil.rmtree(dest, ignore_errors=True)
        if existed:
            dest.mkdir()
        reason = exc.message if isinstance(exc, GitError) else _reason(exc)
        raise GitError(f"cannot clone {display_url(remote)} ({reason}); nothing was made") from None
