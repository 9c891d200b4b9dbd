"""A held conference's audience: the declared figures, the experts who took part, and the
Zoom participant report."""

import importlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from conferences.models import Conference
from conferences.services import (
    conference_experts_set,
    conference_update,
)

from .. import forms
from ._common import StaffView, _form_errors_from


def _integration(module: str, name: str):
    """A function of the integrations app, when it is installed."""
    try:
        found = importlib.import_module(f"integrations.{module}")
    except ImportError:
        return None
    return getattr(found, name, None)


def _attendance_importer():
    """The Zoom report import, when the integrations app provides it."""
    return _integration("attendance", "attendance_import_csv")


def _match_form(conference, data=None):
    from conferences.models import Invitation
    from experts.models import Expert
    from integrations.models import Attendee, MatchedBy

    return forms.AttendeeMatchForm(
        data,
        attendees=Attendee.objects.filter(conference=conference, matched_by=MatchedBy.NONE),
        invitations=Invitation.objects.filter(conference=conference).order_by("name", "pk"),
        experts=Expert.objects.filter(
            Q(memberships__council_id=conference.council_id)
            | Q(presentations__conference=conference)
        )
        .distinct()
        .order_by("full_name", "pk"),
    )


def _attendance_context(conference) -> dict:
    """The recorded audience: figures for the chart, unmatched people, rehearsals."""
    figures_of = _integration("figures", "attendance_figures")
    if figures_of is None:
        return {}
    from conferences.models import ParticipantGroup
    from integrations.models import AttendanceReport, Attendee, MatchedBy

    figures = figures_of(conference=conference)
    labels = dict(ParticipantGroup.choices)
    organizations = list(figures["by_organization"].items())[:15]
    return {
        "figures": figures,
        "kinds": [(labels.get(kind, kind), n) for kind, n in figures["by_kind"].items()],
        "organizations": [(name or _("Unknown"), n) for name, n in organizations],
        "chart_data": {
            "kinds": {
                "label": str(_("People")),
                "labels": [str(labels.get(k, k)) for k in figures["by_kind"]],
                "values": list(figures["by_kind"].values()),
            },
            "organizations": {
                "label": str(_("People")),
                "labels": [name or str(_("Unknown")) for name, _n in organizations],
                "values": [n for _name, n in organizations],
            },
        },
        "unmatched": Attendee.objects.filter(
            conference=conference, matched_by=MatchedBy.NONE
        ).order_by("name", "pk")[:500],
        "reports": AttendanceReport.objects.filter(conference=conference).order_by(
            "started_at", "pk"
        ),
    }


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
        if kwargs["can_import"]:
            kwargs.update(_attendance_context(conference))
            kwargs.setdefault("match_form", _match_form(conference))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        conference = get_object_or_404(Conference, pk=kwargs["pk"])
        if "upload" in request.POST:
            return self._upload(conference)
        if "match" in request.POST:
            return self._match(conference)
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

    def _match(self, conference):
        attendee_match = _integration("attendance", "attendee_match")
        form = _match_form(conference, self.request.POST)
        if attendee_match is None or not form.is_valid():
            return self.render_to_response(
                self.get_context_data(conference=conference, match_form=form), status=400
            )
        data = form.cleaned_data
        try:
            attendee_match(
                attendee=data["attendee"],
                invitation=data["invitation"],
                expert=data["expert"],
                by=self.request.user,
            )
        except ValidationError as exc:
            _form_errors_from(exc, form)
            return self.render_to_response(
                self.get_context_data(conference=conference, match_form=form), status=400
            )
        messages.success(
            self.request,
            _("%(name)s is matched; a new import of the report keeps it.")
            % {"name": data["attendee"].name},
        )
        return redirect("dashboard:conference_audience", pk=conference.pk)
