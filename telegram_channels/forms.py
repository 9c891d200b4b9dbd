from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TelegramChannel


class ChannelAddForm(forms.Form):
    chat = forms.CharField(
        label=_("Channel"),
        max_length=TelegramChannel._meta.get_field("chat").max_length,
        help_text=_(
            "@handle of a public channel, or the numeric chat id of a private one. "
            "Make the bot an administrator of the channel first."
        ),
    )
    script = forms.ChoiceField(label=_("Script"), choices=TelegramChannel.Script.choices)
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)


class ChannelEditForm(forms.Form):
    script = forms.ChoiceField(label=_("Script"), choices=TelegramChannel.Script.choices)
    enabled = forms.BooleanField(label=_("Enabled"), required=False)
