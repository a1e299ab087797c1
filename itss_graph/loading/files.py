"""Which paths may be read as inputs: regular files only, each refusal a located problem.

Opening a FIFO blocks until someone writes to it, a directory or a dangling symbolic link
raises deep inside a parser, and a symbolic-link loop or a file without read permission raise
``OSError`` s that would reach people as tracebacks. Every reader asks :func:`require_file`
first (and :func:`input_problem` when it only wants the reason), so all of these become one
line ``FILE: MESSAGE`` with exit status 2.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> input_problem(d / "nothing.csv").message
    'no such file or directory'
    >>> input_problem(d).message
    'is a directory, not a file'
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from itss_graph.errors import InputError, Problem
from itss_graph.i18n import M_


def input_problem(path: Path) -> Problem | None:
    """Why ``path`` cannot be read as an input file, or None when it is a readable regular file
    (symbolic links are followed)."""
    name = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return Problem(name, None, None,
                           M_("is a symbolic link to {readlink!r}, which does not exist",
                              readlink=os.readlink(path)))
        return Problem(name, None, None, M_("no such file or directory"))
    except OSError as exc:
        return Problem(name, None, None, _os_reason(exc))
    if stat.S_ISDIR(info.st_mode):
        return Problem(name, None, None, M_("is a directory, not a file"))
    if not stat.S_ISREG(info.st_mode):
        return Problem(name, None, None, M_("is {kind}, not a regular file; save the data to a file and load that",
                                            kind=_kind(info.st_mode)))
    try:  # the kernel's answer, not os.access(): root, ACLs and read-only mounts included
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return Problem(name, None, None, _os_reason(exc))
    os.close(fd)
    return None


def require_file(path: Path) -> None:
    """Raise :class:`InputError` unless ``path`` is a readable regular file."""
    problem = input_problem(path)
    if problem is not None:
        raise InputError([problem])


def read_problem(path: Path, exc: OSError) -> InputError:
    """An ``OSError`` met while reading an input (it changed under us) as an input error."""
    return InputError([Problem(str(path), None, None, M_("cannot be read: {os_reason}",
                                                         os_reason=_os_reason(exc)))])


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return M_("is a symbolic link loop (a link that leads back to itself)")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return M_("permission denied: the file cannot be read by this user")
    if exc.errno == errno.ENAMETOOLONG:
        return M_("the path is too long")
    return exc.strerror or str(exc)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return M_("a named pipe (FIFO)")
    if stat.S_ISSOCK(mode):
        return M_("a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return M_("a device")
    return M_("not a regular file")
