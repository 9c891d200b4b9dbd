"""A conference's invitations: the list, its live figures, and the actions on it."""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import ListView, TemplateView, View

from conferences.invitations import (
    invitation_cancel,
    invitations_from_council,
    invitations_from_csv,
    invitations_resend_failed,
    invitations_send,
)
from conferences.invitee_imports import invitation_import_start
from conferences.invitees import CSV_HEADER
from conferences.models import Conference, Invitation, InvitationImport
from conferences.selectors import invitation_counts, invitation_import_latest, invitation_list

from .. import forms
from ._common import StaffView, _form_errors_from

Status = Conference.Status


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
            job=invitation_import_latest(conference=self.conference),
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


class InvitationImportView(StaffView, TemplateView):
    """A large CSV file's import: its progress block, which htmx polls until it ends."""

    permission_required = "conferences.view_invitation"
    template_name = "dashboard/_invitation_import.html"

    def get_context_data(self, **kwargs):
        job = get_object_or_404(
            InvitationImport.objects.select_related("conference"),
            pk=self.kwargs["import_pk"],
            conference_id=self.kwargs["pk"],
        )
        return super().get_context_data(conference=job.conference, job=job, **kwargs)


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
                upload = csv_form.cleaned_data["file"]
                if upload.size > settings.CSV_BACKGROUND_MIN_BYTES:
                    invitation_import_start(conference=conference, file=upload, by=request.user)
                    messages.info(
                        request, _("The file is large: it is being read, see its progress below.")
                    )
                    return back
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


# Two people as staff would list them: one from Uzbekistan in Cyrillic, one from abroad.
CSV_SAMPLE_ROWS = [
    {
        "name": "Алишер Каримов",
        "email": "a.karimov@example.uz",
        "organization": "Тошкент давлат техника университети",
        "position": "Профессор",
        "language": "uz-Cyrl",
        "timezone": "Asia/Tashkent",
    },
    {
        "name": "Anna Schmidt",
        "email": "anna.schmidt@example.de",
        "organization": "Technische Universität München",
        "position": "Professor",
        "language": "en",
        "timezone": "Europe/Berlin",
    },
]


class InvitationCsvSampleView(StaffView, View):
    """A CSV file to fill in: the header the upload reads and two example rows, in UTF-8 with
    a BOM so that Excel shows the Cyrillic as it is."""

    permission_required = "conferences.add_invitation"

    def get(self, request, *args, **kwargs):
        text = io.StringIO(newline="")
        writer = csv.DictWriter(text, fieldnames=CSV_HEADER, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(CSV_SAMPLE_ROWS)
        response = HttpResponse(
            text.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="invitees-sample.csv"'
        return response
