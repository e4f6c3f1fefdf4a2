"""`ono calendar`: the next 1:1s by cadence as iCalendar, parsed back with icalendar."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from ononotes.render.ical import Rhythm, cadence_dates, schedule, to_ical

from .conftest import build_tree

TODAY = "2026-11-10"


def held(date: str) -> str:
    return f"---\ndate: {date}\n---\n# 1:1\n"


@pytest.fixture
def team(vault):
    return build_tree(
        vault,
        {
            # weekly, last held 11-03: due 11-10 (today), then every 7 days
            "alice/profile.md": "---\nname: Alice Moreno\ncadence: weekly\n---\n",
            "alice/2026-11-03.md": held("2026-11-03"),
            # biweekly, last held 11-06: first 11-20
            "bob/profile.md": "---\nname: Bob Okafor\ncadence: biweekly\n---\n",
            "bob/2026-11-06.md": held("2026-11-06"),
            # monthly skip-level, a note already planned for 11-12
            "carol/profile.md": "---\nname: Carol Nguyen\ncadence: monthly\nrelation: skip-level\n---\n",
            "carol/2026-10-08.md": held("2026-10-08"),
            "carol/2026-11-12.md": "---\ndate: 2026-11-12\ntype: skip-level\n---\n",
            # left in October: no events
            "erin/profile.md": "---\nname: Erin Walsh\nuntil: 2026-10-16\n---\n",
            "erin/2026-10-06.md": held("2026-10-06"),
        },
    )


def events(data: bytes) -> list:
    return Calendar.from_ical(data).walk("VEVENT")


def test_the_calendar_parses_back_with_one_event_per_meeting(team, run):
    result = run(team, "calendar", "--weeks", "4", today=TODAY)
    assert result.exit_code == 0, result.output
    found = {
        (str(e["UID"]), e.decoded("DTSTART"), str(e["SUMMARY"]))
        for e in events(result.stdout_bytes)
    }
    assert found == {
        ("ono-alice-2026-11-10@ononotes", dt.date(2026, 11, 10), "1:1 · Alice Moreno"),
        ("ono-alice-2026-11-17@ononotes", dt.date(2026, 11, 17), "1:1 · Alice Moreno"),
        ("ono-alice-2026-11-24@ononotes", dt.date(2026, 11, 24), "1:1 · Alice Moreno"),
        ("ono-alice-2026-12-01@ononotes", dt.date(2026, 12, 1), "1:1 · Alice Moreno"),
        ("ono-bob-2026-11-20@ononotes", dt.date(2026, 11, 20), "1:1 · Bob Okafor"),
        ("ono-bob-2026-12-04@ononotes", dt.date(2026, 12, 4), "1:1 · Bob Okafor"),
        ("ono-carol-2026-11-12@ononotes", dt.date(2026, 11, 12), "Skip-level · Carol Nguyen"),
    }
    for event in events(result.stdout_bytes):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is dt.date and end == start + dt.timedelta(days=1)  # all day


def test_uids_and_bytes_are_stable_across_runs_and_inactive_people_are_left_out(team, run):
    first = run(team, "calendar", today=TODAY).stdout_bytes
    second = run(team, "calendar", today=TODAY).stdout_bytes
    assert first == second
    uids = [str(e["UID"]) for e in events(first)]
    assert len(uids) == len(set(uids)) == 8 + 4 + 2  # 8 weeks: weekly, biweekly, monthly
    assert not any("erin" in uid for uid in uids)
    # a week later the meetings still ahead keep their UIDs: a re-import updates them
    later = {str(e["UID"]) for e in events(run(team, "calendar", today="2026-11-17").stdout_bytes)}
    assert "ono-alice-2026-11-24@ononotes" in later and "ono-alice-2026-11-24@ononotes" in uids


def test_output_file_is_written_and_replaced(team, run, tmp_path):
    target = tmp_path / "one-on-ones.ics"
    target.write_text("old")
    result = run(team, "calendar", "--weeks", "1", "-o", str(target), today=TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"wrote 2 event(s) to {target}\n"
    assert len(events(target.read_bytes())) == 2
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_bad_weeks_and_a_missing_folder_are_refused(team, run, tmp_path):
    assert run(team, "calendar", "--weeks", "0", today=TODAY).exit_code == 2
    missing = run(team, "calendar", "-o", str(tmp_path / "nope" / "x.ics"), today=TODAY)
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_cadence_dates_and_schedule():
    day = dt.date(2026, 11, 2)
    assert cadence_dates(day, 14, dt.date(2026, 11, 30)) == [day, dt.date(2026, 11, 16)]
    assert cadence_dates(day, 7, day) == []
    rhythm = Rhythm("a", "A", "1:1", "weekly", 7, day, planned=day)
    occurrences = schedule([rhythm], dt.date(2026, 11, 10))
    assert [(o.date, o.planned) for o in occurrences] == [
        (day, True),
        (dt.date(2026, 11, 9), False),
    ]
    data = to_ical(occurrences, day, 1)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and b"DTSTAMP:20261102T000000Z" in data


def test_one_unreadable_cadence_is_a_warning_and_the_others_keep_theirs(team, run):
    """As in the reports: the cadence falls back to ono.toml's (weekly) and is named once."""
    profile = team / "bob" / "profile.md"
    profile.write_text(profile.read_text().replace("biweekly", "every so often"))
    result = run(team, "calendar", "--weeks", "2", today=TODAY)
    assert result.exit_code == 0
    assert result.stderr.count("bob/profile.md: unknown cadence 'every so often'") == 1
    bob = sorted(
        e.decoded("DTSTART") for e in events(result.stdout_bytes) if "bob" in str(e["UID"])
    )
    assert bob == [dt.date(2026, 11, 13), dt.date(2026, 11, 20)]  # weekly from 11-06
    prep = run(team, "prep", "bob", today=TODAY)
    assert prep.exit_code == 0 and "weekly (every 7 days" in prep.stdout
    assert prep.stderr.count("unknown cadence 'every so often'") == 1
