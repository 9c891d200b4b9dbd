import copy
import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from activity.models import Action
from activity.selectors import activity_for
from conferences.imports import ConferenceImportError, conference_import
from conferences.models import Conference, ConferenceOrganization, Presentation
from experts.models import Council, Expert, Organization

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[1] / "demo" / "iec-2020-08-28-online-courses.json"


@pytest.fixture
def seed():
    return json.loads(DEMO.read_text(encoding="utf-8"))


def _counts():
    return (
        Conference.objects.count(),
        Organization.objects.count(),
        Expert.objects.count(),
        Council.objects.count(),
        Presentation.objects.count(),
        ConferenceOrganization.objects.count(),
    )


def test_seed_imports_with_all_its_facts(seed):
    result = conference_import(document=seed)
    c = result.conference
    assert result.outcome == "created"
    assert c.external_id == "iec-2020-08-28-online-courses"
    assert c.status == "held"
    assert c.starts_at == datetime.datetime(2020, 8, 28, 5, 0, tzinfo=datetime.UTC)
    assert c.council.name == "Халқаро экспертлар кенгаши"
    assert c.duration_minutes == 120
    assert c.expert_count_declared == 20
    assert c.expert_countries_declared == ["US", "CA", "AU", "BE", "DE", "KR"]
    assert (c.participants_count_declared, c.participants_approximate) == (1000, True)
    assert c.participant_groups == [
        "ministry", "rector", "vice_rector", "dean", "head_of_department", "professor",
    ]  # fmt: skip
    assert c.qa_held is True
    roles = [(r.organization.name, r.role) for r in c.organization_roles.all()]
    assert roles == [
        ("“Эл-юрт умиди” жамғармаси", "organizer"),
        ("Республика олий таълим кенгаши", "co_organizer"),
        ("ЗиёТек", "technical_organizer"),
    ]
    tech = c.organization_roles.get(role="technical_organizer")
    assert tech.organization.name_latin == "ZiyoTek"
    assert sorted(p.full_name for p in tech.representatives.all()) == [
        "Зафарбек Рустамов",
        "Маъмуржон Азимов",
    ]
    pres = list(c.presentations.select_related("presenter__organization"))
    assert [(p.order, p.presenter.full_name, p.presenter.country.code) for p in pres] == [
        (1, "Одилбек Каттаев", "RU"),
        (2, "Ҳамид Иргашев", "GB"),
    ]
    assert pres[1].presenter.organization.name == "Hult International Business School"
    assert pres[1].presenter.position == "профессор-ассистент"
    # Created in draft by conference_create, as from every other door, then walked to held.
    changes = activity_for(target=c).exclude(action=Action.CONFERENCE_PROGRAM_CHANGED).reverse()
    assert [(change.action, change.data) for change in changes] == [
        ("conference.created", {}),
        ("conference.status_changed", {"from": "draft", "to": "scheduled"}),
        ("conference.status_changed", {"from": "scheduled", "to": "held"}),
    ]


def test_same_document_twice_changes_nothing(seed):
    first = conference_import(document=seed).conference
    counts = _counts()
    updated_at = Conference.objects.get().updated_at
    result = conference_import(document=copy.deepcopy(seed))
    assert result.outcome == "unchanged"
    assert result.conference.pk == first.pk
    assert _counts() == counts
    assert Conference.objects.get().updated_at == updated_at


def test_changed_document_updates_in_place(seed):
    conference_import(document=seed)
    counts = _counts()
    seed["presentations"][1]["title"] = "Бошқа сарлавҳа"
    seed["participants"]["count"] = 750
    seed["participants"]["approximate"] = False
    result = conference_import(document=seed)
    assert result.outcome == "updated"
    c = Conference.objects.get()
    assert (c.participants_count_declared, c.participants_approximate) == (750, False)
    assert c.presentations.get(order=2).title == "Бошқа сарлавҳа"
    assert _counts() == counts


def test_a_held_conference_keeps_its_schedule_as_from_every_door(seed):
    conference_import(document=seed)
    seed["title"] = "Янги мавзу"
    with pytest.raises(ConferenceImportError) as exc:
        conference_import(document=seed)
    assert exc.value.errors == ["starts_at: A held or cancelled conference cannot be rescheduled."]
    assert Conference.objects.get().title == (
        "Олий таълим тизимида онлайн курслар ва масофавий таълим"
    )


def test_a_draft_is_updated_with_its_title(seed):
    seed["status"] = "draft"
    conference_import(document=seed)
    seed["title"] = "Янги мавзу"
    assert conference_import(document=seed).outcome == "updated"
    assert Conference.objects.get().title == "Янги мавзу"


def test_removed_presentation_and_organisation_are_removed(seed):
    conference_import(document=seed)
    seed["presentations"] = seed["presentations"][:1]
    seed["organizations"] = seed["organizations"][:2]
    conference_import(document=seed)
    c = Conference.objects.get()
    assert list(c.presentations.values_list("order", flat=True)) == [1]
    assert c.organization_roles.count() == 2


def test_people_and_organisations_matched_across_documents(seed):
    conference_import(document=seed)
    other = copy.deepcopy(seed)
    other["external_id"] = "iec-2020-09-10-credits"
    other["title"] = "Кредит-модуль тизими"
    other["starts_at"] = "2020-09-10T15:00:00+05:00"
    other["presentations"][0]["presenter"]["name"] = "  одилбек   КАТТАЕВ "
    conference_import(document=other)
    assert Conference.objects.count() == 2
    assert Expert.objects.filter(full_name="Одилбек Каттаев").count() == 1
    assert Organization.objects.filter(name="ЗиёТек").count() == 1
    assert Council.objects.count() == 1


def test_list_of_experts_is_stored(seed):
    seed["experts"] = [
        {"name": "Анна Каримова", "country": "DE", "email": "anna@example.org"},
        {"name": "Bob Lee", "country": "KR"},
    ]
    c = conference_import(document=seed).conference
    assert sorted(e.full_name for e in c.experts.all()) == ["Bob Lee", "Анна Каримова"]


INVALID = [
    (lambda d: d.pop("external_id"), "external_id: is required"),
    (
        lambda d: d.update(external_id="Has Spaces"),
        "external_id: must be 1–100 characters of a-z, 0-9, '-', '_' and '.'",
    ),  # noqa: E501
    (
        lambda d: d.update(external_id="x" * 101),
        "external_id: must be 1–100 characters of a-z, 0-9, '-', '_' and '.'",
    ),  # noqa: E501
    (lambda d: d.update(language="uz"), 'language: "uz" is not one of uz-Cyrl, uz-Latn, ru, en'),
    (lambda d: d.update(title=""), "title: must not be empty"),
    (lambda d: d.update(title="x" * 301), "title: must be at most 300 characters"),
    (
        lambda d: d.update(starts_at="2020-08-28T10:00:00"),
        "starts_at: must be an ISO 8601 date and time with an offset",
    ),  # noqa: E501
    (
        lambda d: d.update(starts_at="28.08.2020"),
        "starts_at: must be an ISO 8601 date and time with an offset",
    ),  # noqa: E501
    (lambda d: d.update(duration_minutes=0), "duration_minutes: must be between 1 and 1440"),
    (lambda d: d.update(duration_minutes="90"), "duration_minutes: must be an integer"),
    (lambda d: d.update(platform="teams"), 'platform: "teams" is not one of zoom, other'),
    (lambda d: d.update(join_url="http://zoom.us/j/1"), "join_url: must be an https URL"),
    (
        lambda d: d.update(status="done"),
        'status: "done" is not one of draft, scheduled, held, cancelled',
    ),  # noqa: E501
    (lambda d: d.update(qa="yes"), "qa: must be true or false"),
    (lambda d: d.update(colour="red"), "colour: unknown field"),
    (
        lambda d: d["presentations"][1]["presenter"].update(country="UKK"),
        "presentations[1].presenter.country: 'UKK' is not an ISO 3166-1 code",
    ),  # noqa: E501
    (lambda d: d["presentations"][1].update(order=1), "presentations[1].order: 1 is used twice"),
    (
        lambda d: d["presentations"][0].update(order=0),
        "presentations[0].order: must be between 1 and 32767",
    ),  # noqa: E501
    (
        lambda d: d["presentations"][0]["presenter"].pop("name"),
        "presentations[0].presenter.name: is required",
    ),  # noqa: E501
    (
        lambda d: d["presentations"][0]["presenter"].update(email="nope"),
        "presentations[0].presenter.email: 'nope' is not an email address",
    ),  # noqa: E501
    (
        lambda d: d["organizations"][2].update(role="sponsor"),
        'organizations[2].role: "sponsor" is not one of organizer, co_organizer, technical_organizer, partner',
    ),  # noqa: E501
    (
        lambda d: d["organizations"][0].update(kind="ngo"),
        'organizations[0].kind: "ngo" is not one of foundation, ministry, council, university, company, other',
    ),  # noqa: E501
    (
        lambda d: d["organizations"][2]["representatives"][0].update(nickname="M"),
        "organizations[2].representatives[0].nickname: unknown field",
    ),  # noqa: E501
    (
        lambda d: d["expert_summary"].update(count=-1),
        "expert_summary.count: must be between 0 and 9999999",
    ),
    (
        lambda d: d["expert_summary"]["countries"].append("XX"),
        "expert_summary.countries[6]: 'XX' is not an ISO 3166-1 code",
    ),  # noqa: E501
    (
        lambda d: d["participants"]["groups"].append("minister"),
        'participants.groups[6]: "minister" is not one of ministry, rector, vice_rector, dean, head_of_department, professor, student, other',
    ),  # noqa: E501
    (
        lambda d: d["participants"].update(approximate="about"),
        "participants.approximate: must be true or false",
    ),  # noqa: E501
    (lambda d: d.update(experts={"name": "x"}), "experts: must be a list"),
    (lambda d: d.update(title=None), "title: must be a string"),
    (lambda d: d.update(duration_minutes=True), "duration_minutes: must be an integer"),
    (lambda d: d.update(presentations=[5]), "presentations[0]: must be an object"),
    (lambda d: d.update(participants=None), "participants: must be an object"),
    (
        lambda d: d["organizations"][0].update(representatives="Ann"),
        "organizations[0].representatives: must be a list",
    ),
    (
        lambda d: d.update(join_url="https://zoom.us/j/" + "1" * 490),
        "join_url: must be at most 500 characters",
    ),
    (lambda d: d["expert_summary"].pop("count"), "expert_summary.count: is required"),
    (
        lambda d: d["presentations"][0].update(title="  "),
        "presentations[0].title: must not be empty",
    ),
]


@pytest.mark.parametrize(("mutate", "message"), INVALID)
def test_invalid_document_refused_whole_naming_field_and_rule(seed, mutate, message):
    mutate(seed)
    with pytest.raises(ConferenceImportError) as exc:
        conference_import(document=seed)
    assert exc.value.errors == [message]
    assert _counts() == (0, 0, 0, 0, 0, 0)


def test_refused_update_leaves_stored_conference_as_it_was(seed):
    conference_import(document=seed)
    counts = _counts()
    seed["title"] = "Changed"
    seed["status"] = "draft"  # held cannot go back to draft
    with pytest.raises(ConferenceImportError) as exc:
        conference_import(document=seed)
    assert exc.value.errors == ["status: cannot change from held to draft"]
    assert (
        Conference.objects.get().title == "Олий таълим тизимида онлайн курслар ва масофавий таълим"
    )
    assert _counts() == counts


def test_command_imports_each_document_on_its_own(tmp_path, seed, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(seed), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text('{"external_id": "x",', encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("import_conference", str(good), str(bad))
    assert str(exc.value) == "1 of 2 documents refused"
    out, err = capsys.readouterr()
    assert out == f"{good}: created iec-2020-08-28-online-courses (Held)\n"
    assert err == (
        f"{bad}: refused, nothing stored\n"
        "  document: not valid JSON (Expecting property name enclosed in double quotes"
        " at line 1, column 21)\n"
    )
    assert Conference.objects.count() == 1


def test_command_reports_broken_documents_and_goes_on(tmp_path, seed, capsys):
    huge = tmp_path / "huge-number.json"
    huge.write_text('{"external_id": ' + "1" * 5000 + "}", encoding="utf-8")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 1000 + "]" * 1000, encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(seed), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("import_conference", str(huge), str(deep), str(good))
    assert str(exc.value) == "2 of 3 documents refused"
    out, err = capsys.readouterr()
    assert out == f"{good}: created iec-2020-08-28-online-courses (Held)\n"
    assert err == (
        f"{huge}: refused, nothing stored\n"
        "  document: not valid JSON (Exceeds the limit (4300 digits) for integer string"
        " conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase"
        " the limit)\n"
        f"{deep}: refused, nothing stored\n"
        "  document: JSON nested more than 32 levels deep\n"
    )
    assert Conference.objects.count() == 1


def test_command_reports_missing_file(tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("import_conference", str(tmp_path / "missing.json"))
    assert (
        capsys.readouterr().err
        == f"{tmp_path / 'missing.json'}: cannot be read (No such file or directory)\n"
    )  # noqa: E501


def test_document_that_is_not_an_object_refused():
    with pytest.raises(ConferenceImportError) as exc:
        conference_import(document=[1, 2])
    assert exc.value.errors == ["document: must be a JSON object"]


def test_every_broken_rule_is_listed_in_the_documents_order(seed):
    seed["colour"] = "red"
    seed["title"] = ""
    seed["presentations"][1]["presenter"]["country"] = "UKK"
    seed["presentations"][0]["order"] = "1"
    seed["qa"] = "yes"
    with pytest.raises(ConferenceImportError) as exc:
        conference_import(document=seed)
    assert exc.value.errors == [
        "colour: unknown field",
        "title: must not be empty",
        "presentations[0].order: must be an integer",
        "presentations[1].presenter.country: 'UKK' is not an ISO 3166-1 code",
        "qa: must be true or false",
    ]


def test_line_breaks_are_folded_into_spaces_and_the_import_says_so(tmp_path, seed, capsys):
    seed["title"] = "Олий таълим тизимида\r\nонлайн курслар\x0bва масофавий таълим\x01"
    seed["presentations"][1]["presenter"]["position"] = "профессор-\u2028ассистент"
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed), encoding="utf-8")

    call_command("import_conference", str(path))

    conference = Conference.objects.get()
    assert conference.title == "Олий таълим тизимида онлайн курслар ва масофавий таълим"
    assert Expert.objects.get(full_name="Ҳамид Иргашев").position == "профессор- ассистент"
    assert capsys.readouterr().out == (
        f"{path}: created iec-2020-08-28-online-courses (Held)\n"
        "  title: line breaks folded into spaces\n"
        "  presentations[1].presenter.position: line breaks folded into spaces\n"
    )
    # The same document again: folded the same way, so nothing changed, and said again.
    result = conference_import(document=json.loads(path.read_text(encoding="utf-8")))
    assert (result.outcome, result.notes) == (
        "unchanged",
        [
            "title: line breaks folded into spaces",
            "presentations[1].presenter.position: line breaks folded into spaces",
        ],
    )
