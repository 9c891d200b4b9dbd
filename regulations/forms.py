"""Staff forms for draft regulations; the services validate again and name the field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from experts.models import Expert, Organization

from .models import Comment, Draft


class DraftUploadForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Ministry"), queryset=Organization.objects.order_by("name")
    )
    title = forms.CharField(label=_("Title"), max_length=500)
    deadline = forms.DateField(
        label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=Draft._meta.get_field("deadline").help_text,
    )  # fmt: skip
    file = forms.FileField(label=_("Draft (.docx)"))
    contact_email = forms.EmailField(label=_("Ministry's contact email"), required=False)
    contact_name = forms.CharField(label=_("Ministry's contact name"), required=False)
    show_others_comments = forms.BooleanField(
        label=Draft._meta.get_field("show_others_comments").verbose_name,
        help_text=Draft._meta.get_field("show_others_comments").help_text,
        required=False,
        initial=True,
    )


class VersionUploadForm(forms.Form):
    file = forms.FileField(label=_("New version (.docx)"))


class ReviewerAddForm(forms.Form):
    expert = forms.ModelChoiceField(
        label=_("Expert"), queryset=Expert.objects.exclude(email="").order_by("full_name")
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Comment.Decision.choices)


class OpinionArticleForm(forms.Form):
    wording = forms.CharField(
        label=_("Council's proposed wording"), required=False, widget=forms.Textarea({"rows": 4})
    )
    justification = forms.CharField(
        label=_("Justification"), required=False, widget=forms.Textarea({"rows": 3})
    )
