"""The ``ono`` command line: each command parses its options, calls one function, prints.

Errors from the core (``OnoError``) become one line on stderr and a non-zero exit here, in one
place. Heavy modules are imported inside the commands so that ``ono --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from pathlib import Path

from ononotes import __version__
from ononotes.errors import OnoError


class OnoContext(click.Context):
    def make_formatter(self) -> click.HelpFormatter:
        """Click's formatter, given the terminal's width: left to find it, click imports shutil
        (and the compression modules shutil imports), a third of what ``ono --help`` costs
        beyond importing click. The width is found as shutil finds it."""
        import click.formatting

        width = self.terminal_width or click.formatting.FORCED_WIDTH
        if width is None:
            stdout = sys.__stdout__  # None without a console (pythonw): no width, the fallback
            try:
                columns = int(os.environ.get("COLUMNS", "0")) or (
                    os.get_terminal_size(stdout.fileno()).columns if stdout is not None else 0
                )
            except (ValueError, OSError, AttributeError):
                columns = 0
            columns = columns or 80  # shutil's fallback, also for a terminal that says 0
            width = max(min(columns, self.max_content_width or 80) - 2, 50)
        return self.formatter_class(width=width, max_width=self.max_content_width)


class OnoCommand(click.Command):
    context_class = OnoContext


class OnoGroup(click.Group):
    """Turns the core's errors (and OS errors) into one line on stderr and an exit code."""

    context_class = OnoContext
    command_class = OnoCommand
    group_class = type  # subgroups are OnoGroups too

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OnoError as exc:
            raise _failure(str(exc), exc.exit_code) from None
        except BrokenPipeError:
            _reader_gone()
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            raise _failure(f"{where}{exc.strerror or exc}", 1) from None


def _reader_gone() -> NoReturn:
    """The reader of our output went away (``ono todo | head -1``): end quietly and
    successfully, as other command-line tools do, with nothing more written to the pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the flush at exit must not fail again
    except (OSError, ValueError):
        pass
    sys.exit(0)


def _failure(message: str, code: int) -> click.ClickException:
    failure = click.ClickException(message)
    # click types exit_code as a class constant, but it exits with the exception's own
    failure.exit_code = code  # type: ignore[misc]
    return failure


class Settings:
    """What the group options decided, for the commands."""

    def __init__(self, vaults: tuple[str, ...]):
        self.vaults = vaults

    def root(self) -> Path:
        from ononotes.store.vault import find_vault

        return find_vault(self.vaults[0] if self.vaults else None)

    def roots(self) -> list[Path]:
        from ononotes.store.vault import find_vault

        return [find_vault(v) for v in self.vaults] if self.vaults else [find_vault(None)]

    def root_if_any(self) -> Path | None:
        """The vault when there is one, else None (for what works without one)."""
        from ononotes.errors import UsageError

        try:
            return self.root()
        except UsageError:
            if self.vaults:
                raise
            return None


output_option = click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE",
    help="Write to FILE (atomically) instead of printing.",
)


def _today():
    from ononotes.clock import today

    return today()


def _warn(problems) -> None:
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)


def complete_person(ctx: click.Context, param: click.Parameter, incomplete: str):
    """Shell completion of person slugs: everyone with a note or a profile (as the index has
    them: ``People/Alice Moreno/`` is ``alice-moreno``); nothing outside a vault."""
    from ononotes.store.vault import find_vault, load_config, people_in

    vaults = (ctx.find_root().params or {}).get("vault") or ()
    try:
        root = find_vault(vaults[0] if vaults else os.environ.get("ONO_VAULT"))
        people = people_in(root, load_config(root))
    except OnoError:
        return []
    return [
        click.shell_completion.CompletionItem(slug)
        for slug in people
        if slug.startswith(incomplete)
    ]


@click.group(cls=OnoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ono")
@click.option(
    "--vault",
    multiple=True,
    metavar="PATH",
    help="The vault folder (default: $ONO_VAULT, else the nearest folder with ono.toml, else here "
    "if it holds notes). `ono report` takes several.",
)
@click.pass_context
def cli(ctx: click.Context, vault: tuple[str, ...]) -> None:
    """ononotes: 1:1 meetings as Markdown files, with carried action items and reports."""
    if not vault and os.environ.get("ONO_VAULT"):
        vault = (os.environ["ONO_VAULT"],)
    ctx.obj = Settings(vault)


@cli.command()
@click.argument("path", required=False, type=click.Path(file_okay=False))
@click.option("--me", default=None, metavar="SLUG", help="Your own slug (what @me means).")
def init(path: str | None, me: str | None) -> None:
    """Make a vault: ono.toml, .gitignore, a git repo and a first commit. Never clobbers."""
    from pathlib import Path

    from ononotes.app.init import init_vault

    result = init_vault(Path(path or "."), me)
    for name in result.created:
        click.echo(f"created {name}")
    for name in result.existing:
        click.echo(f"kept existing {name}", err=True)
    if result.warning:
        click.echo(f"warning: {result.warning}", err=True)
    click.echo(f"vault ready at {result.root}")


@cli.group()
def person() -> None:
    """The roster: add a person, list everyone."""


@person.command("add")
@click.argument("slug")
@click.option("--name", default=None, help="Full name (default: from the slug).")
@click.option(
    "--cadence", default=None, help="weekly, biweekly, monthly, Nd or Nw (default: ono.toml's)."
)
@click.option("--role", default=None)
@click.option("--relation", default=None, help="report, skip-level, mentee, peer, ...")
@click.option("--since", default=None, metavar="DATE", help="When the 1:1s started (YYYY-MM-DD).")
@click.option("--until", default=None, metavar="DATE", help="When they ended (YYYY-MM-DD).")
@click.pass_obj
def person_add(settings: Settings, slug: str, **fields) -> None:
    """Add a person: writes SLUG/profile.md."""
    from ononotes.app.people import add_person

    path = add_person(settings.root(), slug, **fields)
    click.echo(path)


@person.command("list")
@click.pass_obj
def person_list(settings: Settings) -> None:
    """Everyone with a profile or a note."""
    from ononotes.app.people import list_people
    from ononotes.render.text import people_table

    found = list_people(settings.root(), _today())
    _warn(found.problems)
    click.echo(people_table(found.rows), nl=False)


@cli.command()
@click.argument("slug", shell_complete=complete_person)
@click.option("--date", default=None, metavar="DATE", help="Meeting date (default: today).")
@click.option("--type", "meeting_type", default=None, help="1:1, skip-level, mentor, career, ...")
@click.option("--template", default=None, metavar="NAME", help="Template name (default: by type).")
@click.option("--no-edit", is_flag=True, help="Do not open $VISUAL/$EDITOR.")
@click.option("--dry-run", is_flag=True, help="Print the note instead of writing it.")
@click.option(
    "--private",
    is_flag=True,
    help="Also start a private note for it (in your vault's private/, never shared).",
)
@click.pass_obj
def new(settings: Settings, slug, date, meeting_type, template, no_edit, dry_run, private) -> None:
    """Scaffold the next meeting with SLUG, carrying over every open action item."""
    from ononotes.app.new import new_meeting, new_meeting_notices

    root = settings.root()
    result = new_meeting(root, slug, _today(), date, meeting_type, template, dry_run, private)
    if dry_run:
        click.echo(result.text, nl=False)
        return
    for line in new_meeting_notices(root, slug, result):
        click.echo(line, err=True)
    click.echo(result.path)
    if result.private_path:
        click.echo(result.private_path)
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if editor and not no_edit and sys.stdin.isatty() and sys.stdout.isatty():
        click.edit(filename=str(result.path), editor=editor)


@cli.command("list")
@click.argument("slug", required=False, shell_complete=complete_person)
@click.pass_obj
def list_command(settings: Settings, slug: str | None) -> None:
    """The meetings, newest first."""
    from ononotes.app.meetings import list_meetings
    from ononotes.render.text import meetings_table

    found = list_meetings(settings.root(), _today(), slug)
    _warn(found.problems)
    click.echo(meetings_table(found.rows), nl=False)


@cli.command()
@click.argument("slug", required=False, shell_complete=complete_person)
@click.option(
    "--owner", default=None, metavar="SLUG", help="Only items owned by SLUG (me for yours)."
)
@click.option("--overdue", is_flag=True, help="Only items past their due date.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    help="json: a list with the fields of the report's items (SPEC §8).",
)
@click.pass_obj
def todo(settings: Settings, slug: str | None, owner: str | None, overdue: bool, fmt: str) -> None:
    """Open action items across the vault."""
    from ononotes.app.todo import open_items
    from ononotes.render.report_json import items_json
    from ononotes.render.text import todo_list

    found = open_items(settings.root(), _today(), slug, owner, overdue)
    _warn(found.problems)
    if fmt == "json":
        click.echo(items_json(found.rows), nl=False)
        return
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    click.echo(todo_list(found.rows, found.me, color), nl=False)


@cli.command()
@click.pass_obj
def check(settings: Settings) -> None:
    """Validate every note: one `path:line: message` per problem, exit 1 if any."""
    from ononotes.app.check import check_vault

    vault, problems = check_vault(settings.root(), _today())
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) in {len(vault.notes)} note(s)", err=True)
        sys.exit(1)
    click.echo(f"{len(vault.notes)} note(s), {len(vault.people())} people: no problems", err=True)


@cli.command()
@click.argument(
    "which", required=False, metavar="[cadence|actions]", type=click.Choice(["cadence", "actions"])
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "md", "html"]),
    default=None,
    help="Output format (default: table); html is the dashboard.",
)
@click.option(
    "--as-of",
    default=None,
    metavar="DATE",
    help="The day the report is for (default: today, or $ONO_TODAY).",
)
@click.option(
    "--since",
    default=None,
    metavar="DATE",
    help="Count meetings and items from DATE on (default: all).",
)
@click.option("--until", default=None, metavar="DATE", help="Count up to DATE (default: --as-of).")
@click.option(
    "--person",
    default=None,
    metavar="SLUG",
    shell_complete=complete_person,
    help="Only this person (vault/SLUG in a roll-up).",
)
@output_option
@click.option("--items", is_flag=True, help="List every action item (csv: one row per item).")
@click.option(
    "--site",
    default=None,
    metavar="DIR",
    help="Write the HTML site into DIR: index.html and a page per person (as -o DIR/).",
)
@click.pass_obj
def report(settings: Settings, which: str | None, output: str | None, **options) -> None:
    """Cadence and follow-through reports; both when neither is named. Several --vault roll up.
    --format html -o DIR/ (or --site DIR) writes the HTML site: the team and a page per person."""
    from ononotes.app.report import run_report

    color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    result = run_report(
        settings.roots(),
        which,
        _today(),
        output=output,
        color=color,
        progress=sys.stderr.isatty(),
        **options,
    )
    _warn(result.problems)
    if result.path is not None:
        click.echo(f"wrote {result.path}", err=True)
    else:
        click.echo(result.text, nl=False)


@cli.command("watch")
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE",
    help="The dashboard (default: .ono/dashboard.html), or a folder (DIR/) for the HTML site.",
)
@click.option(
    "--md", "markdown", default=None, metavar="FILE", help="Also keep a Markdown summary current."
)
@click.option("--poll", is_flag=True, help="Poll for changes (network or container mounts).")
@click.option("--commit", is_flag=True, help="Commit changed notes after a quiet period.")
@click.option(
    "--commit-after",
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="The quiet period for --commit.",
)
@click.pass_obj
def watch_command(settings: Settings, output, markdown, poll, commit, commit_after) -> None:
    """Keep the HTML dashboard current as notes change."""
    from ononotes.app.report import run_report
    from ononotes.app.watch import watch_vault

    watch_vault(
        settings.root(),
        _today,
        lambda line: click.echo(line, err=line.startswith(("warning", "error"))),
        run_report,
        output,
        markdown,
        poll,
        commit,
        commit_after,
    )


@cli.command()
@click.argument("slug", shell_complete=complete_person)
@click.argument("remote")
@click.option(
    "--rewrite-me",
    is_flag=True,
    help="Write items owned by @me as @<your slug> in what is shared (changes your notes), so "
    "both sides count them as yours.",
)
@click.pass_obj
def share(settings: Settings, slug: str, remote: str, rewrite_me: bool) -> None:
    """Share SLUG's notes with them: SLUG/ becomes a git repository pushed to REMOTE (empty)."""
    from ononotes.app.share import share_person

    result = share_person(settings.root(), slug, remote, rewrite_me=rewrite_me)
    left_out = [f"{path}: private, left out of the shared history" for path in result.dropped]
    for line in result.warnings + left_out:
        click.echo(f"warning: {line}", err=True)
    if result.rewritten:
        shown = ", ".join(result.rewritten[:5]) + (" ..." if len(result.rewritten) > 5 else "")
        click.echo(
            f"@me written as your slug in {len(result.rewritten)} item(s): {shown}", err=True
        )
    click.echo(f"shared {slug}/ ({result.history} commit(s) of history, {result.pushed} pushed)")
    click.echo(f"{slug} can now: ono clone {result.remote}")


@cli.command("clone")
@click.argument("remote")
@click.argument("folder", required=False)
@click.option(
    "--me",
    default=None,
    metavar="SLUG",
    help="Who you are in these notes (default: the person they are about).",
)
def clone_command(remote: str, folder: str | None, me: str | None) -> None:
    """Make your copy of 1:1 notes shared with you (ono share): clone, me, push guard."""
    from ononotes.app.share import clone_shared_notes

    result = clone_shared_notes(remote, folder, me)
    for line in result.notices:
        click.echo(f"warning: {line}", err=True)
    click.echo(
        f"cloned {result.person}'s shared notes into {result.folder} "
        f'(branch {result.branch}; me = "{result.me}")'
    )


@cli.command()
@click.argument("slug", required=False, shell_complete=complete_person)
@click.pass_obj
def sync(settings: Settings, slug: str | None) -> None:
    """Commit, pull and push shared notes: SLUG's, each shared person's, or this clone's."""
    from ononotes.app.share import raise_for_failures, sync_shared
    from ononotes.errors import UsageError

    try:
        root = settings.root()
    except UsageError:
        from pathlib import Path

        from ononotes.app.share import empty_clone_advice

        advice = None if settings.vaults else empty_clone_advice(Path.cwd())
        if advice:
            raise UsageError(advice) from None
        raise
    results = sync_shared(root, slug)
    for result in results:
        if not result.error:
            click.echo(result.summary)
    raise_for_failures(results)


@cli.command()
@click.argument("slug", shell_complete=complete_person)
@click.argument("text")
@click.option(
    "--by",
    default=None,
    metavar="SLUG",
    shell_complete=complete_person,
    help="Whose point it is: SLUG puts it under Their agenda (default: me, My agenda).",
)
@click.pass_obj
def agenda(settings: Settings, slug: str, text: str, by: str | None) -> None:
    """Add a talking point to the next meeting with SLUG, scaffolding its note if needed."""
    from ononotes.app.agenda import add_agenda

    result = add_agenda(settings.root(), slug, text, _today(), by)
    if result.scaffolded is not None:
        click.echo(
            f"scaffolded the next meeting, carrying {len(result.scaffolded.carried)} open item(s)",
            err=True,
        )
    if not result.added:
        click.echo(f"already under {result.section}: {result.point}", err=True)
    click.echo(result.path)


@cli.command()
@click.argument("slug", shell_complete=complete_person)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md"]),
    default="text",
    help="text for the terminal (default), md for pasting.",
)
@click.pass_obj
def prep(settings: Settings, slug: str, fmt: str) -> None:
    """A brief before the 1:1 with SLUG: cadence, open items, queued topics, last notes, questions."""
    from ononotes.app.prep import prepare_brief
    from ononotes.core.brief import render_brief

    result = prepare_brief(settings.root(), slug, _today())
    _warn(result.problems)
    if result.refreshed:
        click.echo(f"refreshed the carried items of {result.note_path}", err=True)
    click.echo(render_brief(result.brief, fmt), nl=False)


@cli.command()
@click.option(
    "--weeks",
    default=8,
    show_default=True,
    type=click.IntRange(1, 520),
    help="How many weeks ahead.",
)
@output_option
@click.pass_obj
def calendar(settings: Settings, weeks: int, output: str | None) -> None:
    """An iCalendar file of each active person's next 1:1s, by cadence (all-day events)."""
    from ononotes.app.calendar import build_calendar

    result = build_calendar(settings.root(), _today(), weeks, output)
    _warn(result.problems)
    if result.path is None:
        click.echo(result.data, nl=False)
    else:
        click.echo(f"wrote {result.events} event(s) to {result.path}", err=True)


@cli.command()
@click.option(
    "--category",
    default=None,
    metavar="NAME",
    help="Only this category (check-in, wellbeing, career, feedback, team, priorities, or your own).",
)
@click.pass_obj
def questions(settings: Settings, category: str | None) -> None:
    """The question bank: the vault's own questions.toml first, then the packaged one."""
    from ononotes.store.questions import bank_by_category

    # the packaged bank needs no vault: outside one, it is shown alone
    for name, texts in bank_by_category(settings.root_if_any(), category).items():
        click.echo(f"{name}\n" + "".join(f"  - {text}\n" for text in texts))


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option(
    "--metrics",
    is_flag=True,
    help="Numbers only, no 1:1 content (people as salted hashes): for `ono rollup`.",
)
@output_option
@click.pass_obj
def export_command(settings: Settings, fmt: str, metrics: bool, output: str | None) -> None:
    """Every note and item as one JSON object per line (for a warehouse); --metrics: each
    vault's numbers without a word of its notes."""
    from ononotes.app.export import export_metrics, export_vaults

    if metrics:
        result = export_metrics(settings.roots(), _today())
        for notice in result.notices:
            click.echo(notice, err=True)
        text, problems = result.text, list(result.problems)
    else:
        text, problems = export_vaults(settings.roots(), _today())
    _warn(problems)
    _emit(text, output)


@cli.command("rollup")
@click.argument("exports", nargs=-1, required=True, metavar="EXPORTS...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "md", "html"]),
    default=None,
    help="Output format (default: table).",
)
@click.option(
    "--min-group",
    type=int,
    default=None,
    metavar="N",
    help='Fold vaults of fewer than N people into "other" (default: 5).',
)
@output_option
def rollup_command(exports: tuple[str, ...], fmt, min_group, output) -> None:
    """The organisation's numbers from metrics exports (files, folders or globs), by DuckDB
    (pip install 'ononotes[org]'); exit 1 if an export could not be read whole."""
    from ononotes.app.rollup import run_rollup

    color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    result = run_rollup(exports, fmt, min_group, output, color)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    if result.path is not None:
        click.echo(f"wrote {result.path}", err=True)
    elif result.text:
        click.echo(result.text, nl=False)
    if result.problems:
        sys.exit(1)


def _emit(text: str, output: str | None) -> None:
    """Print ``text``, or write it atomically to ``output``."""
    if output is None:
        click.echo(text, nl=False)
        return
    from pathlib import Path

    from ononotes.store.vault import write_atomically

    click.echo(write_atomically(Path(output), text), err=True)


@cli.command()
@click.argument("slug", shell_complete=complete_person)
@click.option("--since", default=None, metavar="DATE", help="From DATE on (default: all).")
@click.option("--until", default=None, metavar="DATE", help="Up to DATE (default: today).")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@output_option
@click.option("--private", is_flag=True, help="Add your private notes (your own draft only).")
@click.pass_obj
def review(settings: Settings, slug, since, until, fmt, output, private) -> None:
    """A review digest of SLUG from the notes: wins, feedback, growth, goals, completed items."""
    from ononotes.app.review import review_digest

    result = review_digest(settings.root(), slug, _today(), since, until, fmt, private, output)
    _warn(result.problems)
    _emit(result.text, output)


@cli.command()
@click.argument("slug", shell_complete=complete_person)
@click.argument("dest")
@click.pass_obj
def handover(settings: Settings, slug: str, dest: str) -> None:
    """Hand SLUG to a new manager: profile, notes, open items, goals into DEST (a new folder or an
    empty git remote); never your private notes."""
    from ononotes.app.handover import hand_over

    result = hand_over(settings.root(), slug, dest, _today())
    for line in [f"left out {path}" for path in result.left_out] + result.warnings:
        click.echo(f"warning: {line}", err=True)
    click.echo(result.summary)


@cli.command()
def lsp() -> None:
    """The language server for editors, over stdio (see docs/editors.md)."""
    from ononotes.editor.server import serve

    sys.exit(serve())


def main() -> None:
    """Run ``ono``."""
    try:
        cli(prog_name="ono")
    except BrokenPipeError:  # raised while click itself writes (help, an error line)
        _reader_gone()
