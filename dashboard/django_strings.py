"""Django's own strings that show on dashboard pages, listed so makemessages puts them in our
catalogues. Django's "uz" catalogue is in Latin script and has no "uz-cyrl" one, so without
these the Cyrillic interface would show them in Latin (and our wording wins in the others).

Nothing imports this module; the msgids must stay exactly as Django writes them.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

STRINGS = [
    # Forms and validators.
    gettext_noop("This field is required."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    # Login and password change.
    gettext_noop("username"),
    gettext_noop("Password"),
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both "
        "fields may be case-sensitive."
    ),
    gettext_noop("This account is inactive."),
    gettext_noop("Old password"),
    gettext_noop("New password"),
    gettext_noop("New password confirmation"),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("This password is entirely numeric."),
    # Countries (django-countries has no Uzbek catalogue): where the council's experts live and
    # the region, written as an Uzbek editor writes them.
    gettext_noop("Uzbekistan"),
    gettext_noop("United States of America"),
    gettext_noop("Canada"),
    gettext_noop("Australia"),
    gettext_noop("Belgium"),
    gettext_noop("Germany"),
    gettext_noop("Korea (the Republic of)"),
    gettext_noop("United Kingdom of Great Britain and Northern Ireland"),
    gettext_noop("Russian Federation"),
    gettext_noop("Kazakhstan"),
    gettext_noop("Kyrgyzstan"),
    gettext_noop("Tajikistan"),
    gettext_noop("Turkmenistan"),
    gettext_noop("Türkiye"),
    gettext_noop("Japan"),
    gettext_noop("China"),
    gettext_noop("France"),
    gettext_noop("Italy"),
    gettext_noop("Spain"),
    gettext_noop("Netherlands (Kingdom of the)"),
    gettext_noop("Switzerland"),
    gettext_noop("Austria"),
    gettext_noop("Poland"),
    gettext_noop("Czechia"),
    gettext_noop("Sweden"),
    gettext_noop("Finland"),
    gettext_noop("Norway"),
    gettext_noop("Israel"),
    gettext_noop("United Arab Emirates"),
    gettext_noop("India"),
    gettext_noop("Singapore"),
    gettext_noop("Malaysia"),
    gettext_noop("Azerbaijan"),
    gettext_noop("Ukraine"),
    gettext_noop("Hungary"),
    gettext_noop("Ireland"),
    gettext_noop("New Zealand"),
    gettext_noop("Afghanistan"),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "count",
    ),
]
