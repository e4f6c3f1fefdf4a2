"""``ono.toml`` and ``ono.local.toml``, read and checked in one place.

Every setting has a type and a range; a value outside them stops every command with one line,
``ono.toml:LINE: what is wrong`` (the line where the key is written), and exit 2. Keys ono does
not know are left alone (a newer ononotes may write them).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from ononotes.core.cadence import interval_days
from ononotes.core.fields import is_slug
from ononotes.core.model import Config
from ononotes.errors import ConfigError

CONFIG_NAME = "ono.toml"
LOCAL_CONFIG_NAME = "ono.local.toml"  # untracked, this copy only; overrides ono.toml
SALT_KEY = "metrics_salt"
SECTION_KEYS = ("their_agenda", "my_agenda", "growth", "feedback", "upward_feedback")
MAX_QUESTION_MEMORY = 1000


class _Settings:
    """The merged settings, each value remembered with the file it came from."""

    def __init__(self, root: Path):
        self.files: dict[str, str] = {}
        self.parsed: dict[str, dict[str, Any]] = {}
        self.values: dict[str, tuple[Any, str]] = {}
        for name in (CONFIG_NAME, LOCAL_CONFIG_NAME):
            text = _read_text(root, name)
            if text is None:
                continue
            self.files[name] = text
            self.parsed[name] = _parse_toml(text, name)
            for key, value in self.parsed[name].items():
                self.values[key] = (value, name)

    def get(self, key: str) -> Any:
        return self.values.get(key, (None, ""))[0]

    def fail(self, key: str, message: str) -> ConfigError:
        """The error for ``key`` (``sections.growth`` for a key of a table), at its line."""
        name = self.values.get(key.split(".")[0], (None, CONFIG_NAME))[1]
        return ConfigError(message, name, _line_of(self.files.get(name, ""), key))


def load_config(root: Path) -> Config:
    """Read ``ono.toml``, then ``ono.local.toml`` over it (this copy's own, untracked settings,
    such as ``me`` in a shared person's repository), and check every setting ono reads."""
    settings = _Settings(root)
    if not settings.values:
        return Config()
    defaults = Config()
    sections = _table(settings, "sections")
    return Config(
        me=_slug(settings, "me") or defaults.me,
        cadence=_cadence(settings) or defaults.cadence,
        autocommit=_typed(settings, "autocommit", bool, "true or false", defaults.autocommit),
        templates_dir=_folder(settings, "templates") or defaults.templates_dir,
        their_agenda=_names(settings, sections, "their_agenda", defaults.their_agenda),
        my_agenda=_names(settings, sections, "my_agenda", defaults.my_agenda),
        growth=_names(settings, sections, "growth", defaults.growth),
        feedback=_names(settings, sections, "feedback", defaults.feedback),
        upward_feedback=_names(settings, sections, "upward_feedback", defaults.upward_feedback),
        private_dir=_folder(settings, "private") or defaults.private_dir,
        question_memory=_question_memory(settings, defaults.question_memory),
        person=_slug(settings, "person"),
        manager=_slug(settings, "manager"),
        editor_url=_editor_url(settings),
        share_insights=_typed(settings, "share_insights", bool, "true or false", False),
        share_names=_typed(settings, "share_names", bool, "true or false", False),
        metrics_salt=_metrics_salt(settings),
    )


def _metrics_salt(settings: _Settings) -> str | None:
    """The salt of the metrics export's hashes: this copy's secret, so ono.local.toml only."""
    from ononotes.core.checks import SALT_BYTES, is_salt

    value, where = settings.values.get(SALT_KEY, (None, ""))
    if SALT_KEY in settings.parsed.get(CONFIG_NAME, {}):
        raise ConfigError(
            f"{SALT_KEY} must not be in {CONFIG_NAME}, which may be committed and shared: move "
            f"it to {LOCAL_CONFIG_NAME}",
            CONFIG_NAME,
            _line_of(settings.files.get(CONFIG_NAME, ""), SALT_KEY),
        )
    if value is None:
        return None
    if not is_salt(value):
        raise settings.fail(
            SALT_KEY,
            f"{SALT_KEY} must be {2 * SALT_BYTES} hex digits, as ono writes it (delete the line "
            "to have a new one made: the hashes of earlier exports will not match the new ones)",
        )
    return str(value)


def read_toml(root: Path, name: str) -> tuple[dict[str, Any], bytes | None]:
    """A settings file's values and its bytes (None when there is no such file)."""
    text = _read_text(root, name)
    if text is None:
        return {}, None
    return _parse_toml(text, name), (root / name).read_bytes()


def _editor_url(settings: _Settings) -> str | None:
    """``editor_url = "vscode://file/{path}:{line}"``: how the HTML pages link a note."""
    value = settings.get("editor_url")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or "{path}" not in value or not value.isprintable():
        raise settings.fail(
            "editor_url", f"editor_url must be a URL with {{path}} (and {{line}}), not {value!r}"
        )
    scheme = value.split(":", 1)[0].casefold()
    if scheme in ("javascript", "data", "vbscript"):
        raise settings.fail("editor_url", f"editor_url may not be a {scheme}: URL")
    return value


def _read_text(root: Path, name: str) -> str | None:
    path = root / name
    if not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", name) from None


def _parse_toml(text: str, name: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        message = getattr(exc, "msg", None) or str(exc).split(" (at line")[0]
        raise ConfigError(f"invalid TOML: {message}", name, line) from None
    except RecursionError:
        raise ConfigError("invalid TOML: nested too deep", name) from None


def _line_of(text: str, key: str) -> int | None:
    """The line where ``key`` is set: ``key = …`` at the top, ``name = …`` under ``[table]``,
    ``table.name = …``, or the ``[table]`` header itself."""
    table, _, name = key.rpartition(".")
    current = ""
    header = re.compile(r"\s*\[\s*([^\]]+?)\s*\]")
    for number, line in enumerate(text.splitlines(), start=1):
        opened = header.match(line)
        if opened:
            current = opened.group(1)
            if table and current == table and not name:
                return number
            continue
        assignment = re.match(r"\s*([A-Za-z0-9_.\"' -]+?)\s*=", line)
        if not assignment:
            continue
        written = assignment.group(1).replace('"', "").replace("'", "").replace(" ", "")
        if (current == table and written == name) or (not current and written == key):
            return number
    if table:
        return _line_of(text, table) if "." not in table else None
    return None


def _typed(settings: _Settings, key: str, kind: type, words: str, default: Any) -> Any:
    value = settings.get(key)
    if value is None:
        return default
    if not isinstance(value, kind):
        raise settings.fail(key, f"{key} must be {words}, not {value!r}")
    return value


def _slug(settings: _Settings, key: str) -> str | None:
    value = settings.get(key)
    if value is None or value == "":
        return None
    slug = str(value).strip().lower() if isinstance(value, str) else None
    if slug is None or not is_slug(slug):
        raise settings.fail(key, f"{key} must be a slug, not {value!r}")
    return slug


def _cadence(settings: _Settings) -> str | None:
    value = settings.get("cadence")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise settings.fail("cadence", f'cadence must be text such as "weekly", not {value!r}')
    try:
        interval_days(value)
    except ValueError as exc:
        raise settings.fail("cadence", str(exc)) from None
    return value


def _folder(settings: _Settings, key: str) -> str | None:
    """A folder's name: inside the vault, or anywhere you name (team templates, private notes
    kept out of the repository)."""
    value = settings.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or "\0" in value:
        raise settings.fail(key, f"{key} must be the name of a folder, not {value!r}")
    return value


def _question_memory(settings: _Settings, default: int) -> int:
    value = settings.get("question_memory")
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise settings.fail("question_memory", f"question_memory must be a number, not {value!r}")
    if not 0 <= value <= MAX_QUESTION_MEMORY:
        raise settings.fail(
            "question_memory", f"question_memory must be 0 to {MAX_QUESTION_MEMORY}, not {value}"
        )
    return value


def _table(settings: _Settings, key: str) -> dict[str, Any]:
    value = settings.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise settings.fail(key, f"{key} must be a table ([{key}] with its keys), not {value!r}")
    return value


def _names(
    settings: _Settings, table: dict[str, Any], key: str, default: tuple[str, ...]
) -> tuple[str, ...]:
    value = table.get(key)
    if value is None:
        return default
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise settings.fail(
            f"sections.{key}",
            f"sections.{key} must be a heading or a list of headings, not {value!r}",
        )
    names = tuple(name for name in value if name.strip())
    return names or default
