"""The administrator's pages over HTTP: who may open them (the access sweep), a new
pact's every field validated with a clear message, its settings changed, and its
themes added, renamed, moved, archived and restored; an archived theme is no longer
offered in the public registration form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from core.audit import AuditAction, AuditEntry
from core.choices import AccountKind, Role
from core.models import Pact, Theme
from core.pacts import find_pact
from extensions import db
from tests.conftest import csrf_from
from tests.workshops.conftest import open_participant_session
from tests.workshops.factories import new_workshop
from workshops.enrolment import enrol_people

NEW = "/admin/pacts/new"


@pytest.fixture
def admin(make_staff: Callable[..., int], login: Callable[[int], None]) -> int:
    person = make_staff(AccountKind.ADMIN, pacts=())
    login(person)
    return person


def _token(client: FlaskClient, path: str) -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


def new_pact_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": "cluj",
        "languages": ["ro", "en"],
        "default_language": "ro",
        "title_ro": "Pactul Verde Local Cluj",
        "title_en": "Cluj Local Green Pact",
        "territory": "Județul Cluj",
        "country": "RO",
        "timezone": "Europe/Bucharest",
        "report_frequency": "half-yearly",
        "licence": "CC0-1.0",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _post_new(client: FlaskClient, **overrides: Any) -> Any:
    token = _token(client, NEW)
    return client.post(NEW, data=new_pact_data(csrf_token=token, **overrides))


# --- access ------------------------------------------------------------------------


def _admin_paths() -> list[str]:
    return ["/admin/pacts", NEW, "/admin/pacts/ilfov"]


def test_anonymous_visitors_are_sent_to_the_login_page(
    client: FlaskClient, make_pact: Callable[..., int]
) -> None:
    make_pact("ilfov")
    for path in _admin_paths():
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"], path


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.FACILITATOR])
def test_officials_and_facilitators_are_refused_every_admin_page_and_action(
    client: FlaskClient,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
    role: str,
) -> None:
    login(make_staff(role))
    theme = db.session.scalars(db.select(Theme.id)).first()
    for path in _admin_paths():
        assert client.get(path).status_code == 403, path
    token = _token(client, "/staff/password")
    posts = [
        NEW,
        "/admin/pacts/ilfov",
        "/admin/pacts/ilfov/themes",
        f"/admin/pacts/ilfov/themes/{theme}",
        f"/admin/pacts/ilfov/themes/{theme}/move",
        f"/admin/pacts/ilfov/themes/{theme}/archive",
        f"/admin/pacts/ilfov/themes/{theme}/restore",
    ]
    for path in posts:
        assert client.post(path, data={"csrf_token": token}).status_code == 403, path


def test_a_participant_is_refused_the_admin_pages(
    client: FlaskClient,
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
) -> None:
    official = make_staff(Role.OFFICIAL)
    participant = make_registration(status="approved")["person"]
    workshop = new_workshop(official, int(find_pact_id("ilfov")))
    enrol_people(official, workshop, [participant])
    open_participant_session(client, workshop, participant)
    for path in _admin_paths():
        assert client.get(path).status_code == 403, path


def find_pact_id(slug: str) -> int:
    pact = find_pact(slug)
    assert pact is not None
    return pact.id


def test_an_administrator_opens_every_admin_page(
    client: FlaskClient, admin: int, make_pact: Callable[..., int]
) -> None:
    make_pact("ilfov")
    for path in _admin_paths():
        assert client.get(path).status_code == 200, path


def test_the_navigation_offers_admin_to_administrators_only(
    client: FlaskClient,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
) -> None:
    login(make_staff(Role.OFFICIAL))
    assert 'href="/admin/pacts"' not in client.get("/staff/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": _token(client, "/staff/")})
    login(make_staff(AccountKind.ADMIN, pacts=()))
    page = client.get("/staff/").get_data(as_text=True)
    assert page.count('href="/admin/pacts"') == 2, "in the menu and on the staff home"


# --- a new pact --------------------------------------------------------------------


def test_an_administrator_creates_a_pact_with_its_settings_and_titles(
    client: FlaskClient, admin: int
) -> None:
    response = _post_new(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/pacts/cluj")
    pact = find_pact("cluj")
    assert pact is not None
    assert pact.language_list == ["ro", "en"]
    assert pact.title == "Pactul Verde Local Cluj"
    assert pact.text("title", "en") == "Cluj Local Green Pact"
    assert (pact.territory, pact.country, pact.timezone) == (
        "Județul Cluj",
        "RO",
        "Europe/Bucharest",
    )
    assert (pact.report_frequency, pact.licence) == ("half-yearly", "CC0-1.0")
    assert len(pact.themes) == 5, "the default themes"
    entry = db.session.scalars(db.select(AuditEntry)).one()
    assert (entry.action, entry.actor_id, entry.pact_id) == (
        AuditAction.CREATE_PACT,
        admin,
        pact.id,
    )
    listing = client.get("/admin/pacts").get_data(as_text=True)
    assert "Pactul Verde Local Cluj" in listing or "Cluj Local Green Pact" in listing


def test_the_default_language_may_be_any_of_the_chosen_ones(
    client: FlaskClient, admin: int
) -> None:
    assert _post_new(client, default_language="en").status_code == 302
    pact = find_pact("cluj")
    assert pact is not None
    assert pact.language_list == ["en", "ro"]
    assert pact.title == "Cluj Local Green Pact"
    assert pact.text("title", "ro") == "Pactul Verde Local Cluj"


BAD_FIELDS = [
    ({"slug": "Cluj Napoca!"}, "slug", "lowercase letters, digits and dashes"),
    ({"slug": "-cluj"}, "slug", "lowercase letters, digits and dashes"),
    ({"slug": "c" * 61}, "slug", "at most 60 characters"),
    ({"slug": ""}, "slug", "This field is required."),
    ({"default_language": "it"}, "default_language", "must be one of the pact"),
    ({"default_language": "xx"}, "default_language", "Not a valid choice"),
    ({"languages": None}, "languages", "at least one language"),
    ({"languages": ["ro", "xx"]}, "languages", "not a valid choice"),
    ({"timezone": "Mars/Olympus"}, "timezone", "Not a valid choice"),
    ({"timezone": ""}, "timezone", "This field is required."),
    ({"title_ro": ""}, "title_ro", "title in its default language"),
    ({"title_ro": "T" * 201}, "title_ro", "at most 200 characters"),
    ({"title_en": "<b>Cluj</b>"}, "title_en", ""),
    ({"territory": ""}, "territory", "This field is required."),
    ({"territory": "T" * 121}, "territory", "at most 120 characters"),
    ({"country": "XX"}, "country", "Not a valid choice"),
    ({"report_frequency": "weekly"}, "report_frequency", "Not a valid choice"),
    ({"licence": "GPL-3.0"}, "licence", "Not a valid choice"),
]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    BAD_FIELDS,
    ids=[f"{field}-{i}" for i, (_o, field, _m) in enumerate(BAD_FIELDS)],
)
def test_every_field_of_a_new_pact_is_validated_with_a_message(
    client: FlaskClient,
    admin: int,
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = _post_new(client, **overrides)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert f'href="#{field}"' in page, f"the summary links to {field}"
    assert message.lower() in page.lower()
    assert find_pact("cluj") is None


def test_a_slug_already_taken_is_refused_beside_the_field(
    client: FlaskClient, admin: int, make_pact: Callable[..., int]
) -> None:
    make_pact("cluj")
    response = _post_new(client)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "A pact with this address already exists." in page
    assert 'href="#slug"' in page


def test_a_form_without_its_csrf_token_is_refused(
    client: FlaskClient, admin: int
) -> None:
    response = client.post(NEW, data=new_pact_data())
    assert response.status_code == 400
    assert find_pact("cluj") is None


# --- a pact's settings -------------------------------------------------------------


def _settings_data(pact: str, **overrides: Any) -> dict[str, Any]:
    data = new_pact_data(**overrides)
    del data["slug"]
    return data


def test_an_administrator_changes_a_pacts_settings_and_the_audit_names_them(
    client: FlaskClient, admin: int, make_pact: Callable[..., int]
) -> None:
    pact_id = make_pact("ilfov")
    path = "/admin/pacts/ilfov"
    data = _settings_data(
        "ilfov",
        csrf_token=_token(client, path),
        languages=["ro", "en", "it"],
        title_it="Patto Verde di Ilfov",
        licence="ODbL-1.0",
    )
    response = client.post(path, data=data)
    assert response.status_code == 302
    pact = db.session.get(Pact, pact_id)
    assert pact is not None
    db.session.refresh(pact)
    assert pact.slug == "ilfov", "the slug stays"
    assert pact.language_list == ["ro", "en", "it"]
    assert pact.text("title", "it") == "Patto Verde di Ilfov"
    assert pact.licence == "ODbL-1.0"
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == AuditAction.EDIT)
    ).one()
    assert {"languages", "licence", "title:it"} <= set(entry.details["fields"])


def test_bad_settings_show_the_pact_page_again_with_the_errors(
    client: FlaskClient, admin: int, make_pact: Callable[..., int]
) -> None:
    make_pact("ilfov")
    path = "/admin/pacts/ilfov"
    data = _settings_data("ilfov", csrf_token=_token(client, path), timezone="Nowhere")
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert 'href="#timezone"' in response.get_data(as_text=True)


def test_an_unknown_pact_is_404(client: FlaskClient, admin: int) -> None:
    assert client.get("/admin/pacts/nowhere").status_code == 404


# --- themes ------------------------------------------------------------------------


def _themes(slug: str = "ilfov") -> list[Theme]:
    pact = find_pact(slug)
    assert pact is not None
    db.session.refresh(pact)
    return list(pact.themes)


def test_a_theme_is_added_with_a_key_from_its_name_and_a_name_per_language(
    client: FlaskClient, admin: int, make_pact: Callable[..., int]
) -> None:
    make_pact("ilfov")
    path = "/admin/pacts/ilfov"
    for _ in range(2):
        response = client.post(
            f"{path}/themes",
            data={
                "csrf_token": _token(client, path),
                "new-theme-name_ro": "Apă și biodiversitate",
                "new-theme-name_en": "Water and biodiversity",
            },
        )
        assert response.status_code == 302
    added = _themes()[-2:]
    assert [theme.key for theme in added] == [
        "apa-si-biodiversitate",
        "apa-si-biodiversitate-2",
    ]
    from core.pacts import theme_label

    assert theme_label(added[0], "en") == "Water and biodiversity"
    assert theme_label(added[0], "ro") == "Apă și biodiversitate"


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ({"new-theme-name_ro": "", "new-theme-name_en": "Water"}, "required"),
        ({"new-theme-name_ro": "A" * 121}, "at most 120 characters"),
        ({"new-theme-name_ro": "<script>x</script>"}, ""),
    ],
)
def test_a_theme_without_its_default_name_or_too_long_is_refused(
    client: FlaskClient,
    admin: int,
    make_pact: Callable[..., int],
    names: dict[str, str],
    message: str,
) -> None:
    make_pact("ilfov")
    path = "/admin/pacts/ilfov"
    response = client.post(
        f"{path}/themes", data={"csrf_token": _token(client, path), **names}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'href="#new-theme-name_ro"' in page
    assert message in page
    assert len(_themes()) == 5


def test_a_theme_is_renamed_in_one_language(
    client: FlaskClient, admin: int, make_pact: Callable[..., int]
) -> None:
    make_pact("ilfov")
    theme = _themes()[0]
    path = "/admin/pacts/ilfov"
    prefix = f"theme-{theme.id}"
    response = client.post(
        f"{path}/themes/{theme.id}",
        data={
            "csrf_token": _token(client, path),
            f"{prefix}-name_ro": "Economie circulară locală",
            f"{prefix}-name_en": "Circular economy",
        },
    )
    assert response.status_code == 302
    from core.pacts import theme_label

    assert theme_label(theme, "ro") == "Economie circulară locală"
    assert theme_label(theme, "en") == "Circular economy"
    assert theme.key == "circular-economy", "the key stays"


def test_renaming_a_theme_without_its_default_name_is_refused(
    client: FlaskClient, admin: int, make_pact: Callable[..., int]
) -> None:
    make_pact("ilfov")
    theme = _themes()[0]
    path = "/admin/pacts/ilfov"
    response = client.post(
        f"{path}/themes/{theme.id}",
        data={"csrf_token": _token(client, path), f"theme-{theme.id}-name_ro": ""},
    )
    assert response.status_code == 400
    assert f'href="#theme-{theme.id}-name_ro"' in response.get_data(as_text=True)


def test_themes_move_up_and_down_and_not_past_either_end(
    client: FlaskClient, admin: int, make_pact: Callable[..., int]
) -> None:
    make_pact("ilfov")
    path = "/admin/pacts/ilfov"
    keys = [theme.key for theme in _themes()]
    second = _themes()[1]
    first = _themes()[0]

    def move(theme: Theme, direction: str) -> None:
        response = client.post(
            f"{path}/themes/{theme.id}/move",
            data={"csrf_token": _token(client, path), "direction": direction},
        )
        assert response.status_code == 302

    move(second, "up")
    assert [t.key for t in _themes()] == [keys[1], keys[0], *keys[2:]]
    move(second, "up")
    assert [t.key for t in _themes()] == [keys[1], keys[0], *keys[2:]]
    move(first, "down")
    assert [t.key for t in _themes()] == [keys[1], keys[2], keys[0], *keys[3:]]
    move(first, "sideways")
    assert [t.key for t in _themes()] == [keys[1], keys[2], keys[0], *keys[3:]]


def test_an_archived_theme_leaves_the_registration_form_until_restored(
    client: FlaskClient, admin: int, make_pact: Callable[..., int]
) -> None:
    make_pact("ilfov")
    theme = _themes()[0]
    path = "/admin/pacts/ilfov"
    box = f'value="{theme.key}"'
    assert box in client.get("/p/ilfov/register").get_data(as_text=True)
    archive = client.post(
        f"{path}/themes/{theme.id}/archive", data={"csrf_token": _token(client, path)}
    )
    assert archive.status_code == 302
    assert theme.archived
    assert box not in client.get("/p/ilfov/register").get_data(as_text=True)
    assert "archived" in client.get(path).get_data(as_text=True)
    client.post(
        f"{path}/themes/{theme.id}/restore", data={"csrf_token": _token(client, path)}
    )
    assert not theme.archived
    assert box in client.get("/p/ilfov/register").get_data(as_text=True)
    changes = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == AuditAction.CHANGE_THEMES)
    ).all()
    assert [entry.details["change"] for entry in changes] == ["archive", "restore"]


def test_the_last_active_theme_cannot_be_archived(
    client: FlaskClient, admin: int, make_pact: Callable[..., int]
) -> None:
    make_pact("ilfov")
    path = "/admin/pacts/ilfov"
    for theme in _themes():
        client.post(
            f"{path}/themes/{theme.id}/archive",
            data={"csrf_token": _token(client, path)},
        )
    assert [theme.archived for theme in _themes()] == [True] * 4 + [False]
    page = client.get(path).get_data(as_text=True)
    assert "at least one theme that is not archived" in page


def test_a_theme_of_another_pact_is_404(
    client: FlaskClient, admin: int, make_pact: Callable[..., int]
) -> None:
    make_pact("ilfov")
    make_pact("torino")
    theme = _themes("torino")[0]
    path = "/admin/pacts/ilfov"
    response = client.post(
        f"{path}/themes/{theme.id}/archive", data={"csrf_token": _token(client, path)}
    )
    assert response.status_code == 404
    assert not theme.archived


def test_changing_the_default_language_moves_the_pacts_own_texts(
    client: FlaskClient, admin: int
) -> None:
    assert _post_new(client).status_code == 302
    path = "/admin/pacts/cluj"
    data = _settings_data(
        "cluj", csrf_token=_token(client, path), default_language="en"
    )
    assert client.post(path, data=data).status_code == 302
    pact = find_pact("cluj")
    assert pact is not None
    db.session.refresh(pact)
    assert pact.language_list == ["en", "ro"]
    assert pact.title == "Cluj Local Green Pact"
    assert pact.text("title", "ro") == "Pactul Verde Local Cluj"
    assert pact.text("title", "en") == "Cluj Local Green Pact"
