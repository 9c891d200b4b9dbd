"""Partner API keys: the list, a new key shown once, and revoking one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView

from partners.models import ApiKey
from partners.selectors import api_key_list
from partners.services import api_key_create, api_key_revoke

from .. import forms
from ._common import StaffView, _form_errors_from

# The session entry holding a new key in clear until its page is shown once.
NEW_API_KEY_SESSION = "dashboard_new_api_key"


class ApiKeyListView(StaffView, ListView):
    permission_required = "partners.view_apikey"
    template_name = "dashboard/api_key_list.html"
    paginate_by = 50
    context_object_name = "api_keys"

    def get_queryset(self):
        return api_key_list()


class ApiKeyCreateView(StaffView, FormView):
    permission_required = "partners.add_apikey"
    template_name = "dashboard/api_key_form.html"
    form_class = forms.ApiKeyForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            key, raw = api_key_create(
                organization=data["organization"],
                name=data["name"],
                scopes=data["scopes"],
                expires_days=data["expires_days"],
                by=self.request.user,
            )
        except ValidationError as exc:
            _form_errors_from(exc, form)
            return self.form_invalid(form)
        # Only the hash is stored. The key in clear waits in this user's session for the one
        # page that shows it, which removes it (POST/redirect/GET: a reload cannot make a
        # second key, nor show this one again).
        self.request.session[NEW_API_KEY_SESSION] = {"pk": key.pk, "raw": raw}
        return redirect("dashboard:api_key_created", pk=key.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@method_decorator(never_cache, name="dispatch")
class ApiKeyCreatedView(StaffView, TemplateView):
    """The new key in clear, once; opened again, the page says it is no longer shown."""

    permission_required = "partners.add_apikey"
    template_name = "dashboard/api_key_created.html"

    def get_context_data(self, **kwargs):
        key = get_object_or_404(ApiKey.objects.select_related("organization"), pk=kwargs["pk"])
        pending = self.request.session.get(NEW_API_KEY_SESSION)
        raw = None
        if pending and pending.get("pk") == key.pk:
            raw = pending["raw"]
            del self.request.session[NEW_API_KEY_SESSION]
        return super().get_context_data(api_key=key, raw_key=raw, **kwargs)


class ApiKeyRevokeView(StaffView, FormView):
    """GET asks for confirmation; POST with the box ticked revokes the key at once."""

    permission_required = "partners.change_apikey"
    template_name = "dashboard/api_key_revoke.html"
    form_class = forms.ConfirmForm

    def _key(self) -> ApiKey:
        return get_object_or_404(
            ApiKey.objects.select_related("organization"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(api_key=self._key(), **kwargs)

    def form_valid(self, form):
        key = api_key_revoke(key=self._key(), by=self.request.user)
        messages.success(
            self.request,
            _("The key %(prefix)s of %(organization)s is revoked.")
            % {"prefix": key.prefix, "organization": key.organization.name},
        )
        return redirect("dashboard:api_key_list")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
