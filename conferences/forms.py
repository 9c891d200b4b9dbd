"""The public registration form: the invitee row's fields and limits (invitees.InviteeRowForm,
which take them from the Invitation model), the kind of participant, and a honeypot."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .invitees import InviteeRowForm
from .models import ParticipantGroup

# A field people never see (hidden by CSS and aria-hidden) and bots fill in: a request with it
# is answered as if accepted and does nothing.
HONEYPOT = "website"


class PublicRegistrationForm(InviteeRowForm):
    participant_group = forms.ChoiceField(
        label=_("kind of participant"), choices=ParticipantGroup.choices
    )

    def __init__(self, data=None) -> None:
        super().__init__(data)
        labels = {
            "name": _("Name"),
            "email": _("Email"),
            "organization": _("Organisation"),
            "position": _("Position"),
            "language": _("Language of the mail"),
            "timezone": _("Your time zone"),
        }
        for name, label in labels.items():
            self.fields[name].label = label
        self.fields["email"].widget = forms.EmailInput()
        self.fields["language"].widget = forms.Select(
            choices=self._language_choices(),
        )
        self.fields["participant_group"].error_messages["invalid_choice"] = _(
            "'%(value)s' is not one of the kinds listed."
        )

    @staticmethod
    def _language_choices():
        from experts.models import Language

        return Language.choices


def honeypot_filled(data) -> bool:
    return bool(str(data.get(HONEYPOT, "")).strip())
