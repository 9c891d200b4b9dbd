from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .invitations import invitations_add
from .invitees import Invitee, invitees_from_csv
from .models import Invitation

MAX_CSV_BYTES = 5 * 1024 * 1024


class InvitationCsvForm(forms.Form):
    """Upload of a CSV of people to invite: the whole file is checked in clean(); `save`
    imports every row through the service, or the form shows each bad line and nothing is
    imported."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Header: name,email,organization,position,language,timezone"),
    )

    def clean_file(self) -> list[Invitee]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        try:
            return invitees_from_csv(file=upload.read())
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["file"]) from None

    def save(self, *, conference, by=None, send: bool = True) -> list[Invitation]:
        return invitations_add(
            conference=conference,
            invitees=self.cleaned_data["file"],
            source=Invitation.Source.CSV,
            by=by,
            send=send,
        )
