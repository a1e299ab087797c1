"""The languages people read ITSS Graph in: English (the messages as written in the code) and
Chinese, from a gettext message catalogue.

The catalogue is ``itss_graph/locale/<lang>/LC_MESSAGES/itss.po`` (edited by people) compiled
to ``itss.mo`` beside it (read here, with the standard library's :mod:`gettext`); both are in
the repository and ``tests/test_i18n.py`` fails when a message has no translation or an
``.mo`` is older than its ``.po``. ``scripts/i18n.py`` extracts the messages with Babel and
updates and compiles the catalogue.

The language is, first found: :func:`set_language` (``--lang``), ``ITSS_LANG``, the locale
(``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``zh_CN.UTF-8`` is Chinese), English. It also steers
click's own messages ("Usage:", "Show this message and exit."): the catalogue carries them.

In code: ``_("text")`` for a message, ``ngettext("1 service", "{n} services", n)`` for a count
(Chinese has one form), ``N_("text")`` to mark a message kept in a constant and translated
where it is shown with ``_(constant)``. JSON keys and values are never translated.

Example:
    >>> set_language("zh")
    'zh'
    >>> _("Properties"), ngettext("{n} chain", "{n} chains", 3).format(n=3)
    ('属性', '3 条链')
    >>> set_language("en")
    'en'
    >>> ngettext("{n} chain", "{n} chains", 1).format(n=1)
    '1 chain'
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # gettext is imported when a language is set: `itss --help` reads no catalogue
    import gettext as _gettext

DOMAIN = "itss"
LANGUAGES = ("en", "zh")
LOCALE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")

_language: str | None = None
_translation: _gettext.NullTranslations | None = None


def default_language() -> str:
    """``ITSS_LANG``, else the locale's language (zh or en), else English.

    >>> import os; os.environ["ITSS_LANG"] = "zh"; default_language()
    'zh'
    >>> os.environ["ITSS_LANG"] = "en"; default_language()
    'en'
    >>> del os.environ["ITSS_LANG"]
    """
    chosen = os.environ.get("ITSS_LANG", "").strip().lower()
    if chosen:
        return "zh" if chosen.startswith("zh") else "en"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").strip().lower()
        if value:
            return "zh" if value.startswith("zh") else "en"
    return "en"


class _Untranslated:
    """The English catalogue: the messages as written (what ``gettext.NullTranslations`` gives
    when no English ``.mo`` exists), without importing gettext and locale (~2 ms of a cold
    process that answers in English).

    >>> _Untranslated().ngettext("{n} chain", "{n} chains", 2), _Untranslated().pgettext("c", "x")
    ('{n} chains', 'x')
    """

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def pgettext(self, context: str, message: str) -> str:
        return message

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


def _load_catalogue(lang: str):
    """The catalogue of ``lang``: the compiled ``.mo`` through gettext, or the messages as written."""
    if lang == "en" and not os.path.exists(os.path.join(LOCALE_DIR, "en", "LC_MESSAGES", DOMAIN + ".mo")):
        return _Untranslated()
    import gettext as _gettext

    return _gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[lang], fallback=True)


def set_language(lang: str | None) -> str:
    """Use ``lang`` (en, zh; None: :func:`default_language`) from now on, here and in
    click's messages; returns the language chosen."""
    global _language, _translation
    lang = (lang or default_language()).lower()
    lang = "zh" if lang.startswith("zh") else "en"
    _language = lang
    _translation = _load_catalogue(lang)
    os.environ["LANGUAGE"] = lang
    if lang == "en" and "gettext" not in sys.modules:
        # click (which imports gettext) is not in use, and English needs no catalogue: the
        # global domain is pointed at ours when click sets the language (cli/app.py)
        return lang
    import gettext as _gettext

    # click asks the standard library's gettext, in the global domain: point it at ours
    _gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    _gettext.textdomain(DOMAIN)
    return lang


def language() -> str:
    """The language in use (en or zh)."""
    if _language is None:
        set_language(None)
    return _language  # type: ignore[return-value]


def _catalogue() -> _gettext.NullTranslations:
    if _translation is None:
        set_language(None)
    return _translation  # type: ignore[return-value]


def _(message: str) -> str:
    """``message`` in the language in use."""
    return _catalogue().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count ``n`` (format ``{n}`` in it yourself)."""
    return _catalogue().ngettext(singular, plural, n)


def translation(lang: str | None) -> _gettext.NullTranslations:
    """The catalogue of ``lang`` (en, zh), whatever language is in use: for answers that carry
    their own language (the standards and gap answers). ``_ = translation(lang).gettext`` keeps
    the messages extractable.

    >>> translation("zh").gettext("Properties"), translation("en").gettext("Properties")
    ('属性', 'Properties')
    """
    lang = "zh" if (lang or "").lower().startswith("zh") else "en"
    if lang not in _by_language:
        _by_language[lang] = _load_catalogue(lang)
    return _by_language[lang]


_by_language: dict[str, _gettext.NullTranslations] = {}


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it here."""
    return message


def C_(context: str, message: str) -> str:
    """Mark ``message`` for the catalogue under ``context`` (a word used apart from the same
    English elsewhere); translate it with ``translation(lang).pgettext(context, message)``."""
    return message


def pick(labels: dict, lang: str | None = None) -> str:
    """A ``{"en": …, "zh": …}`` label in the language in use (English when absent).

    >>> pick({"en": "Server", "zh": "服务器"}, "zh"), pick({"en": "Server"}, "zh")
    ('服务器', 'Server')
    """
    return labels.get(lang or language()) or labels.get("en") or ""


class Message(str):
    """A message made where the language is not known yet (the loader's problems, lower-layer
    errors): the English text as a ``str`` — so JSON, CSV and logs stay the same in every
    language — that carries its catalogue template and values, shown translated with
    :meth:`localized` (or :func:`localize`) where people read it. Values that are Messages
    themselves are translated too. Write it ``M_("template {value!r}", value=...)`` so the
    template goes to the catalogue.

    >>> m = M_("unknown CI type {name}", name=M_("{a}{b}", a="'sever'", b=M_(" (did you mean {names}?)", names="'server'")))
    >>> m
    "unknown CI type 'sever' (did you mean 'server'?)"
    >>> set_language("zh"); m.localized()
    'zh'
    "未知的配置项类型 'sever'（是否指 'server'？）"
    >>> set_language("en"); Message.decode(m.encode()).localized() == m
    'en'
    True
    """

    template: str
    values: dict

    plural: str | None = None
    number: int | None = None

    def __new__(cls, template: str, /, **values) -> "Message":
        self = super().__new__(cls, template.format(**values))
        self.template = template
        self.values = values
        return self

    @classmethod
    def plural_of(cls, singular: str, plural: str, n: int, /, **values) -> "Message":
        """The form of a counted message for ``n`` (``{n}`` is formatted), like :func:`ngettext`.

        >>> Mn_("{n} row was skipped", "{n} rows were skipped", 2)
        '2 rows were skipped'
        """
        self = super().__new__(cls, (singular if n == 1 else plural).format(n=n, **values))
        self.template, self.plural, self.number, self.values = singular, plural, n, values
        return self

    def __reduce__(self):
        return (_unplain, (_plain(self),))

    def localized(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the language in use)."""
        catalogue = translation(lang) if lang else _catalogue()
        values = {k: v.localized(lang) if isinstance(v, Message) else v for k, v in self.values.items()}
        if self.plural is not None:
            return catalogue.ngettext(self.template, self.plural, self.number).format(n=self.number, **values)
        return catalogue.gettext(self.template).format(**values)

    def encode(self) -> str:
        """Template and values as JSON (to keep a Message in a table, e.g. the loader's staging)."""
        import json

        return json.dumps(_plain(self), ensure_ascii=False)

    @staticmethod
    def decode(text: str) -> "Message":
        import json

        return _unplain(json.loads(text))


def _plain(value):
    if isinstance(value, Message):
        plain = {"$m": value.template, "values": {k: _plain(v) for k, v in value.values.items()}}
        if value.plural is not None:
            plain.update(plural=value.plural, n=value.number)
        return plain
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # a path, say: kept as the text it shows


def _unplain(value):
    if isinstance(value, dict) and "$m" in value:
        values = {k: _unplain(v) for k, v in value["values"].items()}
        if "plural" in value:
            return Message.plural_of(value["$m"], value["plural"], value["n"], **values)
        return Message(value["$m"], **values)
    return value


M_ = Message  # the catalogue's keywords for a Message's template(s)
Mn_ = Message.plural_of


def localize(text) -> str:
    """``text`` in the language in use when it is a :class:`Message`, else as it is.

    >>> localize("as written"), localize(M_("missing {field}", field="id"))
    ('as written', 'missing id')
    """
    return text.localized() if isinstance(text, Message) else str(text)
