from django.urls import path

from . import conference_pages as views

app_name = "conference_public"

urlpatterns = [
    path("", views.conference_list, name="list"),
    path("calendar.ics", views.calendar_feed, name="feed"),
    path("confirm/<str:token>/", views.registration_confirm, name="registration_confirm"),
    path("<slug:slug>/", views.conference_detail, name="detail"),
    path("<slug:slug>/calendar.ics", views.conference_ics, name="ics"),
    path("<slug:slug>/register/", views.conference_register, name="register"),
]
