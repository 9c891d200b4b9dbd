from django.urls import path

from . import views

app_name = "conferences"

urlpatterns = [
    path(
        "<str:external_id>/<str:token>/",
        views.invitation_answer_view,
        name="invitation_answer",
    ),
    path(
        "<str:external_id>/<str:token>/calendar.ics",
        views.invitation_calendar_view,
        name="invitation_calendar",
    ),
]
