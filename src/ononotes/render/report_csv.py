"""Reports as CSV (stdlib ``csv``): one row per person, or with ``--items`` one row per item.

Columns are the JSON keys of SPEC §8, then the insights of SPEC §9. With both reports, a person's row holds the cadence
columns, then the follow-through counters prefixed ``items_`` (``follow_through`` and
``median_days_to_close`` keep their names). Booleans are ``true``/``false``, nothing is empty.
A text cell that starts like a spreadsheet formula (``=``, ``+``, ``-``, ``@``) gets a ``'``
in front, so a spreadsheet shows it rather than running it (an item ``@alice ...`` too).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ononotes.core.reports import ActionsReport, CadenceReport
from ononotes.render.report_json import (
    CADENCE_PERSON_COLUMNS,
    COUNTER_KEYS,
    ITEM_KEYS,
    cadence_person_dict,
    counters_dict,
    item_dict,
)

UNPREFIXED = ("follow_through", "median_days_to_close")


# A cell a spreadsheet would run as a formula (OWASP's list: = + - @, tab, carriage return)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # an item's text is whatever someone typed, in a shared repository perhaps: opened in
        # a spreadsheet, "=HYPERLINK(...)" would run. The quote makes it text, shown as typed.
        return "'" + value
    return value


def _table(header: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(row.get(key)) for key in header])
    return out.getvalue()


def _prefixed(key: str) -> str:
    return key if key in UNPREFIXED else f"items_{key}"


def render_csv(
    cadence: CadenceReport | None, actions: ActionsReport | None, items: bool = False
) -> str:
    """People (or, with ``items``, action items) as CSV text with a header row."""
    if items and actions is not None:
        return _table(list(ITEM_KEYS), [item_dict(item) for item in actions.items])
    if cadence is not None and actions is not None:
        counters = {row.name: counters_dict(None, row) for row in actions.people}
        header = list(CADENCE_PERSON_COLUMNS) + [_prefixed(key) for key in COUNTER_KEYS]
        rows = []
        for row in cadence.people:
            merged = cadence_person_dict(row)
            for key, value in counters.get(row.person, {}).items():
                merged[_prefixed(key)] = value
            rows.append(merged)
        return _table(header, rows)
    if cadence is not None:
        return _table(
            list(CADENCE_PERSON_COLUMNS), [cadence_person_dict(r) for r in cadence.people]
        )
    if actions is not None:
        rows = [counters_dict("person", row) for row in actions.people]
        return _table(["person", *COUNTER_KEYS], rows)
    return ""
