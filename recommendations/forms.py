"""Forms: the addressee's answer page, the public tracker's filters and the dashboard's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from experts.models import Organization

from .models import Recommendation
from .services import ANSWERS

Status = Recommendation.Status
TEXT_MAX = 5000


class AnswerForm(forms.Form):
    """What an addressee's contact may change through the personal link; the service checks
    the rules (evidence for implemented, a reason for rejected) and names the field."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[(s, Status(s).label) for s in ANSWERS], required=False
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        max_length=TEXT_MAX,
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason (for a rejection)"), widget=forms.Textarea(attrs={"rows": 2}),
        required=False, max_length=TEXT_MAX,
    )  # fmt: skip
    evidence_url = forms.CharField(label=_("Evidence link"), required=False, max_length=500)
    implemented_on = forms.DateField(
        label=_("Implemented on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TrackerFilterForm(forms.Form):
    """The public tracker's filters; a bad one is a 400 naming it."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(Status.choices)
    )
    ministry = forms.ModelChoiceField(
        label=_("Ministry"), required=False, queryset=Organization.objects.none()
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, ministries=None, **kwargs):
        super().__init__(*args, **kwargs)
        if ministries is not None:
            self.fields["ministry"].queryset = ministries

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data.get("status") or None,
            "ministry": data["ministry"].pk if data.get("ministry") else None,
            "year": data.get("year"),
        }


class RecommendationForm(forms.Form):
    """The dashboard's form to make or edit one recommendation."""

    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX,
        help_text=_("In either Uzbek script; the other is derived."),
    )  # fmt: skip
    addressee = forms.ModelChoiceField(
        label=_("Addressee"), queryset=Organization.objects.order_by("name")
    )
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))


class StatusForm(AnswerForm):
    """The secretary records an answer received another way (by letter, at a meeting)."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
