"""The staff dashboard: pages for the council's secretary, the press service and viewers.

Every view names its permission; a signed-in user without it gets 403, an anonymous visitor
is sent to the login page (PermissionRequiredMixin with raise_exception left off does both).
"""

import calendar
import datetime
import importlib
import re

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, ListView, TemplateView, View
from django_countries import countries

from conferences.invitations import (
    invitation_cancel,
    invitations_from_council,
    invitations_from_csv,
    invitations_resend_failed,
    invitations_send,
)
from conferences.models import Conference, Invitation, OutboundMessage
from conferences.selectors import conference_activity, invitation_counts, invitation_list
from conferences.services import (
    ProgramOrganization,
    ProgramPresentation,
    conference_create,
    conference_experts_set,
    conference_program_set,
    conference_set_status,
    conference_transition_allowed,
    conference_update,
)
from experts.models import Council, CouncilMembership, Expert
from experts.selectors import expert_activity, memberships_current
from experts.services import expert_save, membership_add, membership_end
from partners.models import ApiKey
from partners.selectors import api_key_list
from partners.services import api_key_create, api_key_revoke
from pressroom.models import PressRelease

from . import forms
from .selectors import conference_list, expert_directory, upcoming_conferences

Status = Conference.Status

# Our own month and weekday names: Django's "uz" catalogue is in Latin script, so its names
# would show in Latin on Cyrillic pages.
MONTH_NAMES = [
    pgettext_lazy("month", "January"),
    pgettext_lazy("month", "February"),
    pgettext_lazy("month", "March"),
    pgettext_lazy("month", "April"),
    pgettext_lazy("month", "May"),
    pgettext_lazy("month", "June"),
    pgettext_lazy("month", "July"),
    pgettext_lazy("month", "August"),
    pgettext_lazy("month", "September"),
    pgettext_lazy("month", "October"),
    pgettext_lazy("month", "November"),
    pgettext_lazy("month", "December"),
]
MONTH_ABBR = [
    pgettext_lazy("month abbreviation", "Jan"),
    pgettext_lazy("month abbreviation", "Feb"),
    pgettext_lazy("month abbreviation", "Mar"),
    pgettext_lazy("month abbreviation", "Apr"),
    pgettext_lazy("month abbreviation", "May"),
    pgettext_lazy("month abbreviation", "Jun"),
    pgettext_lazy("month abbreviation", "Jul"),
    pgettext_lazy("month abbreviation", "Aug"),
    pgettext_lazy("month abbreviation", "Sep"),
    pgettext_lazy("month abbreviation", "Oct"),
    pgettext_lazy("month abbreviation", "Nov"),
    pgettext_lazy("month abbreviation", "Dec"),
]
WEEKDAY_ABBR = [
    pgettext_lazy("weekday abbreviation", "Mon"),
    pgettext_lazy("weekday abbreviation", "Tue"),
    pgettext_lazy("weekday abbreviation", "Wed"),
    pgettext_lazy("weekday abbreviation", "Thu"),
    pgettext_lazy("weekday abbreviation", "Fri"),
    pgettext_lazy("weekday abbreviation", "Sat"),
    pgettext_lazy("weekday abbreviation", "Sun"),
]


class StaffView(LoginRequiredMixin, PermissionRequiredMixin):
    """Login required; a signed-in user without the permission gets 403, not a redirect."""

    raise_exception = False


def _form_errors_from(exc: ValidationError, form) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


# ---------------------------------------------------------------------------------------------
# Accounts


class LoginView(auth_views.LoginView):
    template_name = "dashboard/login.html"
    authentication_form = forms.RateLimitedAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("dashboard:home")


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("login")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "dashboard/password_change.html"
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "dashboard/password_change_done.html"


# ---------------------------------------------------------------------------------------------
# Home


class HomeView(StaffView, TemplateView):
    permission_required = "conferences.view_conference"
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = timezone.localdate().year
        held = Conference.objects.filter(status=Status.HELD, starts_at__year=year)
        participants = held.aggregate(
            total=Sum(Coalesce("participants_count_recorded", "participants_count_declared"))
        )["total"]
        # Experts who took part: those ticked on the audience page, and the presenters.
        by_country = (
            Expert.objects.filter(
                Q(pk__in=held.values("experts")) | Q(pk__in=held.values("presentations__presenter"))
            )
            .values("country")
            .annotate(n=Count("pk"))
            .order_by("-n", "country")
        )
        by_month = dict(
            held.annotate(month=ExtractMonth("starts_at"))
            .values("month")
            .annotate(n=Count("pk"))
            .values_list("month", "n")
        )
        country_rows = [(countries.name(row["country"]) or "—", row["n"]) for row in by_country]
        context.update(
            year=year,
            upcoming=upcoming_conferences(limit=8),
            held_count=held.count(),
            participants_total=participants or 0,
            experts_total=sum(n for _name, n in country_rows),
            experts_by_country=country_rows,
            chart_data={
                "countries": {
                    "labels": [name for name, _n in country_rows],
                    "values": [n for _name, n in country_rows],
                    "label": _("Experts"),
                },
                "months": {
                    "labels": [str(label) for label in MONTH_ABBR],
                    "values": [by_month.get(m, 0) for m in range(1, 13)],
                    "label": _("Conferences held"),
                },
            },
            releases_to_review=_releases_to_review(user),
            failed_invitations=_failed_invitations(user),
        )
        return context


def _releases_to_review(user):
    if not user.has_perm("pressroom.view_pressrelease"):
        return None
    return list(
        PressRelease.objects.filter(status=PressRelease.Status.IN_REVIEW)
        .select_related("conference")
        .order_by("updated_at")[:10]
    )


def _failed_invitations(user):
    """Conferences with invitations whose last message failed, and how many."""
    if not user.has_perm("conferences.view_invitation"):
        return None
    failed = OutboundMessage.objects.filter(state=OutboundMessage.State.FAILED)
    return list(
        Conference.objects.filter(invitations__messages__in=failed)
        .annotate(
            failed=Count(
                "invitations",
                filter=Q(invitations__messages__state=OutboundMessage.State.FAILED),
                distinct=True,
            )
        )
        .order_by("starts_at")[:10]
    )


# ---------------------------------------------------------------------------------------------
# Conferences


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


class ConferenceCalendarView(StaffView, TemplateView):
    permission_required = "conferences.view_conference"
    template_name = "dashboard/conference_calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        try:
            month = datetime.datetime.strptime(self.request.GET.get("month", ""), "%Y-%m").date()
        except ValueError:
            month = today.replace(day=1)
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
            today=today,
            weeks=[[(day, by_day.get(day, [])) for day in week] for week in weeks],
            weekday_names=WEEKDAY_ABBR,
            month_name=MONTH_NAMES[month.month - 1],
            previous_month=previous.strftime("%Y-%m"),
            next_month=following.strftime("%Y-%m"),
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
            with transaction.atomic():
                if original is None:
                    saved = conference_create(
                        council=data.pop("council"),
                        title=data.pop("title"),
                        starts_at=data.pop("starts_at"),
                        by=request.user,
                        **data,
                    )
                    conference_program_set(conference=saved, by=request.user, **program)
                else:
                    # One call, so a new time and a new agenda make one calendar update.
                    conference_update(conference=original, by=request.user, **data, **program)
                    saved = original
        except ValidationError as exc:
            _program_errors_to(exc, form=form, orgs=orgs, agenda=agenda)
            return self._render(conference, form, orgs, agenda, status=400)
        messages.success(request, _("The conference is saved."))
        return redirect("dashboard:conference_detail", pk=saved.pk)


def _kept_forms(formset) -> list:
    """The rows a valid formset keeps, in order: not removed, not left empty."""
    removed = set(map(id, formset.deleted_forms))
    return [f for f in formset.forms if f.cleaned_data and id(f) not in removed]


def _program_from(orgs, agenda) -> dict:
    """The conference form's organisations and agenda as conference_program_set's entries.

    A row removed or left empty is simply not listed. A row already saved keeps what the form
    does not show: an organisation its representatives, a talk its slides.
    """
    organizations = []
    for row in _kept_forms(orgs):
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
        for row in _kept_forms(agenda)
    ]
    return {"organizations": organizations, "presentations": presentations}


PROGRAM_ERROR_KEY = re.compile(r"^(organizations|presentations)\[(\d+)\]\.(\w+)$")


def _program_errors_to(exc: ValidationError, *, form, orgs, agenda) -> None:
    """Show a refusal where it belongs: an entry's error on its row of the formset (entries
    are numbered as _program_from listed the rows), anything else on the conference form."""
    if not hasattr(exc, "error_dict"):
        _form_errors_from(exc, form)
        return
    rows = {"organizations": _kept_forms(orgs), "presentations": _kept_forms(agenda)}
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

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            conference=self._get_conference(), action=self.action, **kwargs
        )

    def form_valid(self, form):
        conference = self._get_conference()
        try:
            conference_set_status(
                conference=conference, status=self.action.target, by=self.request.user
            )
        except ValidationError as exc:
            _form_errors_from(exc, form)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, self.action.done)
        return redirect("dashboard:conference_detail", pk=conference.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# ---------------------------------------------------------------------------------------------
# Audience


def _attendance_importer():
    """The Zoom report import, when the integrations app provides it."""
    try:
        module = importlib.import_module("integrations.attendance")
    except ImportError:
        return None
    return getattr(module, "attendance_import_csv", None)


class AudienceView(StaffView, TemplateView):
    template_name = "dashboard/conference_audience.html"

    def get_permission_required(self):
        if self.request.method == "POST":
            return ["conferences.change_conference"]
        return ["conferences.view_conference"]

    def get_context_data(self, **kwargs):
        conference = kwargs.get("conference") or get_object_or_404(
            Conference.objects.select_related("council"), pk=self.kwargs["pk"]
        )
        kwargs.setdefault("conference", conference)
        kwargs.setdefault("declared_form", forms.DeclaredAudienceForm(instance=conference))
        kwargs.setdefault("upload_form", forms.AttendanceUploadForm())
        kwargs["can_import"] = _attendance_importer() is not None
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        conference = get_object_or_404(Conference, pk=kwargs["pk"])
        if "upload" in request.POST:
            return self._upload(conference)
        form = forms.DeclaredAudienceForm(
            request.POST, instance=Conference.objects.get(pk=conference.pk)
        )
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(conference=conference, declared_form=form), status=400
            )
        fields = dict(form.cleaned_data)
        experts = fields.pop("experts")
        try:
            with transaction.atomic():
                conference_update(conference=conference, by=request.user, **fields)
                conference_experts_set(conference=conference, experts=experts, by=request.user)
        except ValidationError as exc:
            _form_errors_from(exc, form)
            return self.render_to_response(
                self.get_context_data(conference=conference, declared_form=form), status=400
            )
        messages.success(request, _("The declared figures are saved."))
        return redirect("dashboard:conference_audience", pk=conference.pk)

    def _upload(self, conference):
        importer = _attendance_importer()
        form = forms.AttendanceUploadForm(self.request.POST, self.request.FILES)
        if importer is None:
            form.add_error(None, _("The participant report import is not available."))
        if importer is None or not form.is_valid():
            return self.render_to_response(
                self.get_context_data(conference=conference, upload_form=form), status=400
            )
        try:
            importer(conference=conference, file=form.cleaned_data["file"], by=self.request.user)
        except ValidationError as exc:
            _form_errors_from(exc, form)
            return self.render_to_response(
                self.get_context_data(conference=conference, upload_form=form), status=400
            )
        conference.refresh_from_db()
        messages.success(
            self.request,
            _("The participant report is imported: %(count)s people took part.")
            % {"count": conference.participants_count_recorded},
        )
        return redirect("dashboard:conference_audience", pk=conference.pk)


# ---------------------------------------------------------------------------------------------
# Experts


class ExpertListView(StaffView, ListView):
    permission_required = "experts.view_expert"
    template_name = "dashboard/expert_list.html"
    paginate_by = 50
    context_object_name = "experts"

    def get_queryset(self):
        self.filter_form = forms.ExpertFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return expert_directory(filters=filters)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class ExpertEditView(StaffView, TemplateView):
    template_name = "dashboard/expert_form.html"

    def get_permission_required(self):
        if "pk" in self.kwargs:
            return ["experts.change_expert"]
        return ["experts.add_expert"]

    def _expert(self):
        if "pk" in self.kwargs:
            return get_object_or_404(Expert, pk=self.kwargs["pk"])
        return Expert()

    def _render(self, expert, form, membership_form=None, status=200, end_form=None, ending=None):
        memberships = (
            CouncilMembership.objects.filter(expert=expert).select_related("council")
            if expert.pk
            else []
        )
        return self.render_to_response(
            self.get_context_data(
                expert=expert,
                form=form,
                memberships=memberships,
                membership_form=membership_form or forms.MembershipForm(prefix="membership"),
                # The term whose end was refused shows its form with the error; the others
                # show an empty one.
                end_form=end_form,
                ending=ending,
                activity=expert_activity(expert=expert) if expert.pk else [],
            ),
            status=status,
        )

    def get(self, request, *args, **kwargs):
        expert = self._expert()
        return self._render(expert, forms.ExpertForm(instance=expert))

    def post(self, request, *args, **kwargs):
        expert = self._expert()
        form = forms.ExpertForm(request.POST, instance=expert)
        if not form.is_valid():
            return self._render(expert, form, status=400)
        try:
            with transaction.atomic():
                saved = expert_save(expert=form.save(commit=False), by=request.user)
                form.save_m2m()
        except ValidationError as exc:
            _form_errors_from(exc, form)
            return self._render(expert, form, status=400)
        messages.success(request, _("The profile is saved."))
        return redirect("dashboard:expert_edit", pk=saved.pk)


class MembershipAddView(StaffView, TemplateView):
    permission_required = "experts.add_councilmembership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        expert = get_object_or_404(Expert, pk=kwargs["pk"])
        form = forms.MembershipForm(request.POST, prefix="membership")
        if form.is_valid():
            try:
                membership_add(expert=expert, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors_from(exc, form)
            else:
                messages.success(request, _("The membership term is added."))
                return HttpResponseRedirect(reverse("dashboard:expert_edit", args=[expert.pk]))
        view = ExpertEditView(request=request, kwargs={"pk": expert.pk}, args=())
        return view._render(expert, forms.ExpertForm(instance=expert), form, status=400)


class MembershipEndView(StaffView, View):
    """Set the last day of a term, from the expert's page."""

    permission_required = "experts.change_councilmembership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        membership = get_object_or_404(
            CouncilMembership.objects.select_related("expert", "council"),
            pk=kwargs["membership_pk"],
            expert_id=kwargs["pk"],
        )
        form = forms.MembershipEndForm(request.POST, prefix=f"end-{membership.pk}")
        if form.is_valid():
            try:
                membership_end(
                    membership=membership, end_date=form.cleaned_data["end_date"], by=request.user
                )
            except ValidationError as exc:
                _form_errors_from(exc, form)
            else:
                messages.success(
                    request,
                    _("The term on %(council)s ends on %(date)s.")
                    % {
                        "council": membership.council.name,
                        "date": membership.end_date.isoformat(),
                    },
                )
                return redirect("dashboard:expert_edit", pk=membership.expert_id)
        expert = membership.expert
        view = ExpertEditView(request=request, kwargs={"pk": expert.pk}, args=())
        return view._render(
            expert, forms.ExpertForm(instance=expert), status=400, end_form=form, ending=membership
        )


# ---------------------------------------------------------------------------------------------
# Invitations


def _in_progress(counts: dict) -> bool:
    return bool(counts["delivery"]["pending"] or counts["delivery"]["sending"])


class InvitationListView(StaffView, ListView):
    permission_required = "conferences.view_invitation"
    template_name = "dashboard/invitation_list.html"
    paginate_by = 100
    context_object_name = "invitations"

    def get_queryset(self):
        self.conference = get_object_or_404(
            Conference.objects.select_related("council"), pk=self.kwargs["pk"]
        )
        self.filter_form = forms.InvitationFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return invitation_list(conference=self.conference, filters=filters)

    def get_context_data(self, **kwargs):
        counts = invitation_counts(conference=self.conference)
        return super().get_context_data(
            conference=self.conference,
            filter_form=self.filter_form,
            csv_form=kwargs.pop("csv_form", None) or forms.InvitationCsvForm(),
            counts=counts,
            in_progress=_in_progress(counts),
            can_invite=self.conference.status == Status.SCHEDULED,
            **kwargs,
        )


class InvitationProgressView(StaffView, TemplateView):
    """The live figures block; htmx polls it while messages are pending or being sent."""

    permission_required = "conferences.view_invitation"
    template_name = "dashboard/_invitation_progress.html"

    def get_context_data(self, **kwargs):
        conference = get_object_or_404(Conference, pk=self.kwargs["pk"])
        counts = invitation_counts(conference=conference)
        return super().get_context_data(
            conference=conference, counts=counts, in_progress=_in_progress(counts), **kwargs
        )


class InvitationActionView(StaffView, View):
    """POST-only actions on a conference's invitations, each through conferences.invitations."""

    http_method_names = ["post"]
    ACTIONS = {
        "council": "conferences.add_invitation",
        "csv": "conferences.add_invitation",
        "send": "conferences.change_invitation",
        "resend": "conferences.change_invitation",
    }

    def get_permission_required(self):
        return [self.ACTIONS.get(self.kwargs["action"], "conferences.change_invitation")]

    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        if action not in self.ACTIONS:
            raise Http404
        conference = get_object_or_404(Conference, pk=kwargs["pk"])
        back = redirect("dashboard:invitation_list", pk=conference.pk)
        csv_form = None
        try:
            if action == "council":
                added = invitations_from_council(conference=conference, by=request.user, send=False)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d council member is on the list.",
                        "%(count)d council members are on the list.",
                        len(added),
                    )
                    % {"count": len(added)},
                )
            elif action == "csv":
                csv_form = forms.InvitationCsvForm(request.POST, request.FILES)
                if not csv_form.is_valid():
                    return self._invalid(conference, csv_form)
                added = invitations_from_csv(
                    conference=conference,
                    file=csv_form.cleaned_data["file"],
                    by=request.user,
                    send=False,
                )
                messages.success(
                    request,
                    ngettext(
                        "%(count)d person from the file is on the list.",
                        "%(count)d people from the file are on the list.",
                        len(added),
                    )
                    % {"count": len(added)},
                )
            elif action == "send":
                waiting = invitations_send(conference=conference, by=request.user)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d message is on its way.",
                        "%(count)d messages are on their way.",
                        waiting,
                    )
                    % {"count": waiting},
                )
            else:
                again = invitations_resend_failed(conference=conference, by=request.user)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d failed message is sent again.",
                        "%(count)d failed messages are sent again.",
                        again,
                    )
                    % {"count": again},
                )
        except ValidationError as exc:
            if csv_form is not None:
                _form_errors_from(exc, csv_form)
                return self._invalid(conference, csv_form)
            for message in exc.messages:
                messages.error(request, message)
        return back

    def _invalid(self, conference, csv_form):
        view = InvitationListView(request=self.request, kwargs={"pk": conference.pk}, args=())
        view.object_list = view.get_queryset()
        context = view.get_context_data(csv_form=csv_form)
        return render(self.request, view.template_name, context, status=400)


class InvitationCancelView(StaffView, View):
    permission_required = "conferences.change_invitation"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(
            Invitation, pk=kwargs["invitation_pk"], conference_id=kwargs["pk"]
        )
        invitation_cancel(invitation=invitation, by=request.user)
        messages.success(
            request, _("The invitation of %(name)s is withdrawn.") % {"name": invitation.name}
        )
        return redirect("dashboard:invitation_list", pk=kwargs["pk"])


# ---------------------------------------------------------------------------------------------
# Partner API keys

# The session entry holding a new key in clear until its page is shown once.
NEW_API_KEY_SESSION = "dashboard_new_api_key"


class ApiKeyListView(StaffView, ListView):
    permission_required = "partners.view_apikey"
    template_name = "dashboard/api_key_list.html"
    paginate_by = 50
    context_object_name = "api_keys"

    def get_queryset(self):
        return api_key_list()


class ApiKeyCreateView(StaffView, FormView):
    permission_required = "partners.add_apikey"
    template_name = "dashboard/api_key_form.html"
    form_class = forms.ApiKeyForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            key, raw = api_key_create(
                organization=data["organization"],
                name=data["name"],
                scopes=data["scopes"],
                expires_days=data["expires_days"],
                by=self.request.user,
            )
        except ValidationError as exc:
            _form_errors_from(exc, form)
            return self.form_invalid(form)
        # Only the hash is stored. The key in clear waits in this user's session for the one
        # page that shows it, which removes it (POST/redirect/GET: a reload cannot make a
        # second key, nor show this one again).
        self.request.session[NEW_API_KEY_SESSION] = {"pk": key.pk, "raw": raw}
        return redirect("dashboard:api_key_created", pk=key.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@method_decorator(never_cache, name="dispatch")
class ApiKeyCreatedView(StaffView, TemplateView):
    """The new key in clear, once; opened again, the page says it is no longer shown."""

    permission_required = "partners.add_apikey"
    template_name = "dashboard/api_key_created.html"

    def get_context_data(self, **kwargs):
        key = get_object_or_404(ApiKey.objects.select_related("organization"), pk=kwargs["pk"])
        pending = self.request.session.get(NEW_API_KEY_SESSION)
        raw = None
        if pending and pending.get("pk") == key.pk:
            raw = pending["raw"]
            del self.request.session[NEW_API_KEY_SESSION]
        return super().get_context_data(api_key=key, raw_key=raw, **kwargs)


class ApiKeyRevokeView(StaffView, FormView):
    """GET asks for confirmation; POST with the box ticked revokes the key at once."""

    permission_required = "partners.change_apikey"
    template_name = "dashboard/api_key_revoke.html"
    form_class = forms.ConfirmForm

    def _key(self) -> ApiKey:
        return get_object_or_404(
            ApiKey.objects.select_related("organization"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(api_key=self._key(), **kwargs)

    def form_valid(self, form):
        key = api_key_revoke(key=self._key(), by=self.request.user)
        messages.success(
            self.request,
            _("The key %(prefix)s of %(organization)s is revoked.")
            % {"prefix": key.prefix, "organization": key.organization.name},
        )
        return redirect("dashboard:api_key_list")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
