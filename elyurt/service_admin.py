"""Admin pages that save through a service, showing its refusal on the form.

The admin validates its form, then calls `save_model` inside its own transaction; a service that
refuses there (a line break in a name, an overlapping term) would answer 500. `ServiceAdmin`
turns that refusal into the form's errors: the ValidationError leaves the admin's transaction
(so nothing of the change stays), and the same post is shown again with the service's messages
on the fields they name, or above the form for the others.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class ServiceRefused(Exception):
    """A service's ValidationError on its way out of the admin's transaction; `errors` maps a
    field name (or NON_FIELD_ERRORS) to its messages."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        if hasattr(error, "error_dict"):
            self.errors = error.message_dict
        else:
            self.errors = {NON_FIELD_ERRORS: error.messages}


class _ShowsRefusal:
    """A form that adds the service's refusal of this very post to its own errors."""

    refusal: dict[str, list[str]] = {}

    def clean(self):
        cleaned = super().clean()
        for key, errors in self.refusal.items():
            self.add_error(key if key in self.fields else None, errors)
        return cleaned


class ServiceAdmin:
    """Mixin for a ModelAdmin whose `service_save` writes through a service.

    `service_save(request=, obj=, form=, change=)` gets the instance the form built (not yet
    saved) and saves it through the service; a ValidationError it raises is shown on the form.
    An admin that saves in `save_related` instead (with its inlines) raises ServiceRefused
    there itself; `form_refusal` picks what the main form shows (inlines may show the rest,
    reading `request.service_refusal`).
    """

    def service_save(self, *, request, obj, form, change) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        try:
            self.service_save(request=request, obj=obj, form=form, change=change)
        except ValidationError as exc:
            raise ServiceRefused(exc) from None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            # The admin's transaction is rolled back; the same post again, with the refusal.
            request.service_refusal = refused.errors
            return super().changeform_view(request, object_id, form_url, extra_context)

    def form_refusal(self, refusal: dict[str, list[str]]) -> dict[str, list[str]]:
        """The part of the service's refusal that the main form shows: all of it."""
        return refusal

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "service_refusal", None)
        if refusal is None:
            return form
        shown = self.form_refusal(refusal)
        return type(form.__name__, (_ShowsRefusal, form), {"refusal": shown})
