"""Plain-text tables that fit the terminal and line up with Chinese text.

Widths are display widths (:func:`display_width`, the ``wcwidth`` library: CJK and emoji take
two columns, combining marks none). A table wider than the terminal (:func:`table_width`:
``COLUMNS``, else the terminal's size; no limit when the output is not a terminal, or after
``--wide``) gives way from its widest columns down: their cells wrap onto continuation lines —
at spaces, or between CJK characters — and a cell that would need more than
:data:`MAX_LINES` lines keeps its first lines and its end, with ``…`` between, so that two
titles that differ only at the end (GB/T 28827 part 1, part 2 …) never read the same.

Example:
    >>> print(render_table(["id", "名称"], [["a", "服务器"], ["bb", "x"]]))
    id  名称
    --  ------
    a   服务器
    bb  x
    >>> print(render_table(["#", "title"], [[1, "IT service — O&M — Part 1: General requirements"],
    ...                                     [2, "IT service — O&M — Part 2: Delivery specification"]], width=30))
    #  title
    -  ---------------------------
    1  IT service — O&M — Part 1:
       General requirements
    2  IT service — O&M — Part 2:
       Delivery specification
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Any, Sequence

#: most lines one cell takes when wrapped; longer text is elided in the middle
MAX_LINES = 3
#: a column is not made narrower than this (nor than its header), unless its content is
MIN_COLUMN = 8
#: a word (an id, a code) up to this wide is not cut when the table can avoid it
MAX_WORD = 30
GAP = "  "
ELLIPSIS = "…"

_AUTO = object()
_width_override: object = _AUTO


def set_table_width(width: int | None) -> None:
    """Fix the width tables fit (None: never cut, as ``--wide``), instead of the terminal's."""
    global _width_override
    _width_override = width


def table_width() -> int | None:
    """The width tables fit: set by :func:`set_table_width`, else ``COLUMNS``, else the
    terminal's width when standard output is a terminal, else None (no limit: a pipe or a
    file gets whole lines)."""
    if _width_override is not _AUTO:
        return _width_override  # type: ignore[return-value]
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if sys.stdout.isatty():
            return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        pass
    return None


# Text made only of these characters needs no wcwidth (whose import costs more than a small
# answer): narrow ones take a column, wide ones (CJK ideographs and punctuation, fullwidth
# forms) two, exactly as wcwidth says (tests/test_table.py compares every one of them). Plain
# comparisons: a regular expression of these ranges costs 10 ms to compile.
# (arrows and geometric shapes: the ``↳`` and ``■`` markers of answers)
_NARROW = ((0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x2027), (0x2030, 0x205E), (0x2190, 0x2319), (0x25A0, 0x25FC))
_WIDE = ((0x3001, 0x3029), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF01, 0xFF60), (0xFFE0, 0xFFE6))


def simple_width(text: str) -> int | None:
    """Display width of text made only of the characters above, else None.

    >>> simple_width("服务器 a1"), simple_width("e\\u0301")
    (9, None)
    """
    width = 0
    for ch in text:
        c = ord(ch)
        if c < 0x7F:
            if c < 0x20:
                return None
            width += 1
        elif 0x4E00 <= c <= 0x9FFF:  # CJK ideographs: most of the wide text answers carry
            width += 2
        elif any(a <= c <= b for a, b in _WIDE):
            width += 2
        elif any(a <= c <= b for a, b in _NARROW):
            width += 1
        else:
            return None
    return width


def display_width(text: str) -> int:
    """Terminal columns a string takes.

    >>> display_width("服务器"), display_width("e\\u0301"), display_width("🔥 ok"), display_width("ＡＢ")
    (6, 1, 5, 4)
    """
    if text.isascii() and text.isprintable():
        return len(text)
    width = simple_width(text)
    if width is not None:
        return width
    from wcwidth import wcswidth, wcwidth

    width = wcswidth(text)
    if width >= 0:
        return width
    return sum(max(wcwidth(ch), 0) for ch in text)  # control characters take nothing


def _longest_word(text: str) -> int:
    """The widest piece a line cannot be broken in (:func:`_pieces`)."""
    return max((display_width(piece) for piece in _pieces(text)), default=0)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    # a table row is one line: show control characters and newlines visibly
    return text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", " ")


def _clusters(text: str) -> list[str]:
    """Characters with their combining marks (a mark never starts a line)."""
    if simple_width(text) is not None:  # no combining marks
        return list(text)
    from wcwidth import wcwidth

    out: list[str] = []
    for ch in text:
        if out and wcwidth(ch) == 0:
            out[-1] += ch
        else:
            out.append(ch)
    return out


def wrap(text: str, width: int, later: int | None = None) -> list[str]:
    """``text`` in lines of at most ``width`` display columns: broken at spaces, between wide
    (CJK) characters, or — for a word longer than a line — anywhere. Lines after the first
    are at most ``later`` columns when given.

    >>> wrap("Information technology service — Operation", 16)
    ['Information', 'technology', 'service —', 'Operation']
    >>> wrap("信息技术服务 运行维护 第1部分：通用要求", 12)
    ['信息技术服务', '运行维护 第1', '部分：通用要', '求']
    >>> wrap("标准适用于数据中心的运行维护服务", 12)
    ['标准适用于数', '据中心的运行', '维护服务']
    """
    first, later = max(width, 1), max(later or width, 1)
    lines: list[str] = []
    line, line_width = "", 0
    pending_space = False
    for piece in _pieces(text):
        if piece == " ":
            pending_space = bool(line)
            continue
        width = first if not lines else later
        w = display_width(piece)
        gap = 1 if pending_space else 0
        if line and line_width + gap + w <= width:
            line, line_width = line + " " * gap + piece, line_width + gap + w
        elif w <= (later if line or lines else first):  # fits a line of its own
            if line:
                lines.append(line)
            line, line_width = piece, w
        else:  # a word longer than a line: cut it
            if line and line_width + gap < width:
                line, line_width = line + " " * gap, line_width + gap
            elif line:
                lines.append(line)
                line, line_width = "", 0
            for cluster in _clusters(piece):
                cw = display_width(cluster)
                if line_width + cw > (first if not lines else later) and line:
                    lines.append(line)
                    line, line_width = "", 0
                line, line_width = line + cluster, line_width + cw
        pending_space = False
    if line or not lines:
        lines.append(line)
    return lines


def _pieces(text: str) -> list[str]:
    """Words and single spaces; a word of wide (CJK) characters only is cut into single
    characters (a line may break between them), one mixed with Latin letters or digits — an
    identifier such as ``kb:std-运维-1`` — stays whole."""
    out: list[str] = []
    for k, word in enumerate(text.split(" ")):
        if k:
            out.append(" ")
        if not word:
            continue
        if any(ch.isascii() and ch.isalnum() for ch in word):
            out.append(word)
            continue
        run = ""
        for cluster in _clusters(word):
            if display_width(cluster) >= 2:
                if run:
                    out.append(run)
                    run = ""
                out.append(cluster)
            else:
                run += cluster
        if run:
            out.append(run)
    return out


def fit_cell(text: str, width: int, max_lines: int = MAX_LINES) -> list[str]:
    """A cell's lines at ``width``: wrapped, and when that takes more than ``max_lines``,
    its first lines and its end with ``…`` between.

    >>> fit_cell("GB/T 28827.3 Information technology service — Operation and maintenance — "
    ...          "Part 3: Emergency response specification", 23, 2)
    ['GB/T 28827.3', '…response specification']
    """
    if display_width(text) <= width:
        return [text]
    lines = wrap(text, width)
    if len(lines) <= max_lines:
        return lines
    head = lines[: max_lines - 1]
    return head + [ELLIPSIS + _tail(text, width - display_width(ELLIPSIS))]


def _tail(text: str, width: int) -> str:
    """The end of ``text`` that fits ``width`` columns (as much of it as fits: a cut word
    tells two titles apart better than a shorter tail)."""
    out: list[str] = []
    used = 0
    for cluster in reversed(_clusters(text)):
        w = display_width(cluster)
        if used + w > width:
            break
        out.append(cluster)
        used += w
    return "".join(reversed(out)).strip()


def elide(text: str, width: int) -> str:
    """``text`` on one line of at most ``width`` columns: its start and its end, ``…`` between.

    >>> elide("Information technology service — Part 3: Emergency response", 30)
    'Information tec…gency response'
    """
    if display_width(text) <= width:
        return text
    keep = width - display_width(ELLIPSIS)
    head_clusters, head, used = _clusters(text), "", 0
    for cluster in head_clusters:
        w = display_width(cluster)
        if used + w > (keep + 1) // 2:
            break
        head, used = head + cluster, used + w
    tail, tail_used = "", 0
    for cluster in reversed(head_clusters):
        w = display_width(cluster)
        if used + tail_used + w > keep:
            break
        tail, tail_used = cluster + tail, tail_used + w
    return head + ELLIPSIS + tail


def column_widths(natural: Sequence[int], minimum: Sequence[int], available: int) -> list[int]:
    """Widths that fit ``available`` columns: the widest columns are capped at one level, the
    highest that fits (never below their minimum).

    >>> column_widths([10, 40, 30], [8, 8, 8], 60)
    [10, 25, 25]
    """
    if sum(natural) <= available:
        return list(natural)
    low, high = 0, max(natural)
    while low < high:  # the highest cap whose widths fit
        cap = (low + high + 1) // 2
        if sum(min(n, max(cap, m)) for n, m in zip(natural, minimum)) <= available:
            low = cap
        else:
            high = cap - 1
    widths = [min(n, max(low, m)) for n, m in zip(natural, minimum)]
    spare = available - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: -natural[i]):  # hand out what is left
        if spare <= 0:
            break
        extra = min(spare, natural[i] - widths[i])
        widths[i] += extra
        spare -= extra
    return widths


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, width: Any = _AUTO) -> str:
    """Align ``rows`` under ``headers`` with two spaces between columns, fitting ``width``
    display columns (default :func:`table_width`; None: no limit)."""
    width = table_width() if width is _AUTO else width
    cells = [[_cell(v) for v in row] for row in rows]
    heads = [_cell(h) for h in headers]
    natural = [display_width(h) for h in heads]
    for row in cells:
        for i, value in enumerate(row):
            natural[i] = max(natural[i], display_width(value))
    widths = natural
    available = None if width is None else width - len(GAP) * (len(natural) - 1)
    if available is not None and sum(natural) > available:
        least = [min(n, max(display_width(h), MIN_COLUMN)) for n, h in zip(natural, heads)]
        longest = [max((_longest_word(row[i]) for row in cells if i < len(row)), default=0)
                   for i in range(len(natural))]
        minimum = least
        for cap in range(MAX_WORD, MIN_COLUMN, -2):  # no word cut (an id, a code) if that fits
            words = [min(n, max(m, min(w, cap))) for n, m, w in zip(natural, least, longest)]
            if sum(words) <= available:
                minimum = words
                break
        widths = column_widths(natural, minimum, available)

    def line(values: Sequence[str]) -> str:
        padded = [v + " " * (w - display_width(v)) for v, w in zip(values, widths)]
        return GAP.join(padded).rstrip()

    out = [line(heads), line(["-" * w for w in widths])]
    for row in cells:
        parts = [fit_cell(v, w) for v, w in zip(row, widths)]
        for k in range(max((len(p) for p in parts), default=1)):
            out.append(line([p[k] if k < len(p) else "" for p in parts]))
    return "\n".join(out)


def fit_text(text: str, *, indent: str = "", hanging: str = "", width: Any = _AUTO) -> str:
    """A line of free text wrapped to the table width (:func:`table_width`; unchanged when
    None), its first line after ``indent``, the next ones after ``hanging``.

    >>> print(fit_text("category: database --itss:category--> 040301 Basic software O&M services",
    ...                indent="   ", hanging="      ", width=40))
       category: database --itss:category-->
          040301 Basic software O&M services
    """
    width = table_width() if width is _AUTO else width
    if width is None or display_width(indent + text) <= width:
        return indent + text
    lines = wrap(text, width - display_width(indent), width - display_width(hanging))
    return "\n".join([indent + lines[0]] + [hanging + line for line in lines[1:]])


def _lead(line: str) -> tuple[str, str]:
    """The indent and list marker that begin ``line`` (``^(\\s*)((?:[-*•■↳]|\\d+\\.)\\s+)?``,
    read without importing re: ~5 ms of a cold query in a terminal), and the indent of its
    continuation lines: under the text after the marker, or two columns deeper than ``line``.

    >>> _lead("  - item"), _lead("12. step"), _lead("  plain"), _lead("-x"), _lead("3.5 kW")
    (('  - ', '    '), ('12. ', '    '), ('  ', '    '), ('', '  '), ('', '  '))
    """
    end = len(line)
    start = 0
    while start < end and line[start].isspace():  # (str.isspace is re's \s, str.isdecimal its \d)
        start += 1
    stop = start
    if stop < end and line[stop] in "-*•■↳":
        stop += 1
    else:
        while stop < end and line[stop].isdecimal():
            stop += 1
        stop = stop + 1 if start < stop < end and line[stop] == "." else start
    if stop > start and stop < end and line[stop].isspace():
        while stop < end and line[stop].isspace():
            stop += 1
        return line[:stop], " " * display_width(line[:stop])
    return line[:start], line[:start] + "  "


def fit_lines(text: str, *, width: Any = _AUTO) -> str:
    """Every line of ``text`` wider than the table width (:func:`table_width`) wrapped, its
    continuation lines indented under the text after its own indent and list marker (``-``,
    ``■``, ``↳``, ``1.``), or two columns deeper. Tables made by :func:`render_table` already
    fit and pass unchanged.

    >>> print(fit_lines("Title\\n  ↳ Table 3-5 Basic correspondence between activity types and key tasks", width=40))
    Title
      ↳ Table 3-5 Basic correspondence
        between activity types and key tasks
    """
    width = table_width() if width is _AUTO else width
    if width is None:  # a pipe or a file: whole lines
        return text
    out = []
    for line in text.split("\n"):
        if display_width(line) <= width:
            out.append(line)
            continue
        lead, hanging = _lead(line)
        out.append(fit_text(line[len(lead):], indent=lead, hanging=hanging, width=width))
    return "\n".join(out)
