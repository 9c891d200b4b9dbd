from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from activity.admin import ActivityInline
from elyurt.service_admin import ServiceAdmin

from .models import ApiKey, Scope
from .services import api_key_create, api_key_revoke


class ApiKeyCreateForm(forms.ModelForm):
    scope_choices = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_days = forms.IntegerField(
        label=_("expires after (days)"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for a key that does not expire."),
    )

    class Meta:
        model = ApiKey
        fields = ["organization", "name"]


@admin.register(ApiKey)
class ApiKeyAdmin(ServiceAdmin, admin.ModelAdmin):
    """Keys are created through api_key_create (a refusal shown on the form) and revoked
    through api_key_revoke; a saved key is shown read-only."""

    list_display = ["prefix", "organization", "name", "scopes", "expires_at", "revoked_at",
                    "last_used_at"]  # fmt: skip
    list_filter = ["organization"]
    search_fields = ["prefix", "name", "organization__name"]
    readonly_fields = ["prefix", "scopes", "revoked_at", "last_used_at", "created_at",
                       "created_by"]  # fmt: skip
    actions = ["revoke"]
    inlines = [ActivityInline]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organization", "name", "scope_choices", "expires_days"]
        return ["organization", "name", *self.readonly_fields, "expires_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.readonly_fields, "organization", "name", "expires_at"]

    def service_save(self, *, request, obj, form, change):
        if change:
            return  # every field is read-only
        key, raw = api_key_create(
            organization=form.cleaned_data["organization"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scope_choices"],
            expires_days=form.cleaned_data["expires_days"],
            by=request.user,
        )
        obj.pk = key.pk
        obj.__dict__.update({k: v for k, v in key.__dict__.items() if not k.startswith("_")})
        # Shown this once: only the hash is kept.
        messages.warning(
            request, _("The new key, shown only now — copy it: %(key)s") % {"key": raw}
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            api_key_revoke(key=key, by=request.user)
        messages.success(request, _("Keys revoked."))
