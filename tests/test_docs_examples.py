"""Every `itss` command the documentation and the CLI help show runs as written.

Sources: the ``sh``/``bash``/``console`` blocks (and ``$ itss`` lines of output samples) of
README.md, docs/*.md, loaders/README.md, queries/README.md and examples/README.md, and the
"Examples:" section of every command's ``--help``.

Each documentation file runs top to bottom in a fresh working directory that looks like a
clone after ``make demo``: the repository's data folders, and ``out/demo/itss.db`` built by
``itss demo``. ``export NAME=VALUE`` lines set the environment for the lines after them (so a
README can say ``export ITSS_STORE=out/demo/itss.db``). Help examples run each on their own,
with ``ITSS_STORE=out/demo/itss.db`` and the NetBox sample loaded into ``netbox.db``.

A line runs in bash (pipes and redirections work) and must exit 0, unless it ends with the
comment ``# exit N`` (e.g. ``--fail-on-gap``). Lines that cannot run as written — a placeholder
file name, a NetBox URL, a server that runs until stopped — end with the comment ``# template``
(a whole block: the info string ``sh template``). Other shell lines (``make``, ``source``,
benchmarks) are not run here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / "loaders" / "README.md",
        REPO / "queries" / "README.md", REPO / "examples" / "README.md"]
LINKED = ("samples", "examples", "queries", "loaders", "ontology", "whitepaper")
SHELL_INFO = {"sh", "bash", "console", "shell"}
_FENCE = re.compile(r"^(\s*)```(.*)$")
_EXIT = re.compile(r"#\s*exit\s+(\d+)\b")


@dataclass(frozen=True)
class Example:
    source: str  # file:line, or "itss VERB --help"
    command: str  # the line as written (comments kept: bash ignores them)
    template: bool = False

    @property
    def exit_status(self) -> int:
        match = _EXIT.search(self.command)
        return int(match.group(1)) if match else 0


def doc_examples(path: Path) -> list[Example]:
    """The itss and export lines of a Markdown file's shell blocks and output samples."""
    out: list[Example] = []
    in_block, info = False, ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        fence = _FENCE.match(line)
        if fence:
            in_block, info = (not in_block), fence.group(2).strip().lower()
            continue
        if not in_block:
            continue
        words = info.split()
        text = line.strip()
        if text.startswith("$ "):
            text = text[2:]
        elif not words or words[0] not in SHELL_INFO:
            continue
        if text.startswith(("itss ", "export ")):
            out.append(Example(f"{_shown(path)}:{number}", text,
                               "template" in words or _is_template(text)))
    return out


def help_examples() -> list[Example]:
    """The `itss ...` lines of every command's help (groups and their sub-commands)."""
    import click

    from itss_graph.cli.main import cli

    out: list[Example] = []

    def visit(command: click.Command, path: list[str]) -> None:
        ctx = click.Context(command, info_name=" ".join(path))
        text = command.get_help(ctx)
        _, _, after = text.partition("Example")
        for line in after.splitlines():
            line = line.strip()
            if line.startswith("itss "):
                out.append(Example(f"{' '.join(path)} --help", line, _is_template(line)))
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                visit(command.get_command(ctx, name), [*path, name])

    visit(cli, ["itss"])
    return out


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def _is_template(line: str) -> bool:
    return bool(re.search(r"#\s*template\b", line))


@pytest.fixture(scope="session")
def clone_after_demo(tmp_path_factory) -> Path:
    """A directory that looks like the repository after `make demo` (and the NetBox sample
    loaded into netbox.db, for the help examples)."""
    base = tmp_path_factory.mktemp("clone")
    for name in LINKED:
        (base / name).symlink_to(REPO / name)
    done = _run("itss demo --dir out/demo", base, {})
    assert done.returncode == 0, done.stderr
    done = _run("itss load samples/netbox-demo/ --store netbox.db", base, {})
    assert done.returncode == 0, done.stderr
    return base


def _fresh(clone: Path, target: Path) -> Path:
    shutil.copytree(clone, target, symlinks=True)
    return target


def _run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if k not in ("ITSS_STORE", "NEO4J_URI")}
    full_env = {**inherited, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **env}
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=300)


def _check(example: Example, cwd: Path, env: dict[str, str]) -> str | None:
    done = _run(example.command, cwd, env)
    if done.returncode != example.exit_status:
        return (f"{example.source}: `{example.command}` exited {done.returncode} "
                f"(expected {example.exit_status}): {(done.stderr or done.stdout).strip()[:400]}")
    if "Traceback" in done.stderr:
        return f"{example.source}: `{example.command}` printed a traceback"
    return None


@pytest.mark.parametrize("doc", DOCS, ids=[str(p.relative_to(REPO)) for p in DOCS])
def test_documented_commands_run(doc, clone_after_demo, tmp_path):
    cwd = _fresh(clone_after_demo, tmp_path / "clone")
    env: dict[str, str] = {}
    failures = []
    for example in doc_examples(doc):
        if example.template:
            continue
        if example.command.startswith("export "):
            name, _, value = example.command[len("export "):].split("#")[0].strip().partition("=")
            env[name] = value.strip().strip("'\"")
            continue
        failure = _check(example, cwd, env)
        if failure:
            failures.append(failure)
    assert not failures, "\n".join(failures)


def test_every_command_help_runs(clone_after_demo, tmp_path):
    failures = []
    examples = [e for e in help_examples() if not e.template]
    for k, example in enumerate(examples):
        cwd = _fresh(clone_after_demo, tmp_path / f"c{k}")
        failure = _check(example, cwd, {"ITSS_STORE": "out/demo/itss.db"})
        if failure:
            failures.append(failure)
        shutil.rmtree(cwd, ignore_errors=True)
    assert not failures, "\n".join(failures)


def test_the_extractors_find_examples_and_templates(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("```sh\nitss impact a  # template\nexport ITSS_STORE=x.db\nmake demo\n```\n"
                   "```\n$ itss spof s\nid\n```\n```sh template\nitss load FILE\n```\n"
                   "```python\nitss = 1\n```\n", encoding="utf-8")
    found = [(e.command.split()[1], e.template) for e in doc_examples(doc)]
    assert found == [("impact", True), ("ITSS_STORE=x.db", False), ("spof", False), ("load", True)]
    assert Example("-", "itss gap --fail-on-gap  # exit 1").exit_status == 1
    assert len(help_examples()) > 40
