"""Conferences: the list, the calendar, a conference's page, its form (organisations and
agenda included) and its status changes."""

import calendar
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView, TemplateView

from conferences.formsets import kept_forms
from conferences.models import STARTS_AT_MAX, STARTS_AT_MIN, Conference
from conferences.selectors import conference_activity
from conferences.services import (
    PROGRAM_ERROR_KEY,
    ProgramOrganization,
    ProgramPresentation,
    conference_save,
    conference_set_status,
    conference_transition_allowed,
)
from experts.models import Council
from experts.selectors import memberships_current

from .. import forms
from ..selectors import conference_list
from ._common import MONTH_NAMES, WEEKDAY_ABBR, StaffView, _form_errors_from

Status = Conference.Status


class ConferenceListView(StaffView, ListView):
    permission_required = "conferences.view_conference"
    template_name = "dashboard/conference_list.html"
    paginate_by = 50
    context_object_name = "conferences"

    def get_queryset(self):
        self.filter_form = forms.ConferenceFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return conference_list(filters=filters)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


# The months a conference can start in (Conference's starts_at bounds); beyond them the
# calendar's date arithmetic leaves the range of datetime.date.
CALENDAR_FIRST_MONTH = STARTS_AT_MIN.date().replace(day=1)
CALENDAR_LAST_MONTH = (STARTS_AT_MAX.date() - datetime.timedelta(days=1)).replace(day=1)


class ConferenceCalendarView(StaffView, TemplateView):
    """One month's conferences; `?month=YYYY-MM`, from 2000-01 to 2099-12, else this month.

    A month outside those bounds answers 400 with this month's calendar and a message naming
    the parameter; an unreadable value shows this month, as a bare link does."""

    permission_required = "conferences.view_conference"
    template_name = "dashboard/conference_calendar.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        status = 400 if context["month_error"] else 200
        return self.render_to_response(context, status=status)

    def _month(self, today: datetime.date) -> tuple[datetime.date, str]:
        """The month asked for (its first day), and a refusal message or ''."""
        try:
            month = datetime.datetime.strptime(self.request.GET.get("month", ""), "%Y-%m").date()
        except ValueError:
            return today.replace(day=1), ""
        if not CALENDAR_FIRST_MONTH <= month <= CALENDAR_LAST_MONTH:
            refusal = _("month: give a month from %(first)s to %(last)s.") % {
                "first": CALENDAR_FIRST_MONTH.strftime("%Y-%m"),
                "last": CALENDAR_LAST_MONTH.strftime("%Y-%m"),
            }
            return today.replace(day=1), refusal
        return month, ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        month, month_error = self._month(today)
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
        start, end = weeks[0][0], weeks[-1][-1]
        tz = timezone.get_current_timezone()
        by_day: dict = {}
        qs = Conference.objects.filter(
            starts_at__gte=datetime.datetime.combine(start, datetime.time.min, tz),
            starts_at__lt=datetime.datetime.combine(
                end + datetime.timedelta(days=1), datetime.time.min, tz
            ),
        ).order_by("starts_at")
        for conference in qs:
            by_day.setdefault(timezone.localtime(conference.starts_at).date(), []).append(
                conference
            )
        previous = (month - datetime.timedelta(days=1)).replace(day=1)
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        context.update(
            month=month,
            month_error=month_error,
            today=today,
            weeks=[[(day, by_day.get(day, [])) for day in week] for week in weeks],
            weekday_names=WEEKDAY_ABBR,
            month_name=MONTH_NAMES[month.month - 1],
            previous_month=previous.strftime("%Y-%m") if month > CALENDAR_FIRST_MONTH else "",
            next_month=following.strftime("%Y-%m") if month < CALENDAR_LAST_MONTH else "",
        )
        return context


def _local_time_rows(conference: Conference | None, council: Council | None):
    """Council members and presenters with the conference's start in their own time zone."""
    if conference is None or conference.starts_at is None:
        return []
    council = council or conference.council
    people = {}
    if council is not None:
        members = memberships_current().filter(council=council).select_related("expert")
        for membership in members:
            people[membership.expert_id] = membership.expert
    if conference.pk:
        for presentation in conference.presentations.select_related("presenter"):
            people[presentation.presenter_id] = presentation.presenter
    return sorted(people.values(), key=lambda expert: expert.full_name)


def _member_zones():
    """For the form's live local times: each current member's council, name and zone."""
    return [
        {"council": m.council_id, "name": m.expert.full_name, "zone": m.expert.time_zone}
        for m in memberships_current().select_related("expert").order_by("expert__full_name")
    ]


class ConferenceDetailView(StaffView, DetailView):
    permission_required = "conferences.view_conference"
    template_name = "dashboard/conference_detail.html"
    context_object_name = "conference"

    def get_queryset(self):
        return Conference.objects.select_related("council").prefetch_related(
            "organization_roles__organization", "presentations__presenter__organization"
        )

    def get_context_data(self, **kwargs):
        conference = self.object
        return super().get_context_data(
            local_times=_local_time_rows(conference, None),
            actions=[
                action
                for action in CONFERENCE_ACTIONS.values()
                if conference_transition_allowed(current=conference.status, target=action.target)
            ],
            history=conference_activity(conference=conference, user=self.request.user),
            **kwargs,
        )


class ConferenceEditView(StaffView, TemplateView):
    """Create (no pk) or edit a conference with its organisations and agenda in one form."""

    template_name = "dashboard/conference_form.html"

    def get_permission_required(self):
        if "pk" in self.kwargs:
            return ["conferences.change_conference"]
        return ["conferences.add_conference"]

    def _conference(self) -> Conference:
        if "pk" in self.kwargs:
            return get_object_or_404(Conference, pk=self.kwargs["pk"])
        return Conference()

    def _forms(self, conference: Conference, data=None):
        creating = conference.pk is None
        return (
            forms.ConferenceForm(data, instance=conference, prefix="conference"),
            forms.organization_formset(2 if creating else 1)(
                data, instance=conference, prefix="orgs"
            ),
            forms.presentation_formset(2 if creating else 1)(
                data, instance=conference, prefix="agenda"
            ),
        )

    def _render(self, conference, form, orgs, agenda, status=200):
        context = self.get_context_data(
            conference=conference,
            form=form,
            orgs=orgs,
            agenda=agenda,
            local_times=_local_time_rows(conference, None) if conference.pk else [],
            member_zones=_member_zones(),
        )
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        conference = self._conference()
        return self._render(conference, *self._forms(conference))

    def post(self, request, *args, **kwargs):
        conference = self._conference()
        original = Conference.objects.get(pk=conference.pk) if conference.pk else None
        form, orgs, agenda = self._forms(conference, request.POST)
        if not (form.is_valid() and orgs.is_valid() and agenda.is_valid()):
            return self._render(conference, form, orgs, agenda, status=400)
        data = dict(form.cleaned_data)
        program = _program_from(orgs, agenda)
        try:
            saved, _changed = conference_save(
                conference=original, by=request.user, **data, **program
            )
        except ValidationError as exc:
            _program_errors_to(exc, form=form, orgs=orgs, agenda=agenda)
            return self._render(conference, form, orgs, agenda, status=400)
        messages.success(request, _("The conference is saved."))
        return redirect("dashboard:conference_detail", pk=saved.pk)


def _program_from(orgs, agenda) -> dict:
    """The conference form's organisations and agenda as conference_program_set's entries.

    A row removed or left empty is simply not listed. A row already saved keeps what the form
    does not show: an organisation its representatives, a talk its slides.
    """
    organizations = []
    for row in kept_forms(orgs):
        saved = row.instance.pk is not None
        organizations.append(
            ProgramOrganization(
                organization=row.cleaned_data["organization"],
                role=row.cleaned_data["role"],
                order=row.cleaned_data["order"],
                representatives=list(row.instance.representatives.all()) if saved else [],
            )
        )
    presentations = [
        ProgramPresentation(
            order=row.cleaned_data["order"],
            title=row.cleaned_data["title"],
            presenter=row.cleaned_data["presenter"],
            slides=row.instance.slides.name if row.instance.pk is not None else "",
        )
        for row in kept_forms(agenda)
    ]
    return {"organizations": organizations, "presentations": presentations}


def _program_errors_to(exc: ValidationError, *, form, orgs, agenda) -> None:
    """Show a refusal where it belongs: an entry's error on its row of the formset (entries
    are numbered as _program_from listed the rows), anything else on the conference form."""
    if not hasattr(exc, "error_dict"):
        _form_errors_from(exc, form)
        return
    rows = {"organizations": kept_forms(orgs), "presentations": kept_forms(agenda)}
    for key, errors in exc.error_dict.items():
        match = PROGRAM_ERROR_KEY.match(key)
        if match is None or int(match[2]) >= len(rows[match[1]]):
            _form_errors_from(ValidationError({key: errors}), form)
            continue
        row = rows[match[1]][int(match[2])]
        for error in errors:
            row.add_error(match[3] if match[3] in row.fields else None, error)


class _Action:
    def __init__(self, *, name, target, label, question, done, style):
        self.name, self.target, self.label = name, target, label
        self.question, self.done, self.style = question, done, style


CONFERENCE_ACTIONS = {
    action.name: action
    for action in [
        _Action(
            name="schedule",
            target=Status.SCHEDULED,
            label=gettext_lazy("Schedule"),
            question=gettext_lazy(
                "Schedule this conference? Invitations can be sent once it is scheduled."
            ),
            done=gettext_lazy("The conference is scheduled."),
            style="primary",
        ),
        _Action(
            name="held",
            target=Status.HELD,
            label=gettext_lazy("Mark held"),
            question=gettext_lazy(
                "Mark this conference as held? This is final: the press release is drafted "
                "from its data."
            ),
            done=gettext_lazy("The conference is marked held."),
            style="success",
        ),
        _Action(
            name="cancel",
            target=Status.CANCELLED,
            label=gettext_lazy("Cancel"),
            question=gettext_lazy(
                "Cancel this conference? Everyone invited is told it will not take place."
            ),
            done=gettext_lazy("The conference is cancelled."),
            style="danger",
        ),
        _Action(
            name="reopen",
            target=Status.DRAFT,
            label=gettext_lazy("Reopen as draft"),
            question=gettext_lazy(
                "Reopen this cancelled conference as a draft? When it is scheduled again, "
                "everyone still invited is mailed that it is on again, with a new calendar entry."
            ),
            done=gettext_lazy("The conference is a draft again."),
            style="secondary",
        ),
    ]
}


class ConferenceActionView(StaffView, FormView):
    """GET shows the confirmation question; POST with the box ticked changes the status."""

    permission_required = "conferences.change_conference"
    template_name = "dashboard/conference_action.html"
    form_class = forms.ConfirmForm

    def dispatch(self, request, *args, **kwargs):
        self.action = CONFERENCE_ACTIONS.get(kwargs["action"])
        return super().dispatch(request, *args, **kwargs)

    def _get_conference(self):
        if self.action is None:
            raise Http404
        return get_object_or_404(Conference, pk=self.kwargs["pk"])

    def _early(self, conference) -> bool:
        """Marking held before the start is refused: the page says so before anyone posts."""
        return (
            self.action.target == Status.HELD
            and conference.status == Status.SCHEDULED
            and conference.starts_at > timezone.now()
        )

    def get_context_data(self, **kwargs):
        conference = self._get_conference()
        return super().get_context_data(
            conference=conference, action=self.action, early=self._early(conference), **kwargs
        )

    def form_valid(self, form):
        conference = self._get_conference()
        try:
            conference_set_status(
                conference=conference,
                status=self.action.target,
                by=self.request.user,
            )
        except ValidationError as exc:
            _form_errors_from(exc, form)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, self.action.done)
        return redirect("dashboard:conference_detail", pk=conference.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
