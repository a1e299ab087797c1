"""The message catalogue of ITSS Graph: extract, update, compile, check.

    .venv/bin/python scripts/i18n.py update     # extract into itss_graph/locale/itss.pot, merge
                                                # into each .po (new messages untranslated)
    .venv/bin/python scripts/i18n.py compile    # .po -> .mo (the files the package reads)
    .venv/bin/python scripts/i18n.py check      # untranslated, fuzzy, obsolete, stale .mo

Messages come from three places: the package's ``_()``, ``ngettext()`` and ``N_()`` calls
(Babel's Python extractor); the help of every command and option, read from the click
commands themselves (so help stays ordinary docstrings and ``help=`` strings); and the click
messages people see (usage, errors), listed in :data:`CLICK_MESSAGES`. English is the source
language: only ``zh`` has a catalogue. Both .po and .mo are committed; tests/test_i18n.py runs
``check``, so a message without a translation, or a .mo older than its .po, fails the suite.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "itss_graph"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "itss.pot"
LANGUAGES = ("zh",)
KEYWORDS = {"_": None, "N_": None, "M_": None, "Mn_": (1, 2), "ngettext": (1, 2), "_n": (1, 2), "C_": ((1, "c"), 2), "pgettext": ((1, "c"), 2)}

# click's own messages shown by `itss` (help layout and usage errors); msgids as click writes them
CLICK_MESSAGES = [
    "Usage:", "Options", "Commands", "Show this message and exit.", "Show the version and exit.",
    "Try '{command} {option}' for help.", "Error: {message}", "Invalid value for {param_hint}: {message}",
    "Invalid value: {message}", "Missing argument", "Missing option", "Missing parameter", "Missing command.",
    "No such command {name!r}.", "No such option {name!r}.", "default: {default}", "env var: {var}",
    "Aborted!", "{value!r} is not a valid {number_type}.", "{value} is not in the range {range}.",
    "{name} {filename!r} does not exist.", "{name} {filename!r} is a directory.", "file", "path", "directory",
    "%(prog)s, version %(version)s", "required",
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
]


def command_help() -> list[tuple[str, str]]:
    """(message, where) for the help of every command and option, and the verbs' summaries."""
    import click

    sys.path.insert(0, str(REPO))
    from itss_graph.cli.main import COMMANDS, cli

    out: list[tuple[str, str]] = []
    ctx = click.Context(cli)

    def walk(command: click.Command, path: str) -> None:
        originals = getattr(command, "_itss_originals", None)
        help_text = originals[0] if originals else command.help
        if help_text:
            out.append((help_text, f"{path}/--help"))
        for param in command.params:
            text = getattr(param, "help", None)
            if originals:
                text = originals[2][command.params.index(param)]
            if text:
                out.append((text, f"{path}/{param.opts[0]}"))
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), f"{path}/{name}")

    walk(cli, "itss")
    out += [(summary, f"itss/--help/{verb}") for verb, (_, _, summary) in COMMANDS.items()]
    return out


def extract():
    """The catalogue template of the package as it is now (a babel Catalog)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="itss-graph", domain="itss", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
        catalog.add(message, None, [(f"itss_graph/{filename}", lineno)], auto_comments=comments, context=context)
    for message, where in command_help():
        catalog.add(message, None, [(where, 0)], flags=("python-brace-format",) if False else ())
    for message in CLICK_MESSAGES:
        catalog.add(message, None, [("click", 0)])
    return catalog


def _read(path: Path, locale: str | None = None):
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return read_po(fh, locale=locale, domain="itss")


def _write_po(catalog, path: Path) -> None:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, include_previous=False, omit_header=False)
    path.write_bytes(buffer.getvalue())


def mo_bytes(po_path: Path) -> bytes:
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, _read(po_path), use_fuzzy=False)
    return buffer.getvalue()


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "itss.po"


def update() -> None:
    from babel.messages.catalog import Catalog

    template = extract()
    LOCALE.mkdir(parents=True, exist_ok=True)
    _write_po(template, POT)
    for lang in LANGUAGES:
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = _read(path, lang) if path.exists() else Catalog(locale=lang, domain="itss", project="itss-graph")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        _write_po(catalog, path)


def compile_all() -> None:
    for lang in LANGUAGES:
        path = po_path(lang)
        path.with_suffix(".mo").write_bytes(mo_bytes(path))


def problems() -> list[str]:
    """What is wrong with the catalogue: messages of the code missing from a .po, untranslated
    or fuzzy ones, stale .mo files."""
    template = extract()
    out: list[str] = []
    for lang in LANGUAGES:
        path = po_path(lang)
        if not path.exists():
            return [f"{path}: missing"]
        catalog = _read(path, lang)
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id, context=message.context)
            where = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
            if found is None:
                out.append(f"{lang}: not in the catalogue: {message.id!r} ({where}); run scripts/i18n.py update")
            elif found.fuzzy or not (all(found.string) if isinstance(found.string, tuple) else found.string):
                out.append(f"{lang}: no translation: {message.id!r} ({where})")
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(path):
            out.append(f"{mo}: out of date; run scripts/i18n.py compile")
    return out


def stats() -> dict[str, int]:
    template = extract()
    catalog = _read(po_path("zh"), "zh")
    ids = [m.id for m in template if m.id]
    translated = sum(1 for i in ids if catalog.get(i) is not None and catalog.get(i).string)
    return {"messages": len(ids), "translated_zh": translated, "untranslated_zh": len(ids) - translated}


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "check"
    if action == "update":
        update()
    elif action == "compile":
        compile_all()
    elif action == "stats":
        print(stats())
    else:
        found = problems()
        print("\n".join(found) or "catalogue complete")
        sys.exit(1 if found else 0)
