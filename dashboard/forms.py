from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.files.base import ContentFile
from django.db.models import Q
from django.forms import inlineformset_factory
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from conferences.invitees import CSV_HEADER
from conferences.models import (
    Conference,
    ConferenceOrganization,
    Invitation,
    OutboundMessage,
    Presentation,
)
from elyurt.proxy import client_address
from experts.models import (
    Council,
    CouncilMembership,
    Expert,
    FieldOfExpertise,
    Language,
    Organization,
)
from experts.selectors import memberships_current
from partners.models import ApiKey, Scope

from . import login_limit

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class RateLimitedLoginMixin:
    """Refuses a username or address after too many failed attempts (dashboard/login_limit.py).

    Shared by the dashboard's and the admin's login forms, so both count in the same place:
    failures at one lock the other too.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "too_many_attempts": _("Too many failed attempts. Try again in %(minutes)s minutes."),
    }

    def clean(self):
        username = self.data.get("username", "")
        address = client_address(self.request)
        wait = login_limit.refused_for_seconds(username=username, address=address)
        if wait:
            raise forms.ValidationError(
                self.error_messages["too_many_attempts"],
                code="too_many_attempts",
                params={"minutes": login_limit.refusal_minutes(wait)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            # The right password for an account the form turns away (the admin's login for a
            # user without staff status) is no guess: only unknown credentials count.
            if self.user_cache is None:
                login_limit.record_failure(username=username, address=address)
            raise
        if self.user_cache is not None:
            # Only a real success clears the count: a post without a password proves nothing.
            login_limit.reset(username=username, address=address)
        return cleaned


class RateLimitedAuthenticationForm(RateLimitedLoginMixin, AuthenticationForm):
    """The dashboard's login form."""


class RateLimitedAdminAuthenticationForm(RateLimitedLoginMixin, AdminAuthenticationForm):
    """The admin's login form (staff status required), under the same limit."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "too_many_attempts": RateLimitedLoginMixin.error_messages["too_many_attempts"],
    }


class ConferenceForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Starts at (Tashkent time)"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )

    class Meta:
        model = Conference
        fields = [
            "council",
            "title",
            "title_latn",
            "title_cyrl",
            "language",
            "starts_at",
            "duration_minutes",
            "platform",
            "join_url",
            "meeting_id",
            "passcode",
            "recording_url",
            "registration_open",
            "seats_max",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class PresentationForm(forms.ModelForm):
    class Meta:
        model = Presentation
        fields = ["order", "title", "presenter"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = Expert.objects.select_related("organization")


class ConferenceOrganizationForm(forms.ModelForm):
    class Meta:
        model = ConferenceOrganization
        fields = ["organization", "role", "order"]
        labels = {"order": capfirst(_("order"))}


def presentation_formset(extra: int):
    return inlineformset_factory(
        Conference, Presentation, form=PresentationForm, extra=extra, can_delete=True
    )


def organization_formset(extra: int):
    return inlineformset_factory(
        Conference,
        ConferenceOrganization,
        form=ConferenceOrganizationForm,
        extra=extra,
        can_delete=True,
    )


class FilterForm(forms.Form):
    """A row of filters above a list, styled as Bootstrap inputs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class ConferenceFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Conference.Status.choices],
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


class ConfirmForm(forms.Form):
    """An explicit yes: the action buttons post here only after the confirmation page."""

    confirm = forms.BooleanField(label=_("Yes, I confirm"), required=True)


class DeclaredAudienceForm(forms.ModelForm):
    class Meta:
        model = Conference
        fields = [
            "experts",
            "expert_count_declared",
            "participants_count_declared",
            "participants_approximate",
            "qa_held",
        ]
        widgets = {"experts": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        conference = self.instance
        # Who could have taken part: the council's members today, the presenters, and anyone
        # already ticked.
        members = memberships_current().filter(council_id=conference.council_id)
        self.fields["experts"].queryset = Expert.objects.filter(
            Q(pk__in=members.values("expert_id"))
            | Q(pk__in=conference.presentations.values("presenter_id"))
            | Q(pk__in=conference.experts.values("pk"))
        ).order_by("full_name")


class CsvUploadField(forms.FileField):
    """An uploaded CSV file of at most settings.CSV_UPLOAD_MAX_BYTES.

    A larger one is refused on this field without being read: the size Django counted while
    receiving it decides, and the read that follows takes at most the limit and one byte more,
    so a file that says less than it holds is caught too. The cleaned value is a file holding
    the bytes read, for the service to read again from the start.
    """

    default_error_messages = {
        "too_large": _("The file is larger than %(limit)s."),
    }

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        limit = settings.CSV_UPLOAD_MAX_BYTES
        too_large = forms.ValidationError(
            self.error_messages["too_large"],
            code="too_large",
            params={"limit": filesizeformat(limit)},
        )
        if upload.size is not None and upload.size > limit:
            raise too_large
        upload.seek(0)
        content = upload.read(limit + 1)
        if len(content) > limit:
            raise too_large
        return ContentFile(content, name=upload.name)


class AttendanceUploadForm(forms.Form):
    file = CsvUploadField(
        label=_("Zoom participant report (CSV)"),
        help_text=_("Zoom → Reports → Usage → Participants → Export as CSV."),
    )


class AttendeeMatchForm(forms.Form):
    """Staff say who an unmatched participant is: one of the conference's invitations, or one
    of its council's members or presenters."""

    attendee = forms.ModelChoiceField(label=_("Participant"), queryset=None)
    invitation = forms.ModelChoiceField(label=_("Invitation"), queryset=None, required=False)
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=None, required=False)

    def __init__(self, *args, attendees, invitations, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendee"].queryset = attendees
        self.fields["invitation"].queryset = invitations
        self.fields["expert"].queryset = experts

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("invitation") is None) == (data.get("expert") is None):
            raise forms.ValidationError(_("Choose one invitation or one expert."))
        return data


class ExpertFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    field = forms.ModelChoiceField(
        label=_("Field of expertise"),
        required=False,
        queryset=FieldOfExpertise.objects.all(),
        empty_label=_("Any field"),
    )
    role = forms.ChoiceField(
        label=_("Council role"),
        required=False,
        choices=[
            ("", _("Any role")),
            ("none", _("Not on a council")),
            *CouncilMembership.Role.choices,
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country")), *countries]


class ExpertForm(forms.ModelForm):
    class Meta:
        model = Expert
        fields = [
            "full_name",
            "full_name_latin",
            "country",
            "city",
            "organization",
            "position",
            "position_latn",
            "position_cyrl",
            "academic_degree",
            "fields",
            "email",
            "phone",
            "time_zone",
            "preferred_language",
            "bio",
            "is_public",
        ]
        widgets = {"fields": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class MembershipForm(forms.Form):
    council = forms.ModelChoiceField(label=_("Council"), queryset=Council.objects.all())
    role = forms.ChoiceField(
        label=_("Role"), choices=CouncilMembership.Role.choices, initial="member"
    )
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MembershipEndForm(forms.Form):
    end_date = forms.DateField(
        label=_("Last day of the term"), widget=forms.DateInput(attrs={"type": "date"})
    )


class InvitationFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False)
    answer = forms.ChoiceField(
        label=_("Answer"),
        required=False,
        choices=[("", _("Any answer")), *Invitation.Answer.choices],
    )
    state = forms.ChoiceField(
        label=_("Delivery"),
        required=False,
        choices=[("", _("Any delivery state")), *OutboundMessage.State.choices],
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("Any source")), *Invitation.Source.choices],
    )


class InvitationCsvForm(forms.Form):
    # From what conferences.invitees reads, so the help cannot drift from the check.
    file = CsvUploadField(
        label=_("CSV file"),
        help_text=format_lazy(
            _(
                "Header: {header}. Language: one of {languages}. Text in UTF-8 or "
                "Windows-1251, columns separated by “,” or “;”."
            ),
            header=",".join(CSV_HEADER),
            languages=", ".join(Language.values),
        ),
    )


class ApiKeyForm(forms.Form):
    """A new partner API key; partners.services.api_key_create checks the scopes and days too."""

    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.order_by("name")
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiKey._meta.get_field("name").max_length,
        required=False,
        help_text=_("What the key is for, such as the partner's sync job."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_days = forms.IntegerField(
        label=_("Expires after (days)"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for a key that does not expire."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class DictionaryEntryForm(forms.Form):
    """One spelling of the exception dictionary; transliteration.services checks the words."""

    cyrillic = forms.CharField(
        label=_("Cyrillic"),
        max_length=60,
        help_text=_("One word, e.g. бюджет. A Latin brand kept Latin: the same word twice."),
    )
    latin = forms.CharField(label=_("Latin"), max_length=80, help_text=_("e.g. budjet"))
    whole_word = forms.BooleanField(
        label=_("Whole word only"),
        required=False,
        help_text=_("Off: the entry also covers the word with suffixes (бюджетга, budjetga)."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
