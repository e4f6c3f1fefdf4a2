"""Note templates: Jinja2 in its sandbox, the vault's ``templates/`` first, then the packaged ones.

Imported only by commands that scaffold notes, so ``ono --help`` never loads Jinja2.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypedDict

from ononotes.core.fields import is_slug
from ononotes.errors import TemplateError

TEMPLATE_SUFFIX = ".md.j2"
MAX_EXPONENT = 100  # the largest ** exponent a template may use
MAX_BUILT = 1_000_000  # characters or items one * may build


class TemplateContext(TypedDict):
    """What a note template can use. Documented for users in docs/templates.md."""

    person: str  # the slug, e.g. "alice"
    name: str  # the profile's name, e.g. "Alice Moreno"
    profile: dict[str, Any]  # the profile's whole front matter
    me: str  # the vault owner's slug (ono.toml `me`)
    date: str  # the meeting date, YYYY-MM-DD
    weekday: str  # e.g. "Tuesday"
    type: str  # 1:1, skip-level, mentor, ...
    meeting_number: int  # 1 for the first meeting with this person
    previous: (
        dict[str, Any] | None
    )  # the note items are carried from: path, date, type, status, mood
    days_since: int | None  # days since the previous note, None for the first meeting
    carried: list[str]  # first-line text of each carried item (ono inserts them itself)
    goals: list[str]  # the profile's goals
    suggested_questions: list[str]  # questions not asked recently, from the question bank
    carry_here: str  # put {{ carry_here }} on its own line where carried items should go


def load_engine() -> None:
    """Import Jinja2 and its sandbox now, rather than at the first render: ``ono new`` does it
    while another core scans the vault."""
    import jinja2.sandbox  # noqa: F401


def packaged_template_dir() -> Path:
    """The default templates: inside the installed package (wheel), or the source tree's
    top-level ``templates/`` (editable install), the single copy in the repository."""
    package = Path(__file__).resolve().parents[1]  # src/ononotes, or ononotes in a wheel
    for candidate in (package / "templates", package.parents[1] / "templates"):
        if candidate.is_dir() and any(candidate.glob(f"*{TEMPLATE_SUFFIX}")):
            return candidate
    raise TemplateError("the packaged templates are missing; reinstall ononotes")


def template_file_name(name: str) -> str:
    """``name`` -> ``name.md.j2``; refuses anything that could be a path."""
    base = name.removesuffix(TEMPLATE_SUFFIX)
    if not is_slug(base):
        raise TemplateError(
            f"invalid template name {name!r}: use letters, digits, '-', '_' (no paths)"
        )
    return base + TEMPLATE_SUFFIX


def available_templates(vault_templates: Path | None) -> list[str]:
    """Names of every template the vault can use, its own first."""
    names: list[str] = []
    for folder in (vault_templates, packaged_template_dir()):
        if folder and folder.is_dir():
            for path in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")):
                name = path.name.removesuffix(TEMPLATE_SUFFIX)
                if name not in names:
                    names.append(name)
    return names


def template_placeholders(*vault_templates: Path | None) -> frozenset[str]:
    """The literal lines of every template the vaults can use (theirs and the packaged ones):
    lines no Jinja tag touches, which count as nothing written in a note (SPEC §9, see
    ``insights.placeholder_lines``). A template that cannot be read adds nothing."""
    from ononotes.core.insights import placeholder_lines

    texts = []
    for folder in (*vault_templates, packaged_template_dir()):
        if folder is None or not folder.is_dir():
            continue
        for path in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")):
            if path.is_symlink() or not path.is_file():
                continue
            try:
                texts.append(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
    return placeholder_lines(texts)


def _environment(search_path: list[Path]):
    from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
    from jinja2.sandbox import SandboxedEnvironment, SecurityError

    class ContainedLoader(FileSystemLoader):
        """A file loader that will not read through a symlink out of its folders."""

        def get_source(self, environment, template):
            source, filename, uptodate = super().get_source(environment, template)
            real = Path(filename).resolve()
            if not any(real.is_relative_to(Path(folder).resolve()) for folder in self.searchpath):
                raise TemplateNotFound(template)
            return front_matter_values_as_yaml(source), filename, uptodate

    class BoundedEnvironment(SandboxedEnvironment):
        """The sandbox, plus a bound on what one operator, filter or string method may build:
        a template cannot make ``ono new`` hang or run out of memory on
        ``{{ 'a' * 10**10 }}``, ``{{ x | center(10**9) }}`` or ``{{ '%999999999s' % x }}``."""

        intercepted_binops = frozenset({"*", "**", "%"})

        def call_binop(self, context, operator, left, right):
            if operator == "**" and isinstance(right, int) and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"exponent {right} is too large for a template")
            if operator == "*":
                sizes = [
                    len(side) for side in (left, right) if isinstance(side, (str, list, tuple))
                ]
                counts = [side for side in (left, right) if isinstance(side, int)]
                if sizes and counts and sizes[0] * counts[0] > MAX_BUILT:
                    raise SecurityError("the result of * would be too large for a template")
            if operator == "%" and isinstance(left, str):
                check_format(left)
            return super().call_binop(context, operator, left, right)

        def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (jinja's signature)
            if isinstance(getattr(__obj, "__self__", None), str):
                check_string_method(__obj.__self__, __obj.__name__, args, kwargs)
            return super().call(__context, __obj, *args, **kwargs)

        def wrap_str_format(self, value):
            # str.format is wrapped where it is looked up, before any call: check it there
            if isinstance(getattr(value, "__self__", None), str) and getattr(
                value, "__name__", ""
            ) in ("format", "format_map"):
                check_format(value.__self__)
            return super().wrap_str_format(value)

    environment = BoundedEnvironment(
        loader=ContainedLoader([str(p) for p in search_path], followlinks=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    environment.filters.update(bounded_filters(environment.filters))
    environment.filters["yaml"] = yaml_value
    return environment


# ``key: {{ expression }}`` (a comment after it allowed) in a template's front matter
_VALUE_LINE_RE = re.compile(
    r"^(?P<key>[ \t]*[A-Za-z0-9_-]+[ \t]*:[ \t]*)\{\{(?P<expr>(?:(?!\}\}).)+?)-?\}\}"
    r"(?P<rest>[ \t]*(?:#.*)?)$"
)


def front_matter_values_as_yaml(source: str) -> str:
    """A template's source with each front-matter value written ``key: {{ expression }}``
    passed through the ``yaml`` filter: whatever the value holds (a profile's name with a line
    break, a ``--type`` with a colon), it stays that key's one value."""
    lines = source.split("\n")
    if not lines or lines[0].removeprefix("\ufeff").strip() != "---":
        return source
    for number in range(1, len(lines)):
        line = lines[number]
        if line.strip() == "---":
            break
        match = _VALUE_LINE_RE.match(line.rstrip("\r"))
        if match and "| yaml" not in match["expr"] and "|yaml" not in match["expr"]:
            ending = "\r" if line.endswith("\r") else ""
            lines[number] = (
                f"{match['key']}{{{{ ({match['expr'].strip()}) | yaml }}}}{match['rest']}{ending}"
            )
    return "\n".join(lines)


def yaml_value(value: object) -> str:
    """The ``yaml`` filter: a value as one YAML scalar (empty for none)."""
    from ononotes.core.parse import yaml_scalar

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return yaml_scalar(str(value))


# a width or precision of a million characters or more in a format: no note needs it
_HUGE_FORMAT_RE = re.compile(r"[%{:][^%{}]*?\d{7,}")
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def _refuse(message: str):
    from jinja2.exceptions import SecurityError

    raise SecurityError(message)


def check_format(text: str) -> None:
    """A format string (``%``, ``format``, ``str.format``) that asks for a huge width."""
    if _HUGE_FORMAT_RE.search(text):
        _refuse("a format width of a million characters or more is too large for a template")


def _check_width(name: str, width: object) -> None:
    if isinstance(width, int) and not 0 <= width <= MAX_BUILT:
        _refuse(f"{name}: width {width} is out of bounds (0 to {MAX_BUILT:,})")


def _check_replace(name: str, text: str, old: object, new: object, count: object = -1) -> None:
    if not isinstance(old, str) or not isinstance(new, str):
        return
    times = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    if len(text) + times * len(new) > MAX_BUILT:
        _refuse(f"{name}: the result would be too large for a template")


def check_string_method(text: str, name: str, args: tuple, kwargs: dict) -> None:
    """``'x'.center(10**9)``, ``'x'.replace('', 'y' * 1000)``, ``'{:999999999}'.format(x)``."""
    if name in _WIDTH_METHODS and args:
        _check_width(name, args[0])
    elif name == "replace" and len(args) >= 2:
        _check_replace(name, text, *args[:3])
    elif name in ("format", "format_map"):
        check_format(text)


def bounded_filters(filters: dict) -> dict:
    """Jinja's filters that build text of a size they are given, bounded (``truncate(-1)``
    fails an assertion inside Jinja; ``center(10**9)`` fills the memory)."""
    truncate, center, indent = filters["truncate"], filters["center"], filters["indent"]
    replace, format_, wordwrap = filters["replace"], filters["format"], filters["wordwrap"]

    def bounded_truncate(env, text, length=255, killwords=False, end="...", leeway=None):
        if not isinstance(length, int) or not len(str(end)) <= length <= MAX_BUILT:
            _refuse(f"truncate: length {length!r} must be from {len(str(end))} to {MAX_BUILT:,}")
        return truncate(env, text, length, killwords, end, leeway)

    def bounded_center(text, width=80):
        _check_width("center", width)
        return center(text, width)

    def bounded_indent(text, width=4, first=False, blank=False):
        _check_width("indent", width if isinstance(width, int) else len(str(width)))
        return indent(text, width, first, blank)

    def bounded_replace(context, text, old, new, count=None):
        _check_replace("replace", str(text), old, new, -1 if count is None else count)
        return replace(context, text, old, new, count)

    def bounded_format(text, *args, **kwargs):
        check_format(str(text))
        return format_(text, *args, **kwargs)

    def bounded_wordwrap(env, text, width=79, *rest, **kwargs):
        if not isinstance(width, int) or not 1 <= width <= MAX_BUILT:
            _refuse(f"wordwrap: width {width!r} must be from 1 to {MAX_BUILT:,}")
        return wordwrap(env, text, width, *rest, **kwargs)

    for bounded, original in (
        (bounded_truncate, truncate),
        (bounded_replace, replace),
        (bounded_wordwrap, wordwrap),
    ):  # keep Jinja's marks: which filters are passed the environment or the context
        for mark in ("jinja_pass_arg",):
            if hasattr(original, mark):
                setattr(bounded, mark, getattr(original, mark))
    return {
        "truncate": bounded_truncate,
        "center": bounded_center,
        "indent": bounded_indent,
        "replace": bounded_replace,
        "format": bounded_format,
        "wordwrap": bounded_wordwrap,
    }


def _display_path(filename: str | None, vault_root: Path | None, name: str) -> str:
    if not filename:
        return name
    path = Path(filename)
    if vault_root is not None:
        try:
            return path.resolve().relative_to(vault_root.resolve()).as_posix()
        except ValueError:
            pass
    return f"(packaged) templates/{path.name}"


def template_location(name: str, vault_templates: Path | None, vault_root: Path | None) -> str:
    """How messages name template ``name``: ``templates/NAME.md.j2`` when the vault has it, else
    ``(packaged) templates/NAME.md.j2``."""
    file_name = template_file_name(name)
    if vault_templates is not None and (vault_templates / file_name).is_file():
        return _display_path(str(vault_templates / file_name), vault_root, file_name)
    return f"(packaged) templates/{file_name}"


def _runtime_error_line(exc: BaseException, filename: str | None) -> int | None:
    """Jinja2 rewrites tracebacks so template frames carry template line numbers."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if filename and tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_template(
    name: str,
    context: TemplateContext,
    vault_templates: Path | None,
    vault_root: Path | None = None,
) -> str:
    """Render template ``name`` with ``context``; every failure is a TemplateError with
    ``templates/NAME.md.j2:LINE: message``."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError
    from jinja2.exceptions import SecurityError
    from jinja2.exceptions import TemplateError as JinjaError

    file_name = template_file_name(name)
    search_path = [p for p in (vault_templates,) if p and p.is_dir()] + [packaged_template_dir()]
    environment = _environment(search_path)
    try:
        template = environment.get_template(file_name)
    except TemplateNotFound:
        known = ", ".join(available_templates(vault_templates))
        raise TemplateError(f"no template named {name!r}; available: {known}") from None
    except TemplateSyntaxError as exc:
        where = _display_path(exc.filename, vault_root, file_name)
        raise TemplateError(exc.message or "syntax error", where, exc.lineno) from None
    try:
        text = template.render(**context)
    except TemplateNotFound as exc:  # an include, import or extends
        where = _display_path(template.filename, vault_root, file_name)
        raise TemplateError(
            f"template {exc.name!r} not found: include, import and extends see only the vault's "
            "templates folder and the packaged templates",
            where,
            _runtime_error_line(exc, template.filename),
        ) from None
    except (
        JinjaError,
        SecurityError,
        TypeError,
        ValueError,
        ArithmeticError,
        LookupError,
        AttributeError,
        AssertionError,  # a filter's own argument check (jinja asserts some)
        MemoryError,
    ) as exc:
        where = _display_path(template.filename, vault_root, file_name)
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        raise TemplateError(message, where, _runtime_error_line(exc, template.filename)) from None
    except RecursionError:
        raise TemplateError(
            "template recursion too deep", _display_path(template.filename, vault_root, file_name)
        ) from None
    return text if text.endswith("\n") else text + "\n"


__all__ = [
    "TemplateContext",
    "available_templates",
    "packaged_template_dir",
    "render_template",
    "template_location",
]
