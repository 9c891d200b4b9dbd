"""A held conference's audience: the declared figures, the experts who took part, and the
Zoom participant report."""

import importlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
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
