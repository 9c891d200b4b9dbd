from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("conferences/", views.ConferenceListView.as_view(), name="conference_list"),
    path(
        "conferences/calendar/",
        views.ConferenceCalendarView.as_view(),
        name="conference_calendar",
    ),
    path("conferences/new/", views.ConferenceEditView.as_view(), name="conference_create"),
    path("conferences/<int:pk>/", views.ConferenceDetailView.as_view(), name="conference_detail"),
    path("conferences/<int:pk>/edit/", views.ConferenceEditView.as_view(), name="conference_edit"),
    path(
        "conferences/<int:pk>/status/<slug:action>/",
        views.ConferenceActionView.as_view(),
        name="conference_action",
    ),
    path(
        "conferences/<int:pk>/audience/",
        views.AudienceView.as_view(),
        name="conference_audience",
    ),
    path("experts/", views.ExpertListView.as_view(), name="expert_list"),
    path("experts/new/", views.ExpertEditView.as_view(), name="expert_create"),
    path("experts/<int:pk>/", views.ExpertEditView.as_view(), name="expert_edit"),
    path(
        "experts/<int:pk>/memberships/",
        views.MembershipAddView.as_view(),
        name="membership_add",
    ),
    path(
        "experts/<int:pk>/memberships/<int:membership_pk>/end/",
        views.MembershipEndView.as_view(),
        name="membership_end",
    ),
]

urlpatterns += [
    path(
        "conferences/<int:pk>/invitations/",
        views.InvitationListView.as_view(),
        name="invitation_list",
    ),
    path(
        "conferences/<int:pk>/invitations/progress/",
        views.InvitationProgressView.as_view(),
        name="invitation_progress",
    ),
    path(
        "conferences/<int:pk>/invitations/<int:invitation_pk>/cancel/",
        views.InvitationCancelView.as_view(),
        name="invitation_cancel",
    ),
    path(
        "conferences/<int:pk>/invitations/<slug:action>/",
        views.InvitationActionView.as_view(),
        name="invitation_action",
    ),
]

urlpatterns += [
    path("api-keys/", views.ApiKeyListView.as_view(), name="api_key_list"),
    path("api-keys/new/", views.ApiKeyCreateView.as_view(), name="api_key_create"),
    path("api-keys/<int:pk>/created/", views.ApiKeyCreatedView.as_view(), name="api_key_created"),
    path("api-keys/<int:pk>/revoke/", views.ApiKeyRevokeView.as_view(), name="api_key_revoke"),
]
