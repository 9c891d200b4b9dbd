from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Subscription

# A field people never see and bots fill in: such a request is answered as accepted, unsent.
HONEYPOT = "website"


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    kind = forms.ChoiceField(
        label=_("What to receive"),
        choices=Subscription.Kind.choices,
        widget=forms.RadioSelect,
        initial=Subscription.Kind.DIGEST,
    )
    language = forms.ChoiceField(label=_("Language and script"), choices=settings.LANGUAGES)
