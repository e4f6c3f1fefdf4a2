"""The parse cache is an optimisation only: delete it, corrupt it or edit files behind its back
and every answer is the same, byte for byte (issue 6)."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
from pathlib import Path

import pytest

from ononotes.store.cache import ParseCache
from ononotes.store.vault import load_vault, parse_fingerprint

GENERATOR = Path(__file__).resolve().parents[1] / "benchmarks" / "make_vault.py"
COMMANDS = [
    ("report", "--format", "json"),
    ("report", "actions", "--format", "csv", "--items"),
    ("export",),
    ("todo",),
    ("todo", "--format", "json"),
    ("list",),
    ("person", "list"),
    ("prep", "person-001"),
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


def test_a_note_pickles_to_itself():
    import pickle

    from ononotes.core.parse import parse_note

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

    import ononotes.store.vault

    vault = tmp_path / "vault"
    shutil.copytree(generated, vault)
    stray = vault / "person-001" / "2025-03-03-2.md"
    stray.write_text(
        "---\nperson: person-002\ndate: 2025-03-03\n---\n## Action items\n"
        "- [ ] @person-002 filed in the wrong folder due:2025-03-10\n"
    )
    import concurrent.futures

    serial = cold_answers(run, vault, monkeypatch, tmp_path, "serial")
    monkeypatch.setattr(ononotes.store.vault, "PARALLEL_FROM", 10)
    assert os.cpu_count() and os.cpu_count() >= 2  # else parse_files stays serial
    pools = []

    class CountedPool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **options):
            pools.append(1)
            super().__init__(*args, **options)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountedPool)
    assert cold_answers(run, vault, monkeypatch, tmp_path, "parallel") == serial
    assert pools and all(pools)  # the workers did parse
    assert answers(run, vault) == serial  # warm, after each command filled in what it needed
    assert "filed in the wrong folder" in serial[1][1]


def test_a_report_takes_each_persons_results_from_the_worker_that_parsed_them(
    generated, monkeypatch, tmp_path
):
    """The mechanism behind the test above: the workers summarise each person; a person whose
    notes two workers shared gets no summary (and is decoded instead); no plain note comes
    back pickled."""
    import datetime as dt
    import shutil

    import ononotes.store.vault
    from ononotes.app.report import PersonResults
    from ononotes.core.window import make_window
    from ononotes.store.vault import index_vault, load_config

    vault = tmp_path / "vault"
    shutil.copytree(generated, vault)
    (vault / "person-001" / "2025-03-03-2.md").write_text(
        "---\nperson: person-002\ndate: 2025-03-03\n---\n- [ ] @person-002 strayed\n"
    )
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(ononotes.store.vault, "PARALLEL_FROM", 10)

    def two_chunks(groups, sizes, size):  # files (or folders, on a cold run) in two chunks
        items = [item for group in groups for item in group]
        theirs = [
            i for i in items if getattr(i, "rel", i[0]).startswith(("person-002", "person-003"))
        ]
        return [[i for i in items if i not in theirs], theirs]

    monkeypatch.setattr(ononotes.store.vault, "_pack", two_chunks)
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
    notes.sort(key=lambda note: note.sort_key)  # as the store hands them to a compute
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
    import ononotes.store.vault
    from ononotes.store.vault import VaultIndex

    command = ("report", "--format", "json")
    monkeypatch.setattr(ononotes.store.vault, "PARALLEL_FROM", 10)
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

    from ononotes.core.model import CachedRecord
    from ononotes.core.reports import PersonActions, Tally

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

    import ononotes.store.vault

    vault = tmp_path / "vault"
    shutil.copytree(generated, vault)
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(ononotes.store.vault, "PARALLEL_FROM", 1)  # every parse in the workers
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


def test_a_cold_run_whose_workers_stat_as_they_parse_finds_and_reads_what_one_process_does(
    generated, monkeypatch, tmp_path
):
    """On a cold run of a big vault each worker stats the folders it parses: the scans, rows
    and summaries put together are the serial ones, stat failures, nested folders, skipped
    folders and the vault's own notes included."""
    import datetime as dt

    import ononotes.store.vault
    from ononotes.app.report import PersonResults
    from ononotes.core.window import make_window
    from ononotes.store.vault import _scan_and_parse, index_vault, load_config, parse_files

    vault = messy_copy(generated, tmp_path)
    config = load_config(vault)
    window = make_window(dt.date(2025, 4, 1), None, None, None)
    compute = PersonResults(("actions",), config, window, frozenset())
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cache"))
    serial_scans = scan_as_plain_data(index_vault_scans(vault))
    entries = [entry for scan in index_vault_scans(vault).values() for entry in scan.entries(vault)]
    serial_rows, serial_summaries = parse_files(vault, config, entries, summarize=compute)
    assert _scan_and_parse(vault, config, summarize=compute) is None  # too small for workers

    monkeypatch.setattr(ononotes.store.vault, "PARALLEL_FROM", 10)
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
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cache"))
    warm = index_vault(vault, config, summarize=compute)
    assert dict(warm.rows) == dict(cold.rows) and warm.digest == cold.digest
    warm.cache.close()


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
    from ononotes.store.vault import index_vault

    index = index_vault(vault, **options)
    rows = dict(index.rows)
    index.cache.close()
    return rows


def index_vault_scans(vault: Path) -> dict:
    from ononotes.store.vault import load_config, scan_folders

    return scan_folders(vault, load_config(vault))


def test_a_note_filed_in_another_persons_folder_gives_one_answer_cold_serial_or_warm(
    generated, run, monkeypatch, tmp_path
):
    """A note of person-002 filed in person-001's folder, with the same date and file name as
    one in person-002's own: the two are ordered by path whichever worker reads them, so
    parallel cold, serial cold and warm runs print byte-identical reports."""
    import shutil

    import ononotes.store.vault

    vault = tmp_path / "vault"
    shutil.copytree(generated, vault)
    own = sorted((vault / "person-002").glob("20*.md"))[3]
    # the same day's note again, with an item of its own, as a second file a sync brought in
    (vault / "person-001" / own.name).write_text(
        own.read_text().replace(
            "## Action items\n", "## Action items\n- [ ] @person-002 misfiled\n"
        )
    )
    json_report = ("report", "--format", "json")

    def cold(name: str) -> str:
        monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / name))
        return run(vault, *json_report, today="2025-04-01").stdout

    serial = cold("serial")
    assert "@person-002 misfiled" in serial
    top_level = ononotes.store.vault._top_level
    for backwards in (False, True):  # the folders met in the order the disk lists them, and back
        monkeypatch.setattr(ononotes.store.vault, "_top_level", _listed(top_level, backwards))
        monkeypatch.setattr(ononotes.store.vault, "PARALLEL_FROM", 10**9)
        assert cold(f"serial-{backwards}") == serial
        monkeypatch.setattr(ononotes.store.vault, "PARALLEL_FROM", 10)
        for chunks in (1, 3, 1000):  # one folder a chunk, a few, all in one
            monkeypatch.setattr(ononotes.store.vault, "_pack", _packed_by(chunks))
            assert cold(f"parallel-{chunks}-{backwards}") == serial
            assert run(vault, *json_report, today="2025-04-01").stdout == serial  # warm


def _listed(top_level, backwards: bool):
    """``vault._top_level`` with its folders in reverse order when ``backwards``."""

    def listed(root, config):
        top, folders = top_level(root, config)
        return top, folders[::-1] if backwards else folders

    return listed


def _packed_by(folders_a_chunk: int):
    """``vault._pack`` with a chosen number of folders in each chunk."""

    def pack(groups, sizes, size):
        return [
            [entry for group in groups[at : at + folders_a_chunk] for entry in group]
            for at in range(0, len(groups), folders_a_chunk)
        ]

    return pack


@pytest.mark.parametrize(
    "command",
    [("todo",), ("list",), ("person", "list"), ("report", "--format", "json")],
    ids=["todo", "list", "person-list", "report"],
)
def test_listing_commands_decode_no_note_when_warm(generated, run, monkeypatch, command):
    """The one store: a warm ``todo``, ``list`` or ``person list`` reads each person's results,
    as ``report`` does, and unpickles no note; after an edit, only that person's notes."""
    from ononotes.store.vault import VaultIndex

    first = run(generated, *command, today="2025-04-01")
    decoded: list[str] = []
    real_decode = VaultIndex.decode

    def spied(self, paths):
        paths = list(paths)
        decoded.extend(paths)
        return real_decode(self, paths)

    monkeypatch.setattr(VaultIndex, "decode", spied)
    assert run(generated, *command, today="2025-04-01").stdout == first.stdout
    assert decoded == []
    note = sorted(generated.glob("person-003/20*.md"))[2]
    text = note.read_bytes()
    try:
        note.write_bytes(text + b"\n- [ ] @person-003 one more thing\n")
        run(generated, *command, today="2025-04-01")
        assert decoded and {path.split("/")[0] for path in decoded} == {"person-003"}
    finally:
        note.write_bytes(text)
