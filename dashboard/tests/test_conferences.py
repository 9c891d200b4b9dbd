import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activity.selectors import activity_for
from conferences.models import Conference, ConferenceOrganization, Presentation
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory, PresentationFactory, after_start
from dashboard import roles
from dashboard.views.conferences import ConferenceEditView, _program_errors_to
from experts.tests.factories import (
    CouncilFactory,
    ExpertFactory,
    MembershipFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db

TASHKENT = datetime.timezone(datetime.timedelta(hours=5))


@pytest.fixture
def secretary(as_role):
    return as_role(roles.SECRETARY)


def _formset(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def _conference_post(council, presenters, organisation, **overrides):
    data = {
        "conference-council": council.pk,
        "conference-title": "Олий таълимда онлайн курслар",
        "conference-language": "uz-Cyrl",
        "conference-starts_at": "2030-03-14T15:00",
        "conference-duration_minutes": "120",
        "conference-platform": "zoom",
        "conference-join_url": "https://zoom.example/j/123",
        "conference-meeting_id": "",
        "conference-passcode": "",
        "conference-recording_url": "",
    }
    data.update(
        _formset("orgs", [{"organization": organisation.pk, "role": "co_organizer", "order": 1}])
    )
    data.update(
        _formset(
            "agenda",
            [
                {"order": i + 1, "title": f"Тақдимот {i + 1}", "presenter": p.pk}
                for i, p in enumerate(presenters)
            ],
        )
    )
    data.update(overrides)
    return data


def test_create_conference_with_agenda_and_organisations(secretary):
    council = CouncilFactory()
    presenters = [ExpertFactory(), ExpertFactory()]
    organisation = OrganizationFactory()
    response = secretary.post(
        reverse("dashboard:conference_create"), _conference_post(council, presenters, organisation)
    )
    conference = Conference.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:conference_detail", args=[conference.pk])
    assert conference.title == "Олий таълимда онлайн курслар"
    # Typed as Tashkent time: 15:00 in Tashkent is 10:00 UTC.
    assert conference.starts_at == datetime.datetime(2030, 3, 14, 10, 0, tzinfo=datetime.UTC)
    assert conference.status == "draft"
    assert list(conference.presentations.values_list("order", "title", "presenter")) == [
        (1, "Тақдимот 1", presenters[0].pk),
        (2, "Тақдимот 2", presenters[1].pk),
    ]
    assert list(conference.organization_roles.values_list("organization", "role")) == [
        (organisation.pk, "co_organizer")
    ]
    log = activity_for(target=conference).reverse()
    assert [(e.action, e.data, e.actor.username) for e in log] == [
        ("conference.created", {}, "council_secretary"),
        (
            "conference.program_changed",
            {"changed": ["organizations", "presentations"]},
            "council_secretary",
        ),
    ]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"conference-title": ""}, "title"),
        ({"conference-starts_at": "14.03.2030 25:00"}, "starts_at"),
        ({"conference-duration_minutes": "0"}, "duration_minutes"),
        ({"conference-join_url": "not a link"}, "join_url"),
        ({"conference-council": "999999"}, "council"),
    ],
)
def test_bad_conference_input_names_the_field_and_creates_nothing(secretary, override, field):
    data = _conference_post(CouncilFactory(), [ExpertFactory()], OrganizationFactory(), **override)
    response = secretary.post(reverse("dashboard:conference_create"), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert Conference.objects.count() == 0
    assert Presentation.objects.count() == 0


def test_two_presentations_with_one_order_are_refused(secretary):
    presenters = [ExpertFactory(), ExpertFactory()]
    data = _conference_post(CouncilFactory(), presenters, OrganizationFactory())
    data["agenda-1-order"] = "1"
    response = secretary.post(reverse("dashboard:conference_create"), data)
    assert response.status_code == 400
    assert response.context["agenda"].non_form_errors() or any(
        form.errors for form in response.context["agenda"]
    )
    assert Conference.objects.count() == 0


def test_edit_goes_through_conference_update(secretary):
    conference = ConferenceFactory(title="Old topic")
    presentation = PresentationFactory(conference=conference, order=1)
    data = _conference_post(conference.council, [], OrganizationFactory())
    data.update(
        {
            "conference-title": "New topic",
            "conference-starts_at": "2030-03-14T10:00",
            **_formset(
                "agenda",
                [
                    {
                        "id": presentation.pk,
                        "order": 1,
                        "title": "Renamed",
                        "presenter": presentation.presenter_id,
                    }
                ],
                initial=1,
            ),
        }
    )
    response = secretary.post(reverse("dashboard:conference_edit", args=[conference.pk]), data)
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.title == "New topic"
    assert list(conference.presentations.values_list("title", flat=True)) == ["Renamed"]


def test_edit_replaces_the_programme_and_keeps_what_the_form_does_not_show(secretary):
    conference = ConferenceFactory()
    host, dropped, added = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    ann, bob = ExpertFactory(), ExpertFactory()
    host_row = ConferenceOrganization.objects.create(
        conference=conference, organization=host, role="organizer", order=1
    )
    host_row.representatives.set([ann])
    dropped_row = ConferenceOrganization.objects.create(
        conference=conference, organization=dropped, role="partner", order=2
    )
    first = PresentationFactory(
        conference=conference, order=1, title="First", presenter=ann, slides="slides/a.pdf"
    )
    second = PresentationFactory(
        conference=conference, order=2, title="Second", presenter=bob, slides="slides/b.pdf"
    )
    data = _conference_post(conference.council, [], host)
    data["conference-title"] = conference.title
    data["conference-starts_at"] = "2030-03-14T10:00"
    data.update(
        _formset(
            "orgs",
            [
                # Another role: the representatives stay with the row.
                {"id": host_row.pk, "organization": host.pk, "role": "co_organizer", "order": 1},
                {
                    "id": dropped_row.pk,
                    "organization": dropped.pk,
                    "role": "partner",
                    "order": 2,
                    "DELETE": "on",
                },
                {"organization": added.pk, "role": "partner", "order": 3},
            ],
            initial=2,
        )
    )
    # The two talks change places; each keeps its slides.
    data.update(
        _formset(
            "agenda",
            [
                {"id": first.pk, "order": 2, "title": "First", "presenter": ann.pk},
                {"id": second.pk, "order": 1, "title": "Second", "presenter": bob.pk},
            ],
            initial=2,
        )
    )
    response = secretary.post(reverse("dashboard:conference_edit", args=[conference.pk]), data)
    assert response.status_code == 302
    assert [
        (r.organization_id, r.role, r.order, [p.pk for p in r.representatives.all()])
        for r in conference.organization_roles.order_by("order")
    ] == [(host.pk, "co_organizer", 1, [ann.pk]), (added.pk, "partner", 3, [])]
    assert list(
        conference.presentations.order_by("order").values_list(
            "order", "title", "presenter", "slides"
        )
    ) == [(1, "Second", bob.pk, "slides/b.pdf"), (2, "First", ann.pk, "slides/a.pdf")]


def test_a_refused_programme_entry_is_shown_on_its_row():
    """The service numbers the rows the form keeps; its errors land back on those rows."""
    ann = ExpertFactory()
    data = _conference_post(CouncilFactory(), [ann, ann], OrganizationFactory())
    data["agenda-0-DELETE"] = "on"
    form, orgs, agenda = ConferenceEditView()._forms(Conference(), data)
    assert form.is_valid() and orgs.is_valid() and agenda.is_valid()
    refusal = ValidationError(
        {
            "presentations[0].title": ["Too dull."],
            "organizations[0].role": ["Not today."],
            "starts_at": ["Too late."],
            "presentations[5].order": ["No such row."],
        }
    )
    _program_errors_to(refusal, form=form, orgs=orgs, agenda=agenda)
    # Row 0 is removed, so the service's first talk is the form's second row.
    assert (agenda.forms[0].errors, agenda.forms[1].errors) == ({}, {"title": ["Too dull."]})
    assert orgs.forms[0].errors == {"role": ["Not today."]}
    assert form.errors == {"starts_at": ["Too late."], "__all__": ["No such row."]}


def test_held_conference_cannot_be_rescheduled_from_the_form(secretary):
    conference = ConferenceFactory()
    conference_set_status(conference=conference, status="scheduled")
    with after_start(conference):
        conference_set_status(conference=conference, status="held")
    data = _conference_post(conference.council, [], OrganizationFactory())
    data["conference-title"] = conference.title
    data["conference-starts_at"] = "2031-01-01T10:00"
    response = secretary.post(reverse("dashboard:conference_edit", args=[conference.pk]), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["starts_at"]
    conference.refresh_from_db()
    assert conference.starts_at == datetime.datetime(2030, 3, 14, 10, 0, tzinfo=TASHKENT)


def test_detail_shows_experts_local_times(secretary):
    conference = ConferenceFactory()  # 2030-03-14 10:00 Tashkent
    PresentationFactory(
        conference=conference, presenter=ExpertFactory(time_zone="America/New_York")
    )
    page = secretary.get(reverse("dashboard:conference_detail", args=[conference.pk]))
    # 10:00 in Tashkent is 01:00 in New York (EDT began on 10 March 2030).
    assert "2030-03-14 01:00" in page.content.decode()


@pytest.mark.parametrize(
    ("path", "action", "target"),
    [([], "schedule", "scheduled"), (["scheduled"], "held", "held"), ([], "cancel", "cancelled")],
)
def test_action_asks_then_changes_the_status(secretary, path, action, target):
    # Begun an hour ago: a conference is marked held, without a second question, once begun.
    conference = ConferenceFactory(starts_at=timezone.now() - datetime.timedelta(hours=1))
    for step in path:
        conference_set_status(conference=conference, status=step)
    url = reverse("dashboard:conference_action", args=[conference.pk, action])
    page = secretary.get(url)
    assert page.status_code == 200
    conference.refresh_from_db()
    assert conference.status == (path[-1] if path else "draft")
    response = secretary.post(url, {"confirm": "on"})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == target
    last = activity_for(target=conference).first()
    assert (last.action, last.data, last.actor.username) == (
        "conference.status_changed",
        {"from": path[-1] if path else "draft", "to": target},
        "council_secretary",
    )


EARLY = "This conference has not started yet"


def test_marking_held_before_the_start_is_refused(secretary):
    conference = ConferenceFactory(starts_at=timezone.now() + datetime.timedelta(days=2))
    conference_set_status(conference=conference, status="scheduled")
    url = reverse("dashboard:conference_action", args=[conference.pk, "held"])

    page = secretary.get(url)
    assert EARLY in page.content.decode()
    response = secretary.post(url, {"confirm": "on"})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "__all__": ["This conference has not started yet; it cannot be marked held."]
    }
    conference.refresh_from_db()
    assert conference.status == "scheduled"


def test_marking_held_after_the_start_does_not_warn(secretary):
    conference = ConferenceFactory(starts_at=timezone.now() - datetime.timedelta(minutes=1))
    conference_set_status(conference=conference, status="scheduled")
    page = secretary.get(reverse("dashboard:conference_action", args=[conference.pk, "held"]))
    assert EARLY not in page.content.decode()


def test_action_without_the_confirmation_changes_nothing(secretary):
    conference = ConferenceFactory()
    response = secretary.post(
        reverse("dashboard:conference_action", args=[conference.pk, "schedule"])
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["confirm"]
    conference.refresh_from_db()
    assert conference.status == "draft"


def test_refused_transition_shows_the_reason(secretary):
    conference = ConferenceFactory()
    response = secretary.post(
        reverse("dashboard:conference_action", args=[conference.pk, "held"]), {"confirm": "on"}
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "A conference cannot go from draft to held."
    ]
    conference.refresh_from_db()
    assert conference.status == "draft"


def test_unknown_action_is_404(secretary):
    conference = ConferenceFactory()
    url = reverse("dashboard:conference_action", args=[conference.pk, "explode"])
    assert secretary.post(url, {"confirm": "on"}).status_code == 404


def test_list_filters(secretary):
    ConferenceFactory(title="Credit modules")
    held = ConferenceFactory(title="Online courses")
    conference_set_status(conference=held, status="scheduled")
    url = reverse("dashboard:conference_list")
    titles = lambda r: [c.title for c in r.context["conferences"]]  # noqa: E731
    assert titles(secretary.get(url, {"q": "online"})) == ["Online courses"]
    assert titles(secretary.get(url, {"status": "draft"})) == ["Credit modules"]
    response = secretary.get(url, {"status": "nonsense", "year": "abc"})
    assert response.status_code == 200
    assert sorted(response.context["filter_form"].errors) == ["status", "year"]


def test_calendar_places_conferences_on_their_tashkent_day(secretary):
    # 23:30 in Tashkent on the 14th is still the 14th there, though the 14th 18:30 UTC.
    ConferenceFactory(
        title="Late one", starts_at=datetime.datetime(2030, 3, 14, 23, 30, tzinfo=TASHKENT)
    )
    response = secretary.get(reverse("dashboard:conference_calendar"), {"month": "2030-03"})
    days = {
        day: [c.title for c in events] for week in response.context["weeks"] for day, events in week
    }
    assert days[datetime.date(2030, 3, 14)] == ["Late one"]
    assert (
        secretary.get(reverse("dashboard:conference_calendar"), {"month": "bad"}).status_code == 200
    )


@pytest.mark.parametrize("month", ["0001-01", "1999-12", "2100-01", "9999-12"])
def test_calendar_refuses_a_month_no_conference_can_start_in(secretary, month):
    response = secretary.get(reverse("dashboard:conference_calendar"), {"month": month})
    assert response.status_code == 400
    assert response.context["month_error"] == "month: give a month from 2000-01 to 2099-12."
    assert response.context["month"] == timezone.localdate().replace(day=1)
    assert "month: give a month from 2000-01 to 2099-12." in response.content.decode()


def test_calendar_links_stop_at_the_bounds(secretary):
    first = secretary.get(reverse("dashboard:conference_calendar"), {"month": "2000-01"})
    last = secretary.get(reverse("dashboard:conference_calendar"), {"month": "2099-12"})
    assert (first.status_code, last.status_code) == (200, 200)
    assert (first.context["previous_month"], first.context["next_month"]) == ("", "2000-02")
    assert (last.context["previous_month"], last.context["next_month"]) == ("2099-11", "")
    assert "?month=1999-12" not in first.content.decode()
    assert "?month=2100-01" not in last.content.decode()


@pytest.mark.parametrize("rows", [1, 4])
def test_conference_list_queries_do_not_grow(secretary, django_assert_num_queries, rows):
    for _ in range(rows):
        conference = ConferenceFactory()
        PresentationFactory(conference=conference)
    # Session, user, group and user permissions, the page's count and rows: 6 whatever the size.
    with django_assert_num_queries(6):
        response = secretary.get(reverse("dashboard:conference_list"))
    assert len(response.context["conferences"]) == rows


ZOOM_CSV = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "A,a@example.org,03/14/2030 10:00:00 AM,03/14/2030 10:30:00 AM,30,No\n"
    "A,A@example.org,03/14/2030 10:40:00 AM,03/14/2030 11:30:00 AM,50,No\n"
    "B,b@example.org,03/14/2030 10:00:00 AM,03/14/2030 11:30:00 AM,90,No\n"
)


def test_audience_declared_figures(secretary):
    conference = ConferenceFactory()
    member = MembershipFactory(council=conference.council).expert
    outsider = ExpertFactory()
    url = reverse("dashboard:conference_audience", args=[conference.pk])
    page = secretary.get(url)
    assert list(page.context["declared_form"].fields["experts"].queryset) == [member]
    refused = secretary.post(url, {"experts": [outsider.pk]})
    assert refused.status_code == 400
    assert list(refused.context["declared_form"].errors) == ["experts"]
    response = secretary.post(
        url,
        {
            "experts": [member.pk],
            "expert_count_declared": "20",
            "participants_count_declared": "1000",
            "participants_approximate": "on",
        },
    )
    assert response.status_code == 302
    conference.refresh_from_db()
    assert (conference.expert_count_declared, conference.participants_count_declared) == (20, 1000)
    assert conference.participants_approximate is True
    assert list(conference.experts.all()) == [member]
    response = secretary.post(url, {"participants_count_declared": "-5"})
    assert response.status_code == 400
    assert list(response.context["declared_form"].errors) == ["participants_count_declared"]
    conference.refresh_from_db()
    assert conference.participants_count_declared == 1000


def test_audience_upload_counts_a_rejoining_person_once(secretary):
    conference = ConferenceFactory()
    url = reverse("dashboard:conference_audience", args=[conference.pk])
    upload = io.BytesIO(ZOOM_CSV.encode())
    upload.name = "participants.csv"
    response = secretary.post(url, {"upload": "1", "file": upload})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.participants_count_recorded == 2
    page = secretary.get(url).content.decode()
    assert 'id="participants-recorded">2<' in page


def test_audience_upload_over_the_limit_is_refused_on_its_field(secretary):
    conference = ConferenceFactory()
    limit = 5 * 1024 * 1024
    content = ZOOM_CSV.encode()
    upload = io.BytesIO(content + b"\n" * (limit + 1 - len(content)))
    upload.name = "participants.csv"
    url = reverse("dashboard:conference_audience", args=[conference.pk])

    response = secretary.post(url, {"upload": "1", "file": upload})

    assert response.status_code == 400
    assert response.context["upload_form"].errors == {
        "file": ["The file is larger than 5.0\xa0MB."]
    }
    conference.refresh_from_db()
    assert conference.participants_count_recorded is None


def test_audience_bad_upload_names_the_line_and_stores_nothing(secretary):
    conference = ConferenceFactory()
    upload = io.BytesIO(ZOOM_CSV.replace(",30,", ",thirty,").encode())
    upload.name = "participants.csv"
    response = secretary.post(
        reverse("dashboard:conference_audience", args=[conference.pk]),
        {"upload": "1", "file": upload},
    )
    assert response.status_code == 400
    errors = response.context["upload_form"].non_field_errors()
    assert any("line 2" in e for e in errors)
    conference.refresh_from_db()
    assert conference.participants_count_recorded is None
    missing = secretary.post(
        reverse("dashboard:conference_audience", args=[conference.pk]), {"upload": "1"}
    )
    assert missing.status_code == 400
    assert list(missing.context["upload_form"].errors) == ["file"]
