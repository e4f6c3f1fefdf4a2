"""The parse cache is an optimisation only: delete it, corrupt it or edit files behind its back
and every answer is the same, byte for byte (issue 6)."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
from pathlib import Path

import pytest

from ononotes.cache import ParseCache, SavedFolder
from ononotes.vault import load_vault, parse_fingerprint

GENERATOR = Path(__file__).resolve().parents[1] / "benchmarks" / "make_vault.py"
COMMANDS = [
    ("report", "--format", "json"),
    ("report", "actions", "--format", "csv", "--items"),
    ("export",),
    ("todo",),
    ("list",),
    ("check",),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("make_vault", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = tmp_path_factory.mktemp("generated") / "vault"
    module.make_vault(root, people=6, weeks=20, seed=7)
    return root


def answers(run, vault: Path) -> list[tuple[int, str, str]]:
    results = []
    for command in COMMANDS:
        result = run(vault, *command, today="2025-04-01")
        results.append((result.exit_code, result.stdout, result.stderr))
    return results


def cold_answers(run, vault: Path, monkeypatch, tmp_path: Path, name: str):
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / name))
    return answers(run, vault)


def test_warm_corrupt_and_deleted_caches_give_the_same_answers(
    generated, run, monkeypatch, tmp_path
):
    cold = cold_answers(run, generated, monkeypatch, tmp_path, "first")
    assert all(code in (0, 1) for code, _, _ in cold)
    assert answers(run, generated) == cold  # warm: every file from the cache
    cache = ParseCache(generated, parse_fingerprint(load_vault(generated, use_cache=False).config))
    folders, missing = cache.index(cache.folders())
    assert cache.path.exists() and sum(map(len, folders.values())) > 100 and not missing
    cache.close()
    # corrupt rows: payloads that do not unpickle, and a stamp that lies
    db = sqlite3.connect(cache.path)
    db.execute("UPDATE files SET payload = x'00ff00' WHERE rowid % 3 = 0")
    db.commit()
    assert answers(run, generated) == cold
    # damaged index blobs
    db.execute("UPDATE folders SET data = x'fa0011' WHERE rowid % 2 = 0")
    db.commit()
    db.close()
    assert answers(run, generated) == cold
    # a corrupt file
    cache.path.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{cache.path}{suffix}").unlink(missing_ok=True)
    assert answers(run, generated) == cold
    # deleted
    cache.path.unlink()
    assert answers(run, generated) == cold


def test_an_edit_behind_the_caches_back_is_seen(generated, run, monkeypatch, tmp_path):
    answers(run, generated)  # warm the cache
    note = sorted(generated.glob("person-001/*.md"))[5]
    before = note.stat()
    text = note.read_bytes()
    assert b"- [ ]" in text
    # same size, same mtime: only the content (and so ctime) changes
    note.write_bytes(text.replace(b"- [ ]", b"- [x]", 1))
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert note.stat().st_size == before.st_size and note.stat().st_mtime_ns == before.st_mtime_ns
    try:
        warm = answers(run, generated)
        assert warm == cold_answers(run, generated, monkeypatch, tmp_path, "after-edit")
    finally:
        note.write_bytes(text)


def test_a_new_and_a_deleted_note_are_seen(generated, run):
    answers(run, generated)
    extra = generated / "person-002" / "2025-03-30.md"
    extra.write_text("---\ndate: 2025-03-30\n---\n- [ ] @person-002 brand new item\n")
    try:
        assert "brand new item" in run(generated, "todo", today="2025-04-01").stdout
    finally:
        extra.unlink()
    assert "brand new item" not in run(generated, "todo", today="2025-04-01").stdout


def test_a_cache_folder_that_cannot_be_written_is_no_error(generated, run, monkeypatch, tmp_path):
    expected = cold_answers(run, generated, monkeypatch, tmp_path, "fine")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("ONO_CACHE_DIR", str(blocked))
    assert answers(run, generated) == expected


def test_a_cache_another_ono_is_writing_is_left_alone(generated, run):
    """A locked cache (ono watch writing it, say) turns the cache off for this run: same answer,
    and the other process's file is not deleted from under it."""
    expected = answers(run, generated)
    cache = ParseCache(generated, parse_fingerprint(load_vault(generated, use_cache=False).config))
    path = cache.path
    cache.close()
    other = sqlite3.connect(path, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    try:
        (generated / "person-003" / "2025-03-31.md").write_text(
            "---\ndate: 2025-03-31\n---\n- [ ] new\n"
        )
        with_lock = answers(run, generated)
    finally:
        other.rollback()
        other.close()
        (generated / "person-003" / "2025-03-31.md").unlink()
    assert path.exists()
    assert [code for code, _, _ in with_lock] == [code for code, _, _ in expected]
    assert "new" in with_lock[3][1]  # todo saw the note written while the cache was locked
    assert answers(run, generated) == expected


def test_a_note_pickles_to_itself_with_its_lines_as_one_string():
    import pickle

    from ononotes.parse import parse_note

    for text in ("---\ndate: 2026-11-10\n---\n\n- [ ] a\n\n", "---\r\ndate: 2026-11-10\r\n---"):
        note, _ = parse_note(text, "alice/x.md", "alice")
        copy = pickle.loads(pickle.dumps(note, protocol=pickle.HIGHEST_PROTOCOL))
        assert copy == note and copy.lines == note.lines and copy.meta == note.meta


def test_parallel_parsing_gives_the_serial_answers(generated, run, monkeypatch, tmp_path):
    """Cold runs parse in worker processes from PARALLEL_FROM files on, and a report then
    takes each person's results from the worker that parsed their notes (their notes are
    parsed again, and cached, only when a later command asks for them). Lowered here so the
    small generated vault takes that path, with one person's notes in two folders, so that
    no single worker sees all of them."""
    import shutil

    import ononotes.vault

    vault = tmp_path / "vault"
    shutil.copytree(generated, vault)
    stray = vault / "person-001" / "2025-03-03-2.md"
    stray.write_text(
        "---\nperson: person-002\ndate: 2025-03-03\n---\n## Action items\n"
        "- [ ] @person-002 filed in the wrong folder due:2025-03-10\n"
    )
    import concurrent.futures

    serial = cold_answers(run, vault, monkeypatch, tmp_path, "serial")
    monkeypatch.setattr(ononotes.vault, "PARALLEL_FROM", 10)
    assert os.cpu_count() and os.cpu_count() >= 2  # else parse_files stays serial
    pools = []  # forked workers (forking.map_forked), or a process pool where forking is unsafe

    class CountedPool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **options):
            pools.append(1)
            super().__init__(*args, **options)

    real_start = ononotes.forking._Worker.start.__func__

    def counted_start(cls, *args):
        worker = real_start(cls, *args)
        pools.append(worker)
        return worker

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountedPool)
    monkeypatch.setattr(ononotes.forking._Worker, "start", classmethod(counted_start))
    assert cold_answers(run, vault, monkeypatch, tmp_path, "parallel") == serial
    assert pools and all(pools)  # the workers did parse
    assert answers(run, vault) == serial  # warm, after each command filled in what it needed
    assert "filed in the wrong folder" in serial[1][1]


def test_slot_builders_build_what_the_constructors_build():
    import datetime as dt

    from ononotes.model import Heading, Item, Note, build_heading, build_item, build_note

    item_fields = (3, 5, 2, "x", "send it", "alice", dt.date(2026, 11, 17), None, None, "k", "s", 1)
    assert build_item(*item_fields) == Item(*item_fields)
    assert repr(build_item(*item_fields)) == repr(Item(*item_fields))
    assert build_heading(0, 2, "Notes") == Heading(0, 2, "Notes")
    note_fields = ("a/x.md", "alice", dt.date(2026, 11, 10), "1:1", None, 4, 30, ("t",))
    rest = (("---", "date: 2026-11-10", "---"), 3, (Item(*item_fields),), (), (), {"mood": 4})
    built, made = build_note(*note_fields, *rest), Note(*note_fields, *rest)
    assert built == made and built.meta == made.meta and hash(built) == hash(made)
    with pytest.raises(AttributeError):  # still frozen
        built.person = "bob"


def test_a_report_takes_each_persons_results_from_the_worker_that_parsed_them(
    generated, monkeypatch, tmp_path
):
    """The mechanism behind the test above: the workers summarise each person; a person whose
    notes two workers shared gets no summary (and is decoded instead); no plain note comes
    back pickled."""
    import datetime as dt
    import shutil

    import ononotes.vault
    from ononotes.reporting import PersonResults, make_window
    from ononotes.vault import index_vault, load_config

    vault = tmp_path / "vault"
    shutil.copytree(generated, vault)
    (vault / "person-001" / "2025-03-03-2.md").write_text(
        "---\nperson: person-002\ndate: 2025-03-03\n---\n- [ ] @person-002 strayed\n"
    )
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(ononotes.vault, "PARALLEL_FROM", 10)

    def two_chunks(groups, sizes, size):  # files (or folders, on a cold run) in two chunks
        items = [item for group in groups for item in group]
        theirs = [
            i for i in items if getattr(i, "rel", i[0]).startswith(("person-002", "person-003"))
        ]
        return [[i for i in items if i not in theirs], theirs]

    monkeypatch.setattr(ononotes.vault, "_pack", two_chunks)
    config = load_config(vault)
    window = make_window(dt.date(2025, 4, 1), None, None, None)
    compute = PersonResults(("actions",), config, window, frozenset())
    index = index_vault(vault, config, summarize=compute)
    paths = {}
    for path, (_, kind, person) in index.rows.items():
        if kind == "note":
            paths.setdefault(person, []).append(path)
    profile = "person-000/profile.md" if "person-000/profile.md" in index.rows else None
    assert index.summary("person-000", paths["person-000"], profile) is not None
    assert index.summaries["person-002"] is None  # parsed in both workers
    assert not any(index.rows[path][1] == "note" for path in index.fresh)
    # what the worker made is what the main process would make from the decoded notes
    notes = [record for _, record, _ in index.decode(paths["person-000"]).values()]
    decoded_profile = index.decode([profile])[profile][1] if profile else None
    worker = index.summary("person-000", paths["person-000"], profile)
    assert worker == compute("person-000", notes, decoded_profile)
    assert index.summary("person-000", paths["person-000"][1:], profile) is None


def index_reads(monkeypatch) -> list[list[str]]:
    """The folders of each read of the index from now on, as a list that fills as they come."""
    real_index = ParseCache.index
    calls: list[list[str]] = []

    def counted(self, folders):
        calls.append(sorted(folders))
        return real_index(self, folders)

    monkeypatch.setattr(ParseCache, "index", counted)
    return calls


def test_an_unchanged_vault_is_reported_without_reading_the_index(generated, run, monkeypatch):
    """The scan's digest matches the one saved with the index, and the report's plan is kept
    under it: a warm report then reads no row of the index. After an edit, it reads the rows of
    the edited file's folder, and no other: the other folders' pieces of the plan are kept."""
    command = ("report", "--format", "json")
    first = run(generated, *command, today="2025-04-01")
    assert run(generated, *command, today="2025-04-01").stdout == first.stdout  # plan saved
    calls = index_reads(monkeypatch)
    assert run(generated, *command, today="2025-04-01").stdout == first.stdout
    assert calls == []
    note = sorted(generated.glob("person-003/*.md"))[2]
    text = note.read_bytes()
    try:
        note.write_bytes(text.replace(b"- [ ]", b"- [x]", 1))
        edited = run(generated, *command, today="2025-04-01")
        # the edited folder's rows are read, compared and grouped again, and no other folder's
        assert calls == [["person-003"]]
        assert edited.stdout != first.stdout
    finally:
        note.write_bytes(text)
    assert run(generated, *command, today="2025-04-01").stdout == first.stdout
    calls.clear()
    other_day = run(generated, *command, today="2025-04-02")  # another window: a new plan
    assert other_day.exit_code == first.exit_code and calls


def test_a_new_day_recomputes_everyone_where_their_notes_are_parsed(
    generated, run, monkeypatch, tmp_path
):
    """A new day moves the window, so every person's results are computed again: with many
    people, their files are parsed again on every core (the notes a cold report did not keep
    are not in the cache), and the answer is a cold run's."""
    import ononotes.vault
    from ononotes.vault import VaultIndex

    command = ("report", "--format", "json")
    monkeypatch.setattr(ononotes.vault, "PARALLEL_FROM", 10)
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "days"))
    run(generated, *command, today="2025-04-01")
    real = VaultIndex.summarize_again
    calls = []

    def spied(self, people, *args):
        calls.append(list(people))
        return real(self, people, *args)

    monkeypatch.setattr(VaultIndex, "summarize_again", spied)
    next_day = run(generated, *command, today="2025-04-02")
    assert calls and len(calls[0]) == 6  # everyone
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cold"))
    assert next_day.stdout == run(generated, *command, today="2025-04-02").stdout


def test_cached_records_pickle_to_themselves_and_stay_frozen():
    import dataclasses
    import pickle

    from ononotes.model import CachedRecord
    from ononotes.reports import PersonActions, Tally

    tally = Tally(1, 2, 3, 4, 5, 6, 7, (1, 9))
    result = PersonActions("alice", tally, (("me", tally),), ())
    copy = pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == result and repr(copy) == repr(result)
    assert isinstance(copy, CachedRecord) and isinstance(copy.tally, Tally)
    with pytest.raises(dataclasses.FrozenInstanceError):
        copy.person = "bob"


def test_a_note_stored_for_an_older_stamp_is_read_again(generated, run, monkeypatch, tmp_path):
    """A report's workers keep no note, so the cache may still hold a note as it was before an
    edit; it is stored with that older stamp, and never taken for the note as it is now."""
    import shutil

    import ononotes.vault

    vault = tmp_path / "vault"
    shutil.copytree(generated, vault)
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(ononotes.vault, "PARALLEL_FROM", 1)  # every parse in the workers
    assert "rewritten since" not in run(vault, "todo", today="2025-04-01").stdout  # all stored
    note = sorted(vault.glob("person-001/20*.md"))[-1]
    note.write_text(note.read_text() + "- [ ] @person-001 rewritten since\n")
    run(vault, "report", "--format", "json", today="2025-04-01")  # summarised, not stored
    assert "rewritten since" in run(vault, "todo", today="2025-04-01").stdout


def messy_copy(generated: Path, tmp_path: Path) -> Path:
    """The generated vault with what a scan must get right: a nested folder, a note at the
    top, a file whose stat fails, and folders that are not scanned (hidden, templates)."""
    import shutil

    vault = tmp_path / "vault"
    shutil.copytree(generated, vault)
    (vault / "person-002" / "2024").mkdir()
    (vault / "person-002" / "2024" / "old.md").write_text("---\ndate: 2024-01-01\n---\n- [ ] a\n")
    (vault / "top.md").write_text("---\ndate: 2025-01-01\nperson: person-001\n---\n")
    (vault / "person-004" / "gone.md").symlink_to(vault / "nowhere.md")  # its stat fails
    for skipped in (".hidden", "templates"):
        (vault / skipped).mkdir()
        (vault / skipped / "x.md").write_text("---\ndate: 2025-01-01\n---\nnot scanned\n")
    return vault


def scan_as_plain_data(scans) -> dict:
    return {folder: (s.rels, s.numbers, s.failed, s.digest()) for folder, s in scans.items()}


def test_a_scan_split_over_two_processes_finds_what_one_process_finds(
    generated, monkeypatch, tmp_path
):
    """Big vaults are scanned by two processes; the halves put together are the serial scan,
    stat failures, nested folders and the vault's own notes included. If the child fails, the
    parent scans its half itself."""

    import ononotes.vault
    from ononotes.vault import load_config, scan_folders

    vault = messy_copy(generated, tmp_path)
    config = load_config(vault)
    serial = scan_as_plain_data(scan_folders(vault, config))
    assert serial["person-004"][2] == {"person-004/gone.md"} and serial["person-004"][3] is None
    assert "person-002/2024/old.md" in serial["person-002"][0] and "" in serial

    forks = []
    real_fork = os.fork

    def counted_fork():
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(ononotes.forking, "may_fork", lambda: True)
    monkeypatch.setattr(os, "fork", counted_fork)
    many = {f: SavedFolder("not this scan", frozenset(), 10**5) for f in serial}
    assert scan_as_plain_data(scan_folders(vault, config, many)) == serial  # all sent back
    assert len(forks) == 1
    few = {f: SavedFolder("not this scan", frozenset(), 1) for f in serial}
    assert scan_as_plain_data(scan_folders(vault, config, few)) == serial  # no fork
    assert len(forks) == 1
    # the child's folders with their saved digest come back as that digest alone
    current = {f: SavedFolder(digest, frozenset(), 10**5) for f, (*_, digest) in serial.items()}
    split = scan_folders(vault, config, current)
    assert len(forks) == 2
    assert {f: scan.digest() for f, scan in split.items()} == {f: d[3] for f, d in serial.items()}
    by_digest = {f for f, scan in split.items() if scan.rels is None}
    assert by_digest and "person-004" not in by_digest  # its stat failed: no digest to trust
    assert {f: d for f, d in scan_as_plain_data(split).items() if f not in by_digest} == {
        f: d for f, d in serial.items() if f not in by_digest
    }

    parent = os.getpid()
    real_scan = ononotes.vault._scan_tops

    def failing_in_the_child(folders):
        if os.getpid() != parent:
            raise OSError("the child fails")
        return real_scan(folders)

    monkeypatch.setattr(ononotes.vault, "_scan_tops", failing_in_the_child)
    assert scan_as_plain_data(scan_folders(vault, config, current)) == serial
    assert len(forks) == 3


def test_a_cold_run_whose_workers_stat_as_they_parse_finds_and_reads_what_one_process_does(
    generated, monkeypatch, tmp_path
):
    """On a cold run of a big vault each worker stats the folders it parses: the scans, rows
    and summaries put together are the serial ones, stat failures, nested folders, skipped
    folders and the vault's own notes included."""
    import datetime as dt

    import ononotes.vault
    from ononotes.reporting import PersonResults, make_window
    from ononotes.vault import _scan_and_parse, index_vault, load_config, parse_files, scan_ahead

    vault = messy_copy(generated, tmp_path)
    config = load_config(vault)
    window = make_window(dt.date(2025, 4, 1), None, None, None)
    compute = PersonResults(("actions",), config, window, frozenset())
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cache"))
    serial_scans = scan_as_plain_data(index_vault_scans(vault))
    entries = [entry for scan in index_vault_scans(vault).values() for entry in scan.entries(vault)]
    serial_rows, serial_summaries = parse_files(vault, config, entries, summarize=compute)
    assert _scan_and_parse(vault, config, summarize=compute) is None  # too small for workers

    monkeypatch.setattr(ononotes.vault, "PARALLEL_FROM", 10)
    told = []
    scans, rows, summaries = _scan_and_parse(vault, config, lambda n: told.append, compute)
    assert scan_as_plain_data(scans) == serial_scans and list(scans) == list(serial_scans)
    # the serial parse sends back every note; workers only those with problems
    assert sorted(row[:4] for row in rows) == sorted(row[:4] for row in serial_rows)
    sent = {row[0]: row[4] for row in serial_rows}
    assert all(payload == sent[rel] for rel, *_, payload in rows if payload is not None)
    assert any(payload is not None for *_, payload in rows)  # the failed stat, say
    # a person whose files two workers read has no summary (the report works it out again)
    assert summaries.keys() == serial_summaries.keys()
    assert all(summaries[p] in (None, serial_summaries[p]) for p in summaries)
    assert summaries["person-000"] is not None  # all in one folder
    assert told  # the progress bar was told the count

    cold = index_vault(vault, config, summarize=compute)  # takes this path: nothing is saved
    assert dict(cold.rows) == {rel: (stamp, kind, person) for rel, stamp, kind, person, _ in rows}
    cold.cache.close()
    # the same, with the folders counted by the entry point's forked child
    monkeypatch.setattr(ononotes.forking, "may_fork", lambda: True)
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "another-cache"))
    ahead = scan_ahead(vault)
    assert isinstance(ahead.reading, int)

    def not_here(root, config):
        raise AssertionError("the child counted the folders")

    monkeypatch.setattr(ononotes.vault, "_counted_folders", not_here)  # in this process only
    counted = index_vault(vault, config, summarize=compute, ahead=ahead)
    assert dict(counted.rows) == dict(cold.rows) and counted.digest == cold.digest
    counted.cache.close()
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cache"))
    warm = index_vault(vault, config, summarize=compute)
    assert dict(warm.rows) == dict(cold.rows) and warm.digest == cold.digest
    warm.cache.close()


def test_split_scans_give_the_same_answers_with_damaged_index_blobs(
    generated, run, monkeypatch, tmp_path
):
    """A folder known by its digest alone is scanned again when its index blob cannot be read,
    and the answers are a cold run's."""
    import ononotes.vault

    monkeypatch.setattr(ononotes.forking, "may_fork", lambda: True)
    monkeypatch.setattr(ononotes.vault, "SPLIT_SCAN_FROM", 1)
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cache"))
    cold = answers(run, generated)
    assert answers(run, generated) == cold
    cache = ParseCache(generated, parse_fingerprint(load_vault(generated, use_cache=False).config))
    cache.close()
    db = sqlite3.connect(cache.path)
    db.execute("UPDATE folders SET data = x'fa0011'")
    db.commit()
    db.close()
    real_rescan = ononotes.vault.VaultIndex._rescan
    rescanned = []

    def spied(self, folders):
        rescanned.extend(folders)
        return real_rescan(self, folders)

    monkeypatch.setattr(ononotes.vault.VaultIndex, "_rescan", spied)
    assert answers(run, generated) == cold
    assert rescanned


def test_no_fork_while_another_thread_runs():
    import threading

    from ononotes.forking import may_fork

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not may_fork()
    finally:
        release.set()
        other.join()


def test_ono_new_reads_the_index_of_the_persons_folders_alone(
    generated, run, monkeypatch, tmp_path
):
    """``ono new`` takes the person's notes from the folders whose saved index names them: a
    note about them in another folder is found whether that folder changed or not, and the
    answer is the one without a cache."""
    import shutil

    vault = tmp_path / "vault"
    shutil.copytree(generated, vault)
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cache"))
    command = ("new", "person-003", "--dry-run")
    run(vault, "report", today="2025-04-01")  # the index saved, folder by folder
    calls = index_reads(monkeypatch)
    assert run(vault, *command, today="2025-04-01").exit_code == 0
    assert calls == [["person-003"]]
    elsewhere = vault / "shared" / "2025-03-31.md"
    elsewhere.parent.mkdir()
    elsewhere.write_text(
        "---\ndate: 2025-03-31\nperson: person-003\n---\n## Actions\n- [ ] @me filed elsewhere\n"
    )
    # the new folder is read as changed, then from its saved index
    for reads in ([["shared"], ["person-003"]], [["person-003", "shared"]]):
        calls.clear()
        carried = run(vault, *command, today="2025-04-01")
        assert "filed elsewhere" in carried.stdout
        assert calls == reads
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cold"))
    assert run(vault, *command, today="2025-04-01").stdout == carried.stdout


def index_rows(vault: Path, **options) -> dict:
    from ononotes.vault import index_vault

    index = index_vault(vault, **options)
    rows = dict(index.rows)
    index.cache.close()
    return rows


def test_a_scan_started_ahead_gives_the_rows_of_a_scan_made_in_place(
    generated, run, monkeypatch, tmp_path
):
    """``ono new`` starts the vault's scan in a child before it imports the rest; what the
    child found is taken, its folders sent as digests alone are read from the index, and the
    answer is the one without a scan ahead, cache or no cache."""
    import shutil

    import ononotes.cache
    import ononotes.vault
    from ononotes.forking import Forked
    from ononotes.vault import scan_ahead

    vault = tmp_path / "vault"
    shutil.copytree(generated, vault)
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(ononotes.forking, "may_fork", lambda: True)
    command = ("new", "person-002", "--dry-run")
    in_place = index_rows(vault)
    real_result = Forked.result
    taken = []

    def spied(self):
        found = real_result(self)
        taken.append(found)
        return found

    monkeypatch.setattr(Forked, "result", spied)
    warm = run(vault, *command, today="2025-04-01")
    assert warm.exit_code == 0 and len(taken) == 1
    assert all(isinstance(sent, str) for sent in taken[0].values())  # every folder as saved
    assert index_rows(vault, ahead=scan_ahead(vault)) == in_place

    # a child that read an index the parent no longer has: its digests alone are scanned again
    cache = ParseCache(vault, parse_fingerprint(ononotes.vault.load_config(vault)))
    current = {folder: row.digest for folder, row in cache.folders().items()}
    cache.close()
    assert len(current) == 6
    told = {folder: SavedFolder(digest, frozenset(), 20) for folder, digest in current.items()}
    monkeypatch.setattr(ononotes.cache, "saved_folders", lambda root, fingerprint: told)
    ahead = scan_ahead(vault)
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "elsewhere"))
    real_again = ononotes.vault._scan_again
    again = []

    def spied_again(root, folders):
        again.extend(folders)
        return real_again(root, folders)

    monkeypatch.setattr(ononotes.vault, "_scan_again", spied_again)
    assert index_rows(vault, ahead=ahead) == in_place
    assert sorted(again) == sorted(current)
    assert run(vault, *command, today="2025-04-01").stdout == warm.stdout
    monkeypatch.setattr(ononotes.forking, "may_fork", lambda: False)
    assert run(vault, *command, today="2025-04-01").stdout == warm.stdout


def test_a_failed_or_unused_scan_ahead_leaves_no_child_behind(generated, monkeypatch):
    import ononotes.vault
    from ononotes.vault import scan_ahead

    monkeypatch.setattr(ononotes.forking, "may_fork", lambda: True)
    parent = os.getpid()
    real_scan = ononotes.vault.scan_folders

    def failing_in_the_child(*args, **options):
        if os.getpid() != parent:
            raise OSError("the child fails")
        return real_scan(*args, **options)

    monkeypatch.setattr(ononotes.vault, "scan_folders", failing_in_the_child)
    failed = scan_ahead(generated)
    child = failed.child
    assert failed.result() is None and failed.reading is None
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)
    assert index_rows(generated, ahead=failed) == index_rows(generated)

    monkeypatch.setattr(ononotes.vault, "scan_folders", real_scan)
    unused = scan_ahead(generated)
    child = unused.child
    unused.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)


@pytest.mark.parametrize(
    ("args", "scans"),
    [
        (["new", "person-001"], True),  # the vault from ONO_VAULT
        (["--vault", "{vault}", "new", "person-001", "--no-edit"], True),
        (["--vault={vault}", "new", "person-001"], True),
        (["--vault", "{vault}", "--vault", "{elsewhere}", "new", "x"], True),  # the first
        (["new", "--help"], False),
        (["--help"], False),
        (["report"], True),
        (["--vault", "{vault}", "report", "actions", "--format", "csv"], True),
        (["report", "-h"], False),
        (["person", "list"], False),
        (["--version", "new"], False),
        ([], False),
    ],
)
def test_the_entry_point_starts_a_scan_for_ono_new_and_report_alone(
    generated, monkeypatch, tmp_path, args, scans
):
    """The scan is of the vault the arguments name (else ONO_VAULT's), and is that scan: on a
    cold run its folders counted (the workers stat as they parse), once a digest is saved each
    folder's digest."""
    import ononotes.forking
    from ononotes.launch import _scan_for
    from ononotes.vault import _counted_folders, _scans_received, load_config

    monkeypatch.setattr(ononotes.forking, "may_fork", lambda: True)
    elsewhere = tmp_path / "elsewhere"
    named = any("{vault}" in arg for arg in args)
    monkeypatch.setenv("ONO_VAULT", str(elsewhere if named else generated))
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cache"))
    argv = [arg.format(vault=generated, elsewhere=elsewhere) for arg in args]
    started = _scan_for(argv)
    assert (started is not None) == scans
    if started is not None:
        assert started.key == str(generated)
        top_sent, folders, sizes = started.result()  # no cache yet: the folders counted
        here_top, here_folders, here_sizes = _counted_folders(generated, load_config(generated))
        assert (folders, sizes) == (here_folders, here_sizes)
        assert scan_as_plain_data(_scans_received(top_sent)) == scan_as_plain_data({"": here_top})
        assert sizes == [len(list(Path(path).glob("*.md"))) for _, path in folders]
        index_rows(generated)  # a cache, with each folder's digest
        found = _scans_received(_scan_for(argv).result())
        expected = index_vault_scans(generated)
        assert {f: s.digest() for f, s in found.items()} == {
            f: s.digest() for f, s in expected.items()
        }


def index_vault_scans(vault: Path) -> dict:
    from ononotes.vault import load_config, scan_folders

    return scan_folders(vault, load_config(vault))


@pytest.mark.parametrize(
    "command",
    [("new", "person-001", "--dry-run"), ("report", "actions", "--format", "csv")],
    ids=["new", "report"],
)
def test_the_command_takes_the_scan_the_entry_point_started(
    generated, monkeypatch, tmp_path, capsys, command
):
    """Through ``launch.main`` as the ``ono`` script runs it: the early scan is taken when it
    is of the vault the command resolves, and the output is the one it gives without."""
    import shutil
    import sys

    import ononotes.forking
    import ononotes.vault
    from ononotes.forking import Forked
    from ononotes.launch import main

    vault = tmp_path / "vault"
    shutil.copytree(generated, vault)
    monkeypatch.setattr(ononotes.forking, "may_fork", lambda: True)
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ONO_TODAY", "2025-04-01")
    index_rows(vault)  # saved digests: on a cold run the child scans nothing
    real_start, real_result = Forked.start.__func__, Forked.result
    started, taken = [], []

    def spied_start(cls, key, work):
        started.append(real_start(cls, key, work))
        return started[-1]

    def spied_result(self):
        found = real_result(self)
        taken.append(self if found is not None else None)
        return found

    monkeypatch.setattr(Forked, "start", classmethod(spied_start))
    monkeypatch.setattr(Forked, "result", spied_result)

    def ono(*args: str) -> str:
        monkeypatch.setattr(sys, "argv", ["ono", *args])
        with pytest.raises(SystemExit) as exited:
            main()
        assert exited.value.code == 0
        return capsys.readouterr().out

    first = ono("--vault", str(vault), *command)
    assert "person-001" in first
    assert len(started) == 1 and taken == started  # the entry point's scan, not another
    monkeypatch.setattr(ononotes.forking, "may_fork", lambda: False)
    assert ono("--vault", str(vault), *command) == first
    assert started[1:] == [None, None] and len(taken) == 1  # nothing forked this time


def test_an_early_scan_of_another_vault_is_closed_and_the_right_one_started(
    generated, monkeypatch, tmp_path
):
    import ononotes.forking
    import ononotes.vault
    from ononotes.cli import Settings
    from ononotes.launch import _scan_for

    monkeypatch.setattr(ononotes.forking, "may_fork", lambda: True)
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ONO_VAULT", raising=False)
    index_rows(generated)  # saved digests, so that the child scans
    started = _scan_for(["--vault", str(tmp_path), "new", "x"])
    assert started.key == str(tmp_path)
    wrong_child = started.child
    from ononotes.vault import _scans_received

    with Settings((str(generated),), started).scan_of(generated) as ahead:
        with pytest.raises(ChildProcessError):
            os.waitpid(wrong_child, os.WNOHANG)
        assert ahead.key == str(generated)
        found = _scans_received(ahead.result())
        right_child = ahead.child
    expected = index_vault_scans(generated)
    assert {f: s.digest() for f, s in found.items()} == {f: s.digest() for f, s in expected.items()}
    with pytest.raises(ChildProcessError):  # reaped on leaving
        os.waitpid(right_child, os.WNOHANG)


def test_a_command_that_fails_before_taking_its_early_scan_reaps_it(monkeypatch, tmp_path):
    import sys

    import ononotes.forking
    from ononotes.forking import Forked
    from ononotes.launch import main

    monkeypatch.setattr(ononotes.forking, "may_fork", lambda: True)
    real_start = Forked.start.__func__
    started = []

    def spied(cls, key, work):
        forked = real_start(cls, key, work)
        started.append(forked)
        return forked

    monkeypatch.setattr(Forked, "start", classmethod(spied))
    monkeypatch.setattr(sys, "argv", ["ono", "--vault", str(tmp_path / "missing"), "new", "x"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2 and len(started) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(started[0].child, os.WNOHANG)
