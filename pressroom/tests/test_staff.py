import datetime

import pytest
from django.utils import timezone

from activity.models import Action
from activity.selectors import activity_for
from pressroom.models import PressRelease
from pressroom.services import press_release_draft, press_release_edit, press_release_set_status

pytestmark = pytest.mark.django_db
S = PressRelease.Status


@pytest.fixture
def release(seed_conference):
    return press_release_draft(conference=seed_conference)


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"  # messages asserted in English
    return client


def form_data(release, **changes):
    data = {
        name: getattr(release, name)
        for name in (
            "title_cyrl",
            "title_latn",
            "body_cyrl",
            "body_latn",
            "title_ru",
            "body_ru",
            "title_en",
            "body_en",
            "slug",
        )
    }
    data.update(changes)
    return data


def staff_urls(release):
    base = f"/dashboard/press/{release.pk}"
    return {
        "list": "/dashboard/press/",
        "edit": f"{base}/",
        "compare": f"{base}/compare/",
        "version": f"{base}/versions/1/",
    }


def test_anonymous_visitors_are_sent_to_login(release, client):
    for url in staff_urls(release).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    response = client.post(f"/dashboard/press/{release.pk}/status/", {"status": "in_review"})
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.status == S.DRAFT


def test_users_without_the_permission_get_403(release, outsider, client):
    login(client, outsider)
    for url in staff_urls(release).values():
        assert client.get(url).status_code == 403
    for action, data in (
        ("status", {"status": "in_review"}),
        ("redraft", {}),
        ("schedule", {"publish_at": ""}),
        ("", form_data(release, body_cyrl="x")),
    ):
        assert client.post(f"/dashboard/press/{release.pk}/{action}", data).status_code in (
            403,
            301,
        )
    release.refresh_from_db()
    assert (release.status, release.versions.count()) == (S.DRAFT, 1)


def test_press_service_sees_the_list_and_the_editor_side_by_side(release, press, client):
    login(client, press)
    listing = client.get("/dashboard/press/").content.decode()
    assert f'href="/dashboard/press/{release.pk}/"' in listing
    editor = client.get(f"/dashboard/press/{release.pk}/").content.decode()
    assert 'name="body_cyrl"' in editor and 'name="body_latn"' in editor
    assert "Tadbirda AQSH, Kanada" in editor and "Тадбирда АҚШ, Канада" in editor
    assert ">Submit for review<" in editor


def test_editor_saves_a_new_version_and_the_latin_follows(release, editor, client):
    login(client, editor)
    response = client.post(
        f"/dashboard/press/{release.pk}/",
        form_data(release, body_cyrl="Янги матн.", body_latn=release.body_latn),
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert (release.body_cyrl, release.body_latn, release.latin_edited) == (
        "Янги матн.",
        "Yangi matn.",
        False,
    )
    assert list(release.versions.values_list("number", "source", "created_by__username")) == [
        (1, "draft", None),
        (2, "edit", "editor"),
    ]


def test_editor_form_refuses_bad_input_naming_the_field(release, editor, client, press):
    from conferences.tests.factories import ConferenceFactory

    login(client, editor)
    response = client.post(f"/dashboard/press/{release.pk}/", form_data(release, body_cyrl=""))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = client.post(
        f"/dashboard/press/{release.pk}/", form_data(release, slug="not a slug!")
    )
    assert response.status_code == 400
    other = PressRelease.objects.create(
        conference=ConferenceFactory(), slug="taken", title_cyrl="x", body_cyrl="y"
    )
    response = client.post(f"/dashboard/press/{release.pk}/", form_data(release, slug=other.slug))
    assert response.status_code == 400
    assert "Another press release already has this address." in response.content.decode()
    release.refresh_from_db()
    assert release.versions.count() == 1


def test_editor_submits_but_cannot_approve(release, editor, client):
    login(client, editor)
    client.post(f"/dashboard/press/{release.pk}/status/", {"status": "in_review"})
    release.refresh_from_db()
    assert release.status == S.IN_REVIEW
    page = client.get(f"/dashboard/press/{release.pk}/").content.decode()
    assert ">Approve<" not in page
    response = client.post(f"/dashboard/press/{release.pk}/status/", {"status": "approved"})
    assert response.status_code == 403
    release.refresh_from_db()
    assert release.status == S.IN_REVIEW


def test_press_service_approves_publishes_and_withdraws(release, editor, press, client):
    press_release_set_status(release=release, status=S.IN_REVIEW, by=editor)
    login(client, press)
    for status in ("approved", "published", "withdrawn"):
        response = client.post(f"/dashboard/press/{release.pk}/status/", {"status": status})
        assert response.status_code == 302
        release.refresh_from_db()
        assert release.status == status
    changes = activity_for(target=release).filter(action=Action.RELEASE_STATUS_CHANGED)
    assert list(changes.reverse().values_list("data", "actor__username"))[-3:] == [
        ({"from": "in_review", "to": "approved"}, "press"),
        ({"from": "approved", "to": "published"}, "press"),
        ({"from": "published", "to": "withdrawn"}, "press"),
    ]


def test_a_step_that_is_not_allowed_is_a_message_not_an_error(release, press, client):
    login(client, press)
    response = client.post(
        f"/dashboard/press/{release.pk}/status/", {"status": "published"}, follow=True
    )
    assert response.status_code == 200
    assert "A press release cannot go from draft to published." in response.content.decode()
    response = client.post(
        f"/dashboard/press/{release.pk}/status/", {"status": "nope"}, follow=True
    )
    assert "status: choose one of the offered steps." in response.content.decode()
    release.refresh_from_db()
    assert release.status == S.DRAFT


def test_schedule_form(release, press, editor, client):
    for status in (S.IN_REVIEW, S.APPROVED):
        press_release_set_status(release=release, status=status, by=press)
    login(client, editor)
    assert (
        client.post(f"/dashboard/press/{release.pk}/schedule/", {"publish_at": ""}).status_code
        == 403
    )
    login(client, press)
    response = client.post(
        f"/dashboard/press/{release.pk}/schedule/", {"publish_at": "yesterday"}, follow=True
    )
    assert "publish_at: Enter a valid date/time." in response.content.decode()
    when = timezone.localtime() + datetime.timedelta(days=1)
    client.post(
        f"/dashboard/press/{release.pk}/schedule/", {"publish_at": when.strftime("%Y-%m-%dT%H:%M")}
    )
    release.refresh_from_db()
    assert release.publish_at == when.replace(second=0, microsecond=0)
    assert release.publish_scheduled_by.username == "press"


def test_versions_compare_as_an_html_diff(release, editor, client):
    edited = release.body_cyrl.replace("жами 20 нафар", "жами 21 нафар")
    press_release_edit(release=release, by=editor, body_cyrl=edited + "\n\nЯнги <b>хатбоши</b>.")
    login(client, editor)
    response = client.get(f"/dashboard/press/{release.pk}/compare/?a=1&b=2")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<table class="diff"' in html
    assert '<span class="diff_chg">1</span>' in html  # 20 → 21
    assert "Янги&nbsp;&lt;b&gt;хатбоши&lt;/b&gt;." in html  # escaped, never live markup
    latin = client.get(f"/dashboard/press/{release.pk}/compare/?a=1&b=2&field=body_latn")
    assert "Yangi&nbsp;&lt;b&gt;xatboshi&lt;/b&gt;." in latin.content.decode()
    bad = client.get(f"/dashboard/press/{release.pk}/compare/?a=1&b=9")
    assert bad.status_code == 400
    assert "a: No such version of this press release." in bad.content.decode()
    assert client.get(f"/dashboard/press/{release.pk}/compare/?a=x").status_code == 400


def test_redraft_from_the_page_keeps_the_edit(release, editor, client, seed_conference):
    press_release_edit(release=release, by=editor, body_cyrl="Қўлда ёзилган.")
    seed_conference.qa_held = False
    seed_conference.save()
    login(client, editor)
    client.post(f"/dashboard/press/{release.pk}/redraft/")
    release.refresh_from_db()
    assert release.body_cyrl == "Қўлда ёзилган."
    assert list(release.versions.values_list("source", flat=True)) == ["draft", "edit", "draft"]


@pytest.mark.parametrize("size", [1, 5])
def test_staff_list_queries_do_not_grow(press, client, django_assert_num_queries, size):
    from conferences.tests.factories import ConferenceFactory

    for _ in range(size):
        PressRelease.objects.create(
            conference=ConferenceFactory(),
            slug=f"r-{_}-{size}",
            title_cyrl="Сарлавҳа",
            body_cyrl="Матн",
            updated_by=press,
        )
    login(client, press)
    # session, user, two for permissions, count, page with conference, council and editor
    with django_assert_num_queries(6):
        assert client.get("/dashboard/press/").status_code == 200


def test_press_service_edits_the_release_template(press, editor, client, seed_conference):
    from pressroom.drafting import draft_texts
    from pressroom.models import ReleaseTemplate

    template = ReleaseTemplate.objects.get(language="uz-Cyrl", active=True)
    url = f"/dashboard/press/templates/{template.pk}/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    login(client, editor)  # may edit releases, not the wording
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403
    login(client, press)
    assert f'href="{url}"' in client.get("/dashboard/press/templates/").content.decode()
    data = {"language": "uz-Cyrl", "name": "Қисқа", "title": "{{ topic }}", "active": "on"}
    refused = client.post(url, {**data, "body": "{% if qa %}"})
    assert refused.status_code == 400
    assert "body: The template does not compile:" in refused.content.decode()
    template.refresh_from_db()
    assert template.name != "Қисқа"
    saved = client.post(url, {**data, "body": "{{ experts.count }} нафар эксперт."})
    assert saved.status_code == 302
    texts = draft_texts(conference=seed_conference)
    assert (texts["title_cyrl"], texts["body_cyrl"]) == (
        "Олий таълим тизимида онлайн курслар ва масофавий таълим",
        "20 нафар эксперт.",
    )


def test_a_browser_posting_crlf_does_not_turn_the_latin_into_a_hand_edit(release, editor, client):
    login(client, editor)
    crlf = {k: v.replace("\n", "\r\n") for k, v in form_data(release).items()}
    crlf["body_cyrl"] += "\r\n\r\nЯнги хатбоши."
    assert client.post(f"/dashboard/press/{release.pk}/", crlf).status_code == 302
    release.refresh_from_db()
    assert release.latin_edited is False
    assert release.body_cyrl.endswith("\n\nЯнги хатбоши.") and "\r" not in release.body_cyrl
    assert release.body_latn.endswith("\n\nYangi xatboshi.")


def test_a_release_typed_in_latin_on_the_editor(release, editor, client):
    login(client, editor)
    data = form_data(release, title_latn="Yangi sarlavha", body_latn="Yangi matn.")
    data.update(title_cyrl="", body_cyrl="", cyrillic_follows="on")
    response = client.post(f"/dashboard/press/{release.pk}/", data)
    assert response.status_code == 302
    release.refresh_from_db()
    assert (release.title_cyrl, release.body_cyrl) == ("Янги сарлавҳа", "Янги матн.")
    page = client.get(f"/dashboard/press/{release.pk}/").content.decode()
    assert 'id="id_cyrillic_follows" checked' in page
    # Typed in Latin, the Latin is required; both boxes at once are refused.
    data.update(body_latn="")
    refused = client.post(f"/dashboard/press/{release.pk}/", data)
    assert refused.status_code == 400
    assert refused.context["form"].errors["body_latn"] == ["This field is required."]
    data.update(body_latn="Matn.", latin_follows="on")
    both = client.post(f"/dashboard/press/{release.pk}/", data)
    assert both.context["form"].non_field_errors() == [
        "Choose one: the Latin follows the Cyrillic, or the Cyrillic the Latin."
    ]
