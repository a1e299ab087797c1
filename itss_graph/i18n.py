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

import gettext as _gettext
import os

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


def set_language(lang: str | None) -> str:
    """Use ``lang`` (en, zh; None: :func:`default_language`) from now on, here and in
    click's messages; returns the language chosen."""
    global _language, _translation
    lang = (lang or default_language()).lower()
    lang = "zh" if lang.startswith("zh") else "en"
    _language = lang
    _translation = _gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[lang], fallback=True)
    # click asks the standard library's gettext, in the global domain: point it at ours
    _gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    _gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = lang
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


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it here."""
    return message


def pick(labels: dict, lang: str | None = None) -> str:
    """A ``{"en": …, "zh": …}`` label in the language in use (English when absent).

    >>> pick({"en": "Server", "zh": "服务器"}, "zh"), pick({"en": "Server"}, "zh")
    ('服务器', 'Server')
    """
    return labels.get(lang or language()) or labels.get("en") or ""
