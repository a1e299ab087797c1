"""Every command has help with an example, and every option says what it does."""

from __future__ import annotations

import click
import pytest

from itss_graph.cli.main import COMMANDS, cli


def _commands():
    ctx = click.Context(cli)
    out = []

    def walk(command, path):
        out.append((" ".join(path) or "itss", command))
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), [*path, name])

    walk(cli, [])
    return out


COMMAND_LIST = _commands()


@pytest.mark.parametrize("name,command", COMMAND_LIST, ids=[n for n, _ in COMMAND_LIST])
def test_every_option_has_help_and_every_command_an_example(name, command):
    missing = [p.opts[0] for p in command.params
               if isinstance(p, click.Option) and not p.hidden and not (p.help or "").strip()]
    assert not missing, f"{name}: options without help: {missing}"
    assert "Example" in (command.help or ""), f"{name} has no example"


def test_every_verb_is_listed():
    assert {n for n, _ in COMMAND_LIST if " " not in n} - {"itss"} == set(COMMANDS)
