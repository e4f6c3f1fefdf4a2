"""``ono watch``: keep the dashboard current while people edit. The only module that imports
watchdog.

Events are filtered (git internals, generated output, editors' swap, backup, lock and probe
files), debounced, and turned into one call of ``rebuild``; a failing rebuild is reported and
the watch goes on.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DEBOUNCE_SECONDS = 1.0
# vim: .swp/.swo/.swx and the 4913 write probe; emacs: .#lock and #autosave#; ~ backups; our
# own and other tools' temporary files
EDITOR_NOISE_RE = re.compile(r"(^\.#|^#.*#$|~$|\.sw[a-p]$|^4913$|\.tmp$|\.part$|\.crdownload$)")


def is_relevant(path: str, root: Path, outputs: frozenset[Path]) -> bool:
    """Whether a change to ``path`` can change the dashboard: a visible note or ono.toml."""
    candidate = Path(path)
    if candidate in outputs:
        return False
    try:
        parts = candidate.relative_to(root).parts
    except ValueError:
        return False
    if not parts or any(part.startswith(".") for part in parts):
        return False  # .git, .ono, hidden temp files (ours are .name.xxx.tmp)
    name = parts[-1]
    if EDITOR_NOISE_RE.search(name):
        return False
    return name.endswith(".md") or name == "ono.toml"


@dataclass
class Debouncer:
    """Calls ``action`` once, ``delay`` seconds after the last of a burst of ``poke`` calls."""

    delay: float
    action: Callable[[], None]
    _timer: threading.Timer | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def poke(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.delay, self.action)
            self._timer.daemon = True
            self._timer.start()

    def cancel(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()


def _handler(root: Path, outputs: frozenset[Path], on_change: Callable[[], None]):
    from watchdog.events import FileSystemEventHandler

    class NoteChanges(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return
            paths = [event.src_path, getattr(event, "dest_path", "") or ""]
            if any(p and is_relevant(str(p), root, outputs) for p in paths):
                on_change()

    return NoteChanges()


def watch(
    root: Path,
    rebuild: Callable[[], None],
    report: Callable[[str], None],
    outputs: frozenset[Path] = frozenset(),
    poll: bool = False,
    debounce: float = DEBOUNCE_SECONDS,
    commit: Callable[[], None] | None = None,
    commit_quiet: float = 30.0,
    stop: threading.Event | None = None,
) -> None:
    """Rebuild now, then after every burst of relevant changes, until ``stop`` is set or Ctrl-C.

    ``report`` gets one line per event worth telling (a rebuild, an error); ``commit``, when
    given, runs after ``commit_quiet`` seconds without changes.
    """
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    stop = stop or threading.Event()

    def safely(action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                action()
            except Exception as exc:  # a broken note or a failing write must not end the watch
                report(f"error: {exc}")

        return run

    rebuilder = Debouncer(debounce, safely(rebuild))
    committer = Debouncer(commit_quiet, safely(commit)) if commit else None

    def changed() -> None:
        rebuilder.poke()
        if committer:
            committer.poke()

    observer = PollingObserver(timeout=1) if poll else Observer()
    observer.schedule(_handler(root, outputs, changed), str(root), recursive=True)
    observer.start()
    safely(rebuild)()  # after the observer starts, so no change made meanwhile is missed
    try:
        while not stop.wait(0.2):
            if not observer.is_alive():
                report("error: the file watcher stopped; try --poll")
                break
    except KeyboardInterrupt:
        pass
    finally:
        rebuilder.cancel()
        if committer:
            committer.cancel()
        observer.stop()
        observer.join(timeout=5)
