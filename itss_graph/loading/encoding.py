"""Find (or check) the text encoding of an input file, streaming, and note what the fast CSV
path needs to know about its bytes and text.

Spreadsheets saved on Chinese Windows are GB18030/GBK; others are UTF-8, with or without a BOM
(Excel adds one), sometimes UTF-16 with a BOM. :func:`scan_file` reads the file once in
1 MiB chunks (never the whole file in memory), decodes it incrementally to prove the encoding,
and records facts that let :mod:`itss_graph.loading.fastcsv` take the bulk path safely: whether
there are quotes (records may span lines), how many lines there are, and whether there are
control characters other than tab/CR/LF. Only C-speed bytes operations run per chunk (a 130 MB
file scans in a fraction of a second).

Decode or refuse: a file is never read in an encoding that merely does not fail. GB18030 decodes
almost any bytes, so a file that is not UTF-8 is only taken as GB18030 when the text reads as
Chinese (few characters outside GB2312, none in the private-use area GB18030 maps unassigned
codes to); Big5, Shift-JIS and Windows-1252 files are refused with the encoding they look like,
to be named with ``--encoding``. Undecodable bytes are refused with their line and byte offset.
Only text encodings are accepted (``rot13`` or ``hex`` are codecs, not encodings).

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_bytes("id,name\\nsrv,服务器\\n".encode("gbk"))
    >>> scan = scan_file(p)
    >>> scan.encoding, scan.has_quote
    ('gb18030', False)
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from itss_graph.errors import InputError, Problem
from itss_graph.i18n import M_
from itss_graph.loading.files import read_problem, require_file

CHUNK = 1 << 20
_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "utf8": "utf-8",
            "utf-8-bom": "utf-8-sig", "utf8-bom": "utf-8-sig", "utf8-sig": "utf-8-sig"}
# Encodings whose bytes below 0x80 always mean ASCII characters: the byte facts of FileScan
# (quotes, line ends, control bytes) hold for them, so the bulk path may trust those facts.
ASCII_SAFE = {"utf-8", "utf-8-sig", "gb18030", "ascii", "latin-1", "iso8859-1", "cp1252"}
# Format characters (Unicode category Cf: zero-width spaces and joiners, bidirectional controls,
# the BOM, soft hyphen, ...) and Hangul fillers: invisible in every table and terminal, so an id
# holding one looks equal to another that does not.
INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000110bd"
    "\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# Other encodings people's files come in, tried only to name the likely one when refusing.
_GUESSES = (("big5", M_("Big5 (Traditional Chinese)")), ("shift_jis", M_("Shift-JIS (Japanese)")),
            ("cp1252", M_("Windows-1252 (Western European)")))
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
         (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class FileScan:
    """What one pass over a file's bytes found."""

    path: Path
    encoding: str          # a Python codec name that decodes the whole file
    size: int
    bom: int               # bytes of byte-order mark at the start (skipped by the codec)
    has_quote: bool        # a '"' byte: CSV records may span lines
    has_bad_control: bool  # a control character other than TAB, LF, CR
    ascii_compatible: bool  # byte-level facts are meaningful (ASCII bytes are ASCII text)
    lines: int = 0         # physical lines (LF or CRLF ended; the last one may lack it)
    lone_cr: bool = False  # a CR not followed by LF (old Mac line ends, or CR in a value)
    ascii: bool = False    # every byte is ASCII (no text beyond it to check)


def normalise_encoding(name: str, *, where: str = "--encoding") -> str:
    """A codec name for a user-declared text encoding (``gbk`` reads as its superset GB18030);
    InputError for unknown names and for codecs that are not text encodings.

    >>> normalise_encoding("GBK"), normalise_encoding("utf8")
    ('gb18030', 'utf-8')
    >>> normalise_encoding("rot13")
    Traceback (most recent call last):
    ...
    itss_graph.errors.InputError: --encoding: 'rot13' is not a text encoding (utf-8, gbk, gb18030, utf-16, big5, ...)
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError([Problem(where, None, None, M_("unknown encoding {name!r}", name=name))])
    key = name.strip().lower().replace("_", "-")
    key = _ALIASES.get(key, key)
    if key == "utf-8-sig":
        return key
    try:
        info = codecs.lookup(key)
    except LookupError:
        raise InputError([Problem(where, None, None, M_("unknown encoding {name!r}", name=name))]) from None
    if not getattr(info, "_is_text_encoding", True):
        raise InputError([Problem(where, None, None,
                                  M_("{name!r} is not a text encoding (utf-8, gbk, gb18030, utf-16, big5, ...)",
                                     name=name))])
    return info.name


def scan_file(path: Path, declared: str | None = None) -> FileScan:
    """Prove the encoding of ``path`` (the declared one, else the BOM's, else UTF-8, else
    GB18030 when the text reads as Chinese) and scan its bytes; raise :class:`InputError`
    naming the line and byte offset of the first undecodable byte, or the likely encoding."""
    require_file(path)
    encoding = normalise_encoding(declared) if declared else None
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
        bom, bom_encoding = _bom(head)
        name = str(path)
        wide = None if bom_encoding else _utf16_without_bom(head)
        if encoding is not None:
            encoding = _declared(name, declared or "", encoding, bom_encoding)
            if wide and not encoding.startswith(("utf-16", "utf-32")):
                raise InputError([Problem(name, 1, None,
                                          M_("looks like UTF-16 ({wide}-endian) without a byte-order mark, but --encoding says {declared}",
                                             wide=wide, declared=declared))])
            return _scan_or_refuse(path, encoding, bom, declared)
        if bom_encoding:
            return _scan_or_refuse(path, bom_encoding, bom, None)
        if wide:
            raise InputError([Problem(name, 1, None,
                                      M_("looks like UTF-16 ({wide}-endian) without a byte-order mark; name its encoding with --encoding utf-16-{order}e",
                                         wide=wide, order=wide[0]))])
        scan, failure = _pass(path, "utf-8", 0)
        if scan is not None:
            return scan
        gb, _ = _pass(path, "gb18030", 0, judge=True)
        if gb is not None:
            return gb
        raise InputError([Problem(name, failure.line, None, _refusal(path, failure, "gb18030"))])
    except OSError as exc:
        raise read_problem(path, exc) from None


def _declared(name: str, declared: str, encoding: str, bom_encoding: str | None) -> str:
    """The codec for a declared encoding, given the BOM the file starts with."""
    if bom_encoding == "utf-8-sig" and encoding in ("utf-8", "utf-8-sig"):
        return "utf-8-sig"
    if encoding in ("utf-16", "utf-32") and bom_encoding != encoding:
        raise InputError([Problem(name, 1, None,
                                  M_("--encoding {declared} needs a byte-order mark, which the file does not start with; name the byte order: {encoding}-le or {encoding}-be",
                                     declared=declared, encoding=encoding))])
    if bom_encoding and not _bom_fits(bom_encoding, encoding):
        shown = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}[bom_encoding]
        raise InputError([Problem(name, 1, None,
                                  M_("starts with a {shown} byte-order mark, but --encoding says {declared}",
                                     shown=shown, declared=declared))])
    return encoding


def _bom_fits(bom_encoding: str, encoding: str) -> bool:
    if bom_encoding == "utf-8-sig":
        return encoding in ("utf-8", "utf-8-sig")
    return encoding.startswith(bom_encoding)


def _scan_or_refuse(path: Path, encoding: str, bom: int, declared: str | None) -> FileScan:
    scan, failure = _pass(path, encoding, bom)
    if scan is not None:
        return scan
    shown = declared or encoding
    if failure.byte is None:
        message = M_("cannot decode as {shown}: the file ends inside a character", shown=shown)
    else:
        message = (M_("cannot decode as {shown}: byte 0x{byte:02x} at offset {offset} is invalid", shown=shown, byte=failure.byte, offset=failure.offset))
    raise InputError([Problem(str(path), failure.line, None, message)])


@dataclass(frozen=True)
class _Failure:
    offset: int          # of the first byte that cannot be decoded
    line: int
    byte: int | None     # None: the file ends inside a multi-byte character


def _bom(head: bytes) -> tuple[int, str | None]:
    for mark, encoding in _BOMS:
        if head.startswith(mark):
            return len(mark), encoding
    return 0, None


def _utf16_without_bom(head: bytes) -> str | None:
    """``"little"`` or ``"big"`` when the bytes look like mostly-ASCII UTF-16 text (a NUL
    beside every other byte), else None."""
    sample = head[:len(head) - len(head) % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "little"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "big"
    return None


# every byte except the control characters a file must not hold (all but TAB, LF, CR)
_ALLOWED = bytes(b for b in range(256) if b not in set(range(0, 9)) | {11, 12} | set(range(14, 32)) | {127})


def _pass(path: Path, encoding: str, bom: int, *, judge: bool = False
          ) -> tuple[FileScan | None, _Failure | None]:
    """Decode the whole file incrementally, noting the facts of :class:`FileScan` (C-speed
    operations only). ``judge``: also count what tells GB18030 text from other encodings
    decoded as GB18030 (the scan is None when it does not read as Chinese)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    size = 0
    quote = control = False
    ascii = True
    newlines = crs = crlfs = 0
    last = b""
    non_ascii = outside = private = 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(CHUNK)
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                data = pending + chunk
                before = chunk[:max(0, exc.start - len(pending))].count(b"\n")
                byte = data[exc.start] if chunk and exc.start < len(data) else None
                return None, _Failure(size - len(pending) + exc.start, newlines + before + 1, byte)
            if judge and text and not text.isascii():
                non_ascii += len(text) - len(text.encode("ascii", "ignore"))
                outside += text.encode("gb2312", "replace").count(b"?") - text.count("?")
                private += len(_PRIVATE_USE.findall(text))
            if not chunk:
                break
            size += len(chunk)
            quote = quote or b'"' in chunk
            ascii = ascii and chunk.isascii()
            control = control or bool(chunk.translate(None, _ALLOWED))
            newlines += chunk.count(b"\n")
            crs += chunk.count(b"\r")
            crlfs += chunk.count(b"\r\n") + (last == b"\r" and chunk[:1] == b"\n")
            last = chunk[-1:]
    if judge and not _reads_as_chinese(non_ascii, outside, private):
        return None, None
    lines = newlines + (1 if last not in (b"\n", b"") else 0)
    scan = FileScan(path, encoding, size, bom, quote, control, encoding in ASCII_SAFE,
                    lines, crs != crlfs, ascii and encoding in ASCII_SAFE)
    return scan, None


def _reads_as_chinese(non_ascii: int, outside: int, private: int) -> bool:
    """Whether text decoded as GB18030 is plausibly Chinese: no private-use characters (what
    GB18030 makes of byte pairs no Chinese text uses) and at most a fifth of the characters
    outside GB2312 (rare names are allowed; Big5 and Shift-JIS text decoded as GB18030 lands
    mostly outside). A handful of characters cannot be judged and is accepted."""
    if private:
        return False
    return outside < 3 or outside <= 0.2 * non_ascii


def _refusal(path: Path, failure: _Failure, tried: str) -> str:
    """Why a file without a declared encoding was refused, naming the encoding it looks like."""
    byte = M_("byte 0x{byte:02x}", byte=failure.byte) if failure.byte is not None else M_("a cut character")
    guess = _guess(path)
    hint = (M_("; it looks like {label}: name it with --encoding {encoding}", label=guess[1], encoding=guess[0]) if guess
            else M_("; save the file as UTF-8 or name its encoding with --encoding"))
    return (M_("cannot decode: not UTF-8 ({byte} at offset {offset}), and not {encoding} text{hint}", byte=byte, offset=failure.offset, encoding='GB18030' if tried == 'gb18030' else tried, hint=hint))


def _guess(path: Path) -> tuple[str, str] | None:
    """The first of the usual other encodings the file's first MiB reads well in."""
    with path.open("rb") as fh:
        data = fh.read(CHUNK)
    best: tuple[float, tuple[str, str]] | None = None
    for codec, label in _GUESSES:
        try:
            text = codecs.getincrementaldecoder(codec)(errors="strict").decode(data)
        except UnicodeDecodeError:
            continue
        wide = [c for c in text if ord(c) > 127]
        if not wide:
            continue
        if codec == "cp1252":
            good = sum(c.isalpha() for c in wide)
        else:
            good = sum(unicodedata.category(c) in ("Lo", "Lm") or "\u3000" <= c <= "\u303f"
                       or "\uff01" <= c <= "\uff5e" for c in wide)
            good -= sum("\uff61" <= c <= "\uff9f" for c in wide)  # half-width kana: noise
        score = good / len(wide)
        if score >= 0.9 and (best is None or score > best[0]):
            best = (score, (codec, label))
    return best[1] if best else None
