"""Recommendations: the list (per conference, overdue, by status and year), making them from a
conference, one recommendation's page (edit, publish, record an answer) and sending."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView, View

from activity.selectors import activity_for
from conferences.models import Conference
from recommendations.forms import RecommendationForm, StatusForm
from recommendations.models import Recommendation
from recommendations.selectors import recommendation_list
from recommendations.services import (
    conference_recommendations_send,
    recommendation_set_public,
    recommendation_set_status,
    recommendation_update,
    recommendations_make,
)

from ._common import StaffView, _form_errors_from

Status = Recommendation.Status


class FilterForm(django_forms.Form):
    """The list's filters; the year report's figures link here with the same ones."""

    status = django_forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(Status.choices),
    )
    year = django_forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=2000, max_value=2100
    )
    conference = django_forms.IntegerField(
        label=gettext_lazy("Conference id"), required=False, min_value=1
    )
    overdue = django_forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    accepted = django_forms.BooleanField(
        label=gettext_lazy("Accepted (in whole or in part, or implemented)"), required=False
    )

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data["status"] or None,
            "year": data["year"],
            "conference_id": data["conference"],
            "overdue": timezone.localdate() if data["overdue"] else None,
            "accepted": data["accepted"],
        }


class RecommendationListView(StaffView, ListView):
    permission_required = "recommendations.view_recommendation"
    template_name = "dashboard/recommendation_list.html"
    paginate_by = 50
    context_object_name = "recommendations"

    def get_queryset(self):
        self.filter_form = FilterForm(self.request.GET or None)
        filters = self.filter_form.filters() if self.filter_form.is_valid() else {}
        self.conference = None
        if filters.get("conference_id"):
            self.conference = Conference.objects.filter(pk=filters["conference_id"]).first()
        return recommendation_list(filters=filters)

    def get_context_data(self, **kwargs):
        conference = self.conference
        return super().get_context_data(
            filter_form=self.filter_form,
            conference=conference,
            proposed=conference.recommendations.filter(status=Status.PROPOSED).count()
            if conference
            else 0,
            **kwargs,
        )


class RecommendationCreateView(StaffView, TemplateView):
    """Make a recommendation from a conference (the secretary picks the decisions that are
    recommendations; the meeting record and the opinion call the same service)."""

    permission_required = "recommendations.add_recommendation"
    template_name = "dashboard/recommendation_form.html"

    def _conference(self):
        return get_object_or_404(Conference, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(conference=self._conference(), form=RecommendationForm())
        )

    def post(self, request, *args, **kwargs):
        conference = self._conference()
        form = RecommendationForm(request.POST)
        if form.is_valid():
            try:
                [made] = recommendations_make(
                    source=conference, items=[form.cleaned_data], by=request.user
                )
            except ValidationError as exc:
                _form_errors_from(_unprefixed(exc), form)
            else:
                messages.success(request, _("Recommendation %(n)s made.") % {"n": made.number})
                return HttpResponseRedirect(
                    reverse("dashboard:recommendation_list") + f"?conference={conference.pk}"
                )
        return self.render_to_response(
            self.get_context_data(conference=conference, form=form), status=400
        )


def _unprefixed(exc: ValidationError) -> ValidationError:
    """recommendations_make's `items[0].field` errors as the one form's `field`."""
    return ValidationError(
        {key.split(".", 1)[-1]: messages for key, messages in exc.message_dict.items()}
    )


class RecommendationDetailView(StaffView, TemplateView):
    """One recommendation: its text in both scripts, edit, publish, record an answer received
    another way, and its history."""

    permission_required = "recommendations.view_recommendation"
    template_name = "dashboard/recommendation_detail.html"

    def _recommendation(self):
        return get_object_or_404(
            Recommendation.objects.select_related("council", "addressee", "conference"),
            pk=self.kwargs["pk"],
        )

    def _render(self, recommendation, *, form=None, status_form=None, status=200):
        return self.render_to_response(
            self.get_context_data(
                recommendation=recommendation,
                form=form
                or RecommendationForm(
                    initial={
                        "text": recommendation.text_in(recommendation.script),
                        "addressee": recommendation.addressee_id,
                        "due_on": recommendation.due_on,
                    }
                ),
                status_form=status_form
                or StatusForm(
                    initial={
                        "status": recommendation.status,
                        "comment": recommendation.comment,
                        "reason": recommendation.reason,
                        "evidence_url": recommendation.evidence_url,
                        "implemented_on": recommendation.implemented_on,
                    }
                ),
                activity=activity_for(target=recommendation),
            ),
            status=status,
        )

    def get(self, request, *args, **kwargs):
        return self._render(self._recommendation())

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("recommendations.change_recommendation"):
            return self.handle_no_permission()
        recommendation = self._recommendation()
        action = request.POST.get("action")
        if action == "public":
            recommendation_set_public(
                recommendation=recommendation,
                public=request.POST.get("public") == "1",
                by=request.user,
            )
            return HttpResponseRedirect(request.path)
        if action == "status":
            return self._status(request, recommendation)
        return self._edit(request, recommendation)

    def _edit(self, request, recommendation):
        form = RecommendationForm(request.POST)
        if form.is_valid():
            try:
                recommendation_update(
                    recommendation=recommendation,
                    by=request.user,
                    text=form.cleaned_data["text"],
                    addressee=form.cleaned_data["addressee"],
                    due_on=form.cleaned_data["due_on"],
                )
            except ValidationError as exc:
                _form_errors_from(exc, form)
            else:
                return HttpResponseRedirect(request.path)
        return self._render(recommendation, form=form, status=400)

    def _status(self, request, recommendation):
        form = StatusForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                recommendation_set_status(
                    recommendation=recommendation,
                    status=data["status"],
                    by=request.user,
                    comment=data["comment"],
                    reason=data["reason"],
                    evidence_url=data["evidence_url"],
                    implemented_on=data["implemented_on"],
                )
            except ValidationError as exc:
                _form_errors_from(exc, form)
            else:
                return HttpResponseRedirect(request.path)
        return self._render(recommendation, status_form=form, status=400)


class ConferenceRecommendationsSendView(StaffView, View):
    """Send a conference's proposed recommendations (POST)."""

    permission_required = "recommendations.change_recommendation"

    def post(self, request, *args, **kwargs):
        conference = get_object_or_404(Conference, pk=self.kwargs["pk"])
        result = conference_recommendations_send(conference=conference, by=request.user)
        messages.success(
            request,
            _("%(sent)d recommendations sent, %(letters)d letters queued.")
            % {"sent": result.sent, "letters": result.letters},
        )
        if result.without_contact:
            messages.warning(
                request,
                _("No contact with an email for: %(numbers)s. They see them in the partner API.")
                % {"numbers": ", ".join(result.without_contact)},
            )
        return HttpResponseRedirect(
            reverse("dashboard:recommendation_list") + f"?conference={conference.pk}"
        )
