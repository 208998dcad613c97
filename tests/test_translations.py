"""The translation catalogues are complete: every message of the source (extracted
from the code and templates as `make extract-messages` does, not from the committed
.pot, so a new string nobody translated is caught) has a translation in every
language, none fuzzy, each with the placeholders of its English original, and the
compiled .mo files the app reads say the same as the .po files."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from config import Config
from tests.conftest import csrf_from, form_data

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LANGUAGES = ("ro", "it", "es")
# `pybabel extract --keywords _l`: the default keywords, and lazy_gettext as `_l`.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}
# Python %-formatting (named or positional, `%%` included) and str.format fields.
PLACEHOLDER = re.compile(
    r"%(?:\([^)]*\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]"
    r"|\{[A-Za-z_][A-Za-z0-9_]*\}"
)

Key = tuple[str | tuple[str, ...], str | None]


def _directories(dirpath: str) -> bool:
    """pybabel's default (no hidden or private folders), and no node_modules."""
    name = Path(dirpath).name
    return not name.startswith((".", "_")) and name != "node_modules"


@pytest.fixture(scope="module")
def source_messages() -> dict[Key, list[str]]:
    """Every message of the code and templates, keyed by (msgid, context), with the
    files it comes from."""
    with (ROOT / "babel.cfg").open() as mapping:
        method_map, options_map = parse_mapping_cfg(mapping, str(ROOT / "babel.cfg"))
    found: dict[Key, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=_directories,
    ):
        msgid = tuple(message) if isinstance(message, list | tuple) else message
        if msgid:
            found.setdefault((msgid, context), []).append(f"{filename}:{lineno}")
    assert len(found) > 100, "the extraction found (almost) no messages"
    return found


def _catalogue(language: str) -> Catalog:
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        pytest.fail(f"there is no {language} catalogue: {path.relative_to(ROOT)}")
    with path.open("rb") as po:
        return read_po(po, locale=language)


def _forms(message: Message) -> list[str]:
    string = message.string
    return list(string) if isinstance(string, list | tuple) else [string or ""]


def _placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def _show(msgid: object) -> str:
    return " | ".join(msgid) if isinstance(msgid, tuple) else str(msgid)


def _report(title: str, lines: Iterable[str]) -> str:
    lines = list(lines)
    return f"{len(lines)} {title}:\n" + "\n".join(f"  - {line}" for line in lines)


def test_every_configured_language_but_english_has_its_catalogue_checked() -> None:
    assert set(Config.LANGUAGES) - {"en"} == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_translates_every_source_message_none_fuzzy(
    language: str, source_messages: dict[Key, list[str]]
) -> None:
    catalogue = _catalogue(language)
    problems = []
    for (msgid, context), where in sorted(
        source_messages.items(), key=lambda item: _show(item[0][0])
    ):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = catalogue.get(key, context)
        if message is None or message.id != msgid:
            problems.append(f"missing: {_show(msgid)!r} ({where[0]})")
        elif message.fuzzy:
            problems.append(f"fuzzy: {_show(msgid)!r}")
        elif not all(_forms(message)) or (
            message.pluralizable and len(_forms(message)) != catalogue.num_plurals
        ):
            problems.append(f"untranslated: {_show(msgid)!r}")
    assert not problems, _report(
        f"messages of the source are not translated in {language} (add them to "
        f"translations/{language}/LC_MESSAGES/messages.po)",
        problems,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_original(language: str) -> None:
    """A missing or misspelt `%(name)s` loses a value or raises KeyError when the text
    is formatted; a lone `%` breaks formatting."""
    catalogue = _catalogue(language)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        originals = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = _placeholders(originals[-1])
        for form in _forms(message):
            if form and _placeholders(form) != expected:
                problems.append(f"{originals[-1]!r} -> {form!r}")
    assert not problems, _report(
        f"{language} translations whose placeholders differ from the English", problems
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_says_what_the_po_file_says(language: str) -> None:
    """The app reads the .mo files, which are not committed: `make test` and `make
    install` compile them (`make translations`); a stale one serves old texts."""
    catalogue = _catalogue(language)
    compiled_path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo"
    assert compiled_path.exists(), f"{compiled_path} is missing: run make translations"
    with compiled_path.open("rb") as mo:
        compiled = read_mo(mo)
    stale = []
    for message in catalogue:
        if not message.id or message.fuzzy or not all(_forms(message)):
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        found = compiled.get(key, message.context)
        if found is None or _forms(found) != _forms(message):
            stale.append(_show(message.id))
    assert not stale, _report(
        f"messages differ between the {language} .po and its compiled .mo (run make "
        "translations)",
        stale,
    )


def test_an_italian_visitor_gets_the_registration_form_and_its_errors_in_italian(
    client: FlaskClient, make_pact: Callable[..., int]
) -> None:
    make_pact("torino", title="Patto Verde Locale di Torino", languages="it,en")
    url = "/p/torino/register?lang=it"
    html = client.get(url).get_data(as_text=True)
    assert "Adesione al Patto Verde Locale di Torino" in html
    assert "Invia l&#39;iscrizione" in html or "Invia l'iscrizione" in html

    data = {**form_data(contact_email="not an address"), "csrf_token": csrf_from(html)}
    html = client.post(url, data=data).get_data(as_text=True)
    assert "Corregga quanto segue:" in html
    assert "Inserisca un indirizzo e-mail valido." in html
