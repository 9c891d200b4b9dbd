from django.urls import path

from .views import api_keys, audience, conferences, experts, home, invitations

app_name = "dashboard"

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("conferences/", conferences.ConferenceListView.as_view(), name="conference_list"),
    path(
        "conferences/calendar/",
        conferences.ConferenceCalendarView.as_view(),
        name="conference_calendar",
    ),
    path("conferences/new/", conferences.ConferenceEditView.as_view(), name="conference_create"),
    path(
        "conferences/<int:pk>/",
        conferences.ConferenceDetailView.as_view(),
        name="conference_detail",
    ),
    path(
        "conferences/<int:pk>/edit/",
        conferences.ConferenceEditView.as_view(),
        name="conference_edit",
    ),
    path(
        "conferences/<int:pk>/status/<slug:action>/",
        conferences.ConferenceActionView.as_view(),
        name="conference_action",
    ),
    path(
        "conferences/<int:pk>/audience/",
        audience.AudienceView.as_view(),
        name="conference_audience",
    ),
    path("experts/", experts.ExpertListView.as_view(), name="expert_list"),
    path("experts/new/", experts.ExpertEditView.as_view(), name="expert_create"),
    path("experts/<int:pk>/", experts.ExpertEditView.as_view(), name="expert_edit"),
    path(
        "experts/<int:pk>/memberships/",
        experts.MembershipAddView.as_view(),
        name="membership_add",
    ),
    path(
        "experts/<int:pk>/memberships/<int:membership_pk>/end/",
        experts.MembershipEndView.as_view(),
        name="membership_end",
    ),
]

urlpatterns += [
    path(
        "conferences/<int:pk>/invitations/",
        invitations.InvitationListView.as_view(),
        name="invitation_list",
    ),
    path(
        "conferences/<int:pk>/invitations/progress/",
        invitations.InvitationProgressView.as_view(),
        name="invitation_progress",
    ),
    path(
        "conferences/<int:pk>/invitations/imports/<int:import_pk>/",
        invitations.InvitationImportView.as_view(),
        name="invitation_import",
    ),
    path(
        "conferences/<int:pk>/invitations/<int:invitation_pk>/cancel/",
        invitations.InvitationCancelView.as_view(),
        name="invitation_cancel",
    ),
    path(
        "invitations/sample.csv",
        invitations.InvitationCsvSampleView.as_view(),
        name="invitation_csv_sample",
    ),
    path(
        "conferences/<int:pk>/invitations/<slug:action>/",
        invitations.InvitationActionView.as_view(),
        name="invitation_action",
    ),
]

urlpatterns += [
    path("api-keys/", api_keys.ApiKeyListView.as_view(), name="api_key_list"),
    path("api-keys/new/", api_keys.ApiKeyCreateView.as_view(), name="api_key_create"),
    path(
        "api-keys/<int:pk>/created/", api_keys.ApiKeyCreatedView.as_view(), name="api_key_created"
    ),
    path("api-keys/<int:pk>/revoke/", api_keys.ApiKeyRevokeView.as_view(), name="api_key_revoke"),
]
