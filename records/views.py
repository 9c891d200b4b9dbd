"""The council secretary's pages for a conference's meeting record, under /dashboard/records/."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from dashboard.views._common import StaffView, _form_errors_from

from .docx import record_docx
from .forms import MeetingRecordForm
from .models import MeetingRecord
from .services import record_edit, record_mail, record_set_status

SCRIPTS = ("cyrl", "latn")


def _record(conference_pk: int) -> MeetingRecord:
    return get_object_or_404(
        MeetingRecord.objects.select_related("conference", "conference__council"),
        conference_id=conference_pk,
    )


class RecordView(StaffView, TemplateView):
    """The record, its versions, and the secretary's form; POST saves the form."""

    template_name = "records/record.html"

    def get_permission_required(self):
        if self.request.method == "POST":
            return ["records.change_meetingrecord"]
        return ["records.view_meetingrecord"]

    def get_context_data(self, **kwargs):
        record = kwargs.get("record") or _record(self.kwargs["pk"])
        kwargs.setdefault("record", record)
        kwargs.setdefault("conference", record.conference)
        kwargs.setdefault("form", MeetingRecordForm(instance=record))
        kwargs["versions"] = record.versions.select_related("by")[:20]
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        record = _record(kwargs["pk"])
        form = MeetingRecordForm(request.POST, instance=MeetingRecord.objects.get(pk=record.pk))
        if form.is_valid():
            try:
                changed = record_edit(record=record, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors_from(exc, form)
            else:
                if changed:
                    messages.success(request, _("The meeting record is saved."))
                return redirect("records:record", pk=record.conference_id)
        return self.render_to_response(self.get_context_data(record=record, form=form), status=400)


class RecordActionView(StaffView, View):
    """POST: approve the record, or mail the approved record to the council."""

    permission_required = "records.approve_meetingrecord"
    http_method_names = ["post"]

    def post(self, request, pk: int, action: str):
        record = _record(pk)
        try:
            if action == "approve":
                record_set_status(
                    record=record, status=MeetingRecord.Status.APPROVED, by=request.user
                )
                messages.success(request, _("The meeting record is approved."))
            elif action == "mail":
                count = record_mail(record=record, by=request.user)
                messages.success(
                    request,
                    _("%(count)d letters to the council are queued.") % {"count": count},
                )
            else:
                raise Http404
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("records:record", pk=pk)


class RecordDocxView(StaffView, View):
    """The record as .docx, in the script asked for (?script=cyrl or latn)."""

    permission_required = "records.view_meetingrecord"

    def get(self, request, pk: int):
        record = _record(pk)
        script = request.GET.get("script", "cyrl")
        if script not in SCRIPTS:
            raise Http404
        response = HttpResponse(
            record_docx(record=record, script=script),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        name = f"record-{record.conference.external_id}-{script}.docx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
