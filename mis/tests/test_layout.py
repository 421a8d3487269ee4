import pytest
from django.urls import reverse

from accounts.roles import Role


def test_anonymous_home_redirects_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.req("DSM80-24.3")
@pytest.mark.parametrize(
    ("language", "welcome", "role"),
    [("ru", "Добро пожаловать", "Врач"), ("kk", "Қош келдіңіз", "Дәрігер"), ("en", "Welcome", "Doctor")],
)
def test_home_shows_the_user_and_role_in_the_chosen_language(client_as, language, welcome, role):
    client = client_as(Role.DOCTOR)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    response = client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in content
    assert welcome in content and role in content


def test_russian_is_the_default_language(client_as):
    response = client_as(Role.REGISTRAR).get("/")
    assert '<html lang="ru">' in response.content.decode()


def test_pages_load_no_asset_from_outside_the_machine(client_as):
    content = client_as(Role.DOCTOR).get("/").content.decode()
    assert "http://" not in content.replace("http://testserver", "") and "https://" not in content
    assert "/static/bootstrap/css/bootstrap.min.css" in content


@pytest.mark.req("DSM80-27.6")
def test_navigation_shows_only_what_the_roles_allow(client_as, settings):
    from mis.navigation import nav_items_for

    patient = client_as(Role.PATIENT).user
    labels = [item["url_name"] for item in nav_items_for(patient)]
    assert not any(name.startswith(("audit:", "accounts:user")) for name in labels)
