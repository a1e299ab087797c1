"""JSON and YAML documents read with bounded work and located problems.

A document is read whole, so what it may hold is limited — every limit is a located problem,
never a traceback, a hang or a silent change:

* **duplicate keys** are refused (``json`` and PyYAML would keep the last one silently);
* **numbers** longer than :data:`MAX_NUMBER_CHARS` characters (a 5000-digit integer takes
  Python's ``int()`` to its conversion limit; no inventory value needs one);
* **nesting** deeper than :data:`MAX_DEPTH` levels (1000 nested arrays exhaust the parser's
  recursion), and YAML **aliases** that expand to more than :data:`MAX_YAML_NODES` values or
  refer to themselves (a 700-byte "billion laughs" document otherwise expands forever);
* YAML values its constructors cannot make (the date ``2024-02-30``);
* the file's size: :data:`MAX_JSON_BYTES`, :data:`MAX_YAML_BYTES` (PyYAML reads about a
  megabyte a second).

Line numbers: :class:`JsonLineIndex` finds where the elements of a top-level array start (and
where top-level keys are) without a second parser; YAML nodes carry their marks.

Example:
    >>> parse_json("x.json", '{"a": 1, "a": 2}')[1]
    [Problem(file='x.json', line=1, field='a', message='key appears twice in the same object (only one can be kept)', value=None, column=None)]
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from pathlib import Path
from typing import Any

from itss_graph.errors import InputError, Problem
from itss_graph.i18n import M_

MAX_DEPTH = 32                 # nesting levels of one document value
MAX_NUMBER_CHARS = 100         # characters of one number literal
MAX_YAML_NODES = 2_000_000     # values a YAML document may expand to (aliases counted)
MAX_JSON_BYTES = 1 << 30
MAX_YAML_BYTES = 64 << 20


class Oversized:
    """A number literal too long to be read: kept as its text until it is reported."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def message(self) -> str:
        return (M_("number {text}… has {len} characters; at most {MAX_NUMBER_CHARS} (write it in quotes to keep it as text)", text=self.text[:20], len=len(self.text), MAX_NUMBER_CHARS=MAX_NUMBER_CHARS))


class Duplicates(dict):
    """A JSON object in which a key appeared more than once (what json.loads would drop)."""

    duplicates: list[str]


def decode_text(path: Path, encoding: str | None = None, *, limit: int | None = None
                ) -> tuple[str, str]:
    """The whole text of a (small) document file and the encoding it was read with."""
    from itss_graph.loading.encoding import scan_file
    from itss_graph.loading.files import read_problem

    scan = scan_file(path, encoding)
    if limit is not None and scan.size > limit:
        raise InputError([Problem(str(path), None, None,
                                  M_("is {size} MiB; documents are read whole, at most {limit} MiB: split it or convert it to CSV",
                                     size=scan.size >> 20, limit=limit >> 20))])
    try:
        text = path.read_bytes().decode(scan.encoding)
    except OSError as exc:
        raise read_problem(path, exc) from None
    return text.removeprefix("\ufeff"), scan.encoding


# -- JSON -------------------------------------------------------------------------------------

def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    seen: set[str] = set()
    marked = Duplicates(result)
    marked.duplicates = [k for k, _ in pairs if k in seen or seen.add(k)]  # type: ignore[func-returns-value]
    return marked


def _number(text: str, convert) -> Any:
    return Oversized(text) if len(text) > MAX_NUMBER_CHARS else convert(text)


def parse_json(name: str, text: str) -> tuple[Any, list[Problem]]:
    """The parsed document and the problems of its top level (duplicate top-level keys);
    malformed or too deeply nested JSON is an InputError naming the line. Problems inside
    values (duplicate keys, long numbers, depth) are found by :func:`value_problem`."""
    try:
        document = json.loads(text, object_pairs_hook=_pairs,
                              parse_int=lambda s: _number(s, int),
                              parse_float=lambda s: _number(s, float))
    except json.JSONDecodeError as exc:
        raise InputError([Problem(name, exc.lineno, None, M_("malformed JSON: {msg}",
                                                             msg=exc.msg))]) from None
    except RecursionError:
        offset = _deep_offset(text, MAX_DEPTH)
        raise InputError([Problem(name, text.count("\n", 0, offset) + 1, None,
                                  M_("nested more than {MAX_DEPTH} levels deep",
                                     MAX_DEPTH=MAX_DEPTH))]) from None
    problems: list[Problem] = []
    if isinstance(document, Duplicates):
        lines = JsonLineIndex(text).key_lines()
        for key in dict.fromkeys(document.duplicates):
            where = lines.get(key, [1])
            problems.append(Problem(name, where[1] if len(where) > 1 else where[0], key,
                                    M_("key appears twice in the same object (only one can be kept)")))
    return document, problems


def parse_json_located(name: str, text: str) -> tuple[Any, list[Problem], dict[str, list[int]]]:
    """As :func:`parse_json`, and the start line of every element of each array under a
    top-level key — found while decoding (the text is decoded once: the top level is walked
    here, each element decoded by the json module's C scanner as it is met).

    >>> parse_json_located("x.json", '{"cis": [\\n {"id": "a"},\\n {"id": "b"}]}')[2]
    {'cis': [2, 3]}
    """
    try:
        pairs, lines = _walk_top_level(text)
    except (_NotWalked, json.JSONDecodeError, RecursionError, IndexError):
        # not an object, malformed, too deep: the whole-text parser says exactly what
        document, problems = parse_json(name, text)
        index = JsonLineIndex(text) if isinstance(document, dict) else None
        return document, problems, {str(k): index.element_lines(k) for k, v in document.items()
                                    if isinstance(v, list)} if index else {}
    document = _pairs(pairs)
    problems: list[Problem] = []
    if isinstance(document, Duplicates):
        key_lines = JsonLineIndex(text).key_lines()
        for key in dict.fromkeys(document.duplicates):
            where = key_lines.get(key, [1])
            problems.append(Problem(name, where[1] if len(where) > 1 else where[0], key,
                                    M_("key appears twice in the same object (only one can be kept)")))
    return document, problems, lines


class _NotWalked(Exception):
    """The text is not a plain top-level object this walk follows (the parser will say why)."""


_SPACE = re.compile(r"[ \t\n\r]*")


def _walk_top_level(text: str) -> tuple[list[tuple[str, Any]], dict[str, list[int]]]:
    """The (key, value) pairs of a top-level JSON object and the element lines of its arrays
    (of the last occurrence of a repeated key, whose value is the one kept)."""
    decode = _LOCATING_DECODER.raw_decode
    skip = _SPACE.match
    i = skip(text, 0).end()
    if text[i] != "{":
        raise _NotWalked
    pairs: list[tuple[str, Any]] = []
    lines: dict[str, list[int]] = {}
    line, counted = 1, 0
    i = skip(text, i + 1).end()
    if text[i] == "}":
        i += 1
    else:
        while True:
            if text[i] != '"':
                raise _NotWalked
            key, i = decode(text, i)
            i = skip(text, i).end()
            if text[i] != ":":
                raise _NotWalked
            i = skip(text, i + 1).end()
            if text[i] == "[":
                items: list[Any] = []
                starts: list[int] = []
                i = skip(text, i + 1).end()
                if text[i] == "]":
                    i += 1
                else:
                    while True:
                        line += text.count("\n", counted, i)
                        counted = i
                        starts.append(line)
                        item, i = decode(text, i)
                        items.append(item)
                        i = skip(text, i).end()
                        if text[i] == ",":
                            i = skip(text, i + 1).end()
                        elif text[i] == "]":
                            i += 1
                            break
                        else:
                            raise _NotWalked
                value: Any = items
                lines[key] = starts
            else:
                value, i = decode(text, i)
                lines.pop(key, None)
            pairs.append((key, value))
            i = skip(text, i).end()
            if text[i] == ",":
                i = skip(text, i + 1).end()
            elif text[i] == "}":
                i += 1
                break
            else:
                raise _NotWalked
    if skip(text, i).end() != len(text):
        raise _NotWalked  # extra data after the document
    return pairs, lines


def _deep_offset(text: str, limit: int) -> int:
    """Offset of the first bracket nested more than ``limit`` levels (strings skipped)."""
    depth = 0
    in_string = escaped = False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return i
        elif ch in "]}":
            depth -= 1
    return 0


_SCALARS = frozenset({str, int, float, bool, type(None)})


def value_problem(value: Any) -> tuple[str | None, str] | None:
    """The first reason a parsed document value cannot be loaded — a duplicate key, an
    oversized number, nesting deeper than :data:`MAX_DEPTH` — as (key or None, message); None
    when there is none. Iterative: a deep value cannot exhaust the stack here.

    >>> value_problem({"a": [[[1]]]}) is None
    True
    >>> value_problem({"n": Oversized("9" * 200)})[0]
    'n'
    """
    if type(value) is dict and all(type(v) in _SCALARS for v in value.values()):
        return None  # the common record: one level of plain values
    stack: list[tuple[Any, int, str | None]] = [(value, 1, None)]
    while stack:
        item, depth, key = stack.pop()
        if isinstance(item, Oversized):
            return key, item.message()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                return key, M_("nested more than {MAX_DEPTH} levels deep", MAX_DEPTH=MAX_DEPTH)
            if isinstance(item, Duplicates):
                return item.duplicates[0], M_("key appears twice in the same object (only one can be kept)")
            if isinstance(item, dict):
                stack.extend((v, depth + 1, key if depth > 1 else str(k)) for k, v in item.items())
            else:
                stack.extend((v, depth + 1, key) for v in item)
    return None


class JsonLineIndex:
    """Line numbers in a JSON text: of the elements of a top-level array or of an array under
    a top-level key, and of the top-level keys (found without a second parser)."""

    def __init__(self, text: str):
        self.text = text
        self.newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.newlines, offset - 1) + 1

    def key_lines(self) -> dict[str, list[int]]:
        """Each top-level key and the lines it is written on (several when repeated)."""
        out: dict[str, list[int]] = {}
        for key, start, _ in self._members():
            out.setdefault(key, []).append(self.line_of(start))
        return out

    def element_lines(self, key: str) -> list[int]:
        """Start lines of the elements of ``document[key]`` (empty if the key is absent)."""
        for name, _, value in self._members():
            if name == key and self.text[value:value + 1] == "[":
                return self.array_lines(value + 1)
        return []

    def array_lines(self, i: int) -> list[int]:
        """Start lines of the elements of the array whose ``[`` is just before offset ``i``."""
        text = self.text
        decoder = _DECODER
        lines: list[int] = []
        try:
            i = self._skip(i)
            while text[i] != "]":
                lines.append(self.line_of(i))
                _, i = decoder.raw_decode(text, i)
                i = self._skip(i)
                if text[i] == ",":
                    i = self._skip(i + 1)
        except (ValueError, IndexError, RecursionError):
            pass  # only called on text json.loads accepted; best effort all the same
        return lines

    def _members(self):
        """(key, offset of the key, offset of its value) of each top-level member."""
        text = self.text
        decoder = _DECODER
        try:
            i = self._skip(text.find("{") + 1)
            while i < len(text) and text[i] != "}":
                start = i
                name, i = decoder.raw_decode(text, i)
                i = self._skip(text.index(":", i) + 1)
                yield name, start, i
                _, i = decoder.raw_decode(text, i)
                i = self._skip(i)
                if text[i] == ",":
                    i = self._skip(i + 1)
        except (ValueError, IndexError, RecursionError):
            return

    def _skip(self, i: int) -> int:
        text = self.text
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i


_DECODER = json.JSONDecoder(object_pairs_hook=dict, parse_int=lambda s: 0, parse_float=lambda s: 0.0)
_LOCATING_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_int=lambda s: _number(s, int),
                                     parse_float=lambda s: _number(s, float))


# -- YAML -------------------------------------------------------------------------------------

def parse_yaml(name: str, text: str):
    """(document, root node, problems) of a YAML text, read with the safe loader under the
    limits of the module docstring. Malformed YAML is an InputError naming the line; values the
    loader cannot make (an impossible date, a huge number, a repeated key) are problems."""
    import yaml

    try:
        loader = _loader_class()(text)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, found up front
        line = text.count("\n", 0, exc.position) + 1
        raise InputError([Problem(name, line, None, M_("malformed YAML: unacceptable character #x{character:04x}: {reason}",
                                                       character=exc.character, reason=exc.reason))]) from None
    try:
        try:
            root = loader.get_single_node()
        except RecursionError:
            raise InputError([Problem(name, getattr(loader, "line", 0) + 1, None,
                                      M_("nested more than {MAX_DEPTH} levels deep",
                                         MAX_DEPTH=MAX_DEPTH))]) from None
        if root is None:
            return None, None, []
        if "&" in text:  # anchors: aliases may share (and multiply) nodes
            _check_nodes(name, root)
        else:  # a tree as written: only its depth needs checking
            _check_depth(name, root)
        document = loader.construct_document(root)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        if isinstance(exc, yaml.reader.ReaderError):
            line = text.count("\n", 0, exc.position) + 1
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
        if problem == LIBYAML_TOO_DEEP:  # libyaml's own bound (1000 levels) met before ours
            raise InputError([Problem(name, line, None, M_("nested more than {MAX_DEPTH} levels deep",
                                                           MAX_DEPTH=MAX_DEPTH))]) from None
        raise InputError([Problem(name, line, None, M_("malformed YAML: {problem}",
                                                       problem=problem))]) from None
    finally:
        loader.dispose()
    problems = [Problem(name, line, key, message) for line, key, message in loader.problems]
    return document, root, problems


def _check_nodes(name: str, root) -> None:
    """Refuse node graphs that would expand past the limits: aliases that refer to themselves,
    expand to too many values, or nest too deep (iterative, memoised per shared node)."""
    from yaml.nodes import MappingNode, SequenceNode

    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            depths[key] = 1 + max((depths[id(c)] for c in children), default=0)
            if sizes[key] > MAX_YAML_NODES:
                raise InputError([Problem(name, node.start_mark.line + 1, None,
                                          M_("aliases expand to more than {MAX_YAML_NODES:,} values (a document that grows exponentially)",
                                             MAX_YAML_NODES=MAX_YAML_NODES))])
            if depths[key] > MAX_DEPTH:
                raise InputError([Problem(name, node.start_mark.line + 1, None,
                                          M_("nested more than {MAX_DEPTH} levels deep",
                                             MAX_DEPTH=MAX_DEPTH))])
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise InputError([Problem(name, node.start_mark.line + 1, None,
                                      M_("an alias refers to the value that contains it (a recursive document)"))])
        if isinstance(node, (MappingNode, SequenceNode)):
            on_path.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in _children(node) if id(c) not in sizes)
        else:
            sizes[key], depths[key] = 1, 0


def _check_depth(name: str, root) -> None:
    """Refuse a node tree (no aliases) nested deeper than :data:`MAX_DEPTH`: level by level,
    looking only at collections (most nodes are scalars)."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    level, depth = [root], 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            raise InputError([Problem(name, level[0].start_mark.line + 1, None,
                                      M_("nested more than {MAX_DEPTH} levels deep", MAX_DEPTH=MAX_DEPTH))])
        below = []
        for node in level:
            if type(node) is MappingNode:
                for key, value in node.value:
                    if type(value) is not ScalarNode:
                        below.append(value)
                    if type(key) is not ScalarNode:
                        below.append(key)
            elif type(node) is SequenceNode:
                below.extend(n for n in node.value if type(n) is not ScalarNode)
        level = below


def _children(node) -> list:
    from yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


_LOADER = None


LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"
MEMO_LIMIT = 100_000  # scalars whose resolved tag is remembered (values repeat across records)


def _loader_class():
    """The safe loader with this module's checks (built on first use: PyYAML loads lazily).

    It parses and composes with libyaml (``CSafeLoader``: the nodes keep their line marks)
    when PyYAML was built with it, about four times faster than the pure-Python parser;
    only the values are made in Python.
    """
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml
    from yaml.constructor import SafeConstructor

    from yaml.nodes import ScalarNode

    base = getattr(yaml, "CSafeLoader", None) if yaml.__with_libyaml__ else None

    class Loader(base or yaml.SafeLoader):
        def __init__(self, stream):
            self.tags: dict[tuple[str, tuple[bool, bool]], str] = {}  # before the parser asks
            super().__init__(stream)
            self.problems: list[tuple[int, str | None, str]] = []

        def resolve(self, kind, value, implicit):
            # libyaml asks for the tag of every scalar; keys and type names repeat
            if kind is not ScalarNode:
                return super().resolve(kind, value, implicit)
            key = (value, implicit)
            tag = self.tags.get(key)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(self.tags) < MEMO_LIMIT:
                    self.tags[key] = tag
            return tag

        def note(self, node, key: str | None, message: str) -> None:
            self.problems.append((node.start_mark.line + 1, key, message))

        def construct_mapping(self, node, deep=False):
            if isinstance(node, yaml.MappingNode):
                seen: set = set()
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                        continue
                    marker = (key_node.tag, key_node.value)
                    if marker in seen:
                        self.note(key_node, str(key_node.value),
                                  M_("key appears twice in the same mapping (only one can be kept)"))
                    seen.add(marker)
            return super().construct_mapping(node, deep=deep)

        def construct_yaml_int(self, node):
            if len(node.value) > MAX_NUMBER_CHARS:
                self.note(node, None, Oversized(node.value).message())
                return node.value
            return SafeConstructor.construct_yaml_int(self, node)

        def construct_yaml_float(self, node):
            if len(node.value) > MAX_NUMBER_CHARS:
                self.note(node, None, Oversized(node.value).message())
                return node.value
            return SafeConstructor.construct_yaml_float(self, node)

        def construct_yaml_timestamp(self, node):
            try:
                return SafeConstructor.construct_yaml_timestamp(self, node)
            except (ValueError, OverflowError):
                self.note(node, None, M_("{value!r} is not a valid date or time (write it in quotes to keep it as text)", value=node.value))
                return node.value

    Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)
    Loader.add_constructor("tag:yaml.org,2002:float", Loader.construct_yaml_float)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)
    _LOADER = Loader
    return Loader


def yaml_lines(root) -> dict[str, int]:
    """Line of every value of a composed YAML document by its path (``tables[0].cis[1].stub``;
    the root is ``""``), for messages about a parsed document.

    >>> import yaml
    >>> yaml_lines(yaml.compose("a:\\n  - {b: 1}\\n"))["a[0].b"]
    2
    """
    from yaml.nodes import MappingNode, SequenceNode

    out: dict[str, int] = {}
    stack: list[tuple[Any, str, int]] = [(root, "", 0)]
    seen: set[int] = set()
    while stack:
        node, path, line = stack.pop()
        out.setdefault(path, line or node.start_mark.line + 1)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                key = f"{path}.{key_node.value}" if path else str(key_node.value)
                stack.append((value_node, key, key_node.start_mark.line + 1))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, f"{path}[{index}]", 0))
    return out
