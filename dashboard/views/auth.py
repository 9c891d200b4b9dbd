"""Signing in and out, and changing one's password."""

from django.contrib.auth import views as auth_views
from django.urls import reverse, reverse_lazy

from .. import forms


class LoginView(auth_views.LoginView):
    template_name = "dashboard/login.html"
    authentication_form = forms.RateLimitedAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("dashboard:home")


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("login")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "dashboard/password_change.html"
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "dashboard/password_change_done.html"
