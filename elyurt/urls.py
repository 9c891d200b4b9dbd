from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.urls import include, path

from dashboard import forms as dashboard_forms
from dashboard.views import auth as dashboard_auth
from pressroom import views as pressroom_views
from pressroom.sitemaps import SITEMAPS as PRESS_SITEMAPS

# The admin's login counts failures with the dashboard's limiter: one budget for both doors.
admin.site.login_form = dashboard_forms.RateLimitedAdminAuthenticationForm

urlpatterns = [
    path("", pressroom_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The staff login (rate-limited), logout and password change, ahead of Django's defaults.
    path("accounts/login/", dashboard_auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", dashboard_auth.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        dashboard_auth.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        dashboard_auth.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    # The press service's pages keep their own namespace ("pressroom_staff"), so they are
    # mounted here rather than inside the dashboard's.
    path("dashboard/press/", include("pressroom.urls_staff")),
    path("dashboard/telegram/", include("telegram_channels.urls")),
    path("dashboard/records/", include("records.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("i/", include("conferences.urls")),  # personal invitation answer links
    path("r/", include("regulations.urls")),  # reviewers' personal comment links
    path("integrations/zoom/webhook/", include("integrations.urls")),
    path("press/", include("pressroom.urls")),
    path("conferences/", include("pressroom.urls_conferences")),
    path("subscriptions/", include("subscriptions.urls")),
    # The public tracker (/recommendations/) and the addressees' answer links (/a/<token>/).
    path("", include("recommendations.urls")),
    path(
        "sitemap.xml",
        sitemap_view,
        {"sitemaps": PRESS_SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("", include("elyurt.api_urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
