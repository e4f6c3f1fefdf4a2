"""The roll-up's SQL (``ononotes/sql/rollup.sql``), run by DuckDB: the only DuckDB importer.

DuckDB is the ``[org]`` extra (``pip install 'ononotes[org]'``): without it, ``ono rollup``
says how to install it. The records come in already read and checked (``core.metrics``: every
field known, of its type); those the SQL reads are written as they were to a temporary
JSON-lines file, loaded into the one table the SQL reads with a column of a fixed type per
field, and the SQL's rows come back as plain dicts.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from ononotes.core.metrics import all_fields
from ononotes.errors import OnoError

INSTALL_HINT = "ono rollup runs on DuckDB, which is not installed: pip install 'ononotes[org]'"
SQL_TYPES = {
    "int": "INTEGER",
    "str": "VARCHAR",
    "bool": "BOOLEAN",
    "date": "VARCHAR",  # YYYY-MM-DD strings: they sort and compare as dates in every engine
    "float": "DOUBLE",
}


class MissingEngine(OnoError):
    """DuckDB is not installed."""


def rollup_sql() -> str:
    """The roll-up's SQL, as shipped in the package."""
    return resources.files("ononotes").joinpath("sql/rollup.sql").read_text(encoding="utf-8")


def table_columns() -> dict[str, str]:
    """Each field of the records and its SQL type: the columns of the ``metrics`` table."""
    return {name: SQL_TYPES[type_.rstrip("?")] for name, type_ in all_fields().items()}


SQL_RECORDS = frozenset({"export", "person", "item"})  # what rollup.sql reads: not meetings


def run_rollup(
    records: Iterable[tuple[dict[str, Any], str]], min_group: int
) -> list[dict[str, Any]]:
    """The SQL's rows over ``records`` (each with the JSON text it was read from, which the
    reader checked field by field), with groups of at least ``min_group`` people."""
    try:
        import duckdb
    except ImportError:
        raise MissingEngine(INSTALL_HINT) from None
    columns = table_columns()
    with tempfile.TemporaryDirectory(prefix="ono-rollup-") as folder:
        path = Path(folder) / "metrics.jsonl"
        with open(path, "w", encoding="utf-8") as out:
            for record, text in records:
                if record["record"] in SQL_RECORDS:
                    out.write(text.rstrip("\r\n") + "\n")
        spec = ", ".join(f"'{name}': '{type_}'" for name, type_ in columns.items())
        connection = duckdb.connect(":memory:")
        try:
            connection.execute(
                "CREATE TABLE metrics AS SELECT * FROM read_json(?, "
                f"format = 'newline_delimited', columns = {{{spec}}})",
                [str(path)],
            )
            connection.execute(
                "CREATE TABLE rollup_settings AS SELECT CAST(? AS INTEGER) AS min_group",
                [min_group],
            )
            cursor = connection.execute(rollup_sql())
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise OnoError(f"DuckDB could not run the roll-up: {first}") from None
        finally:
            connection.close()
