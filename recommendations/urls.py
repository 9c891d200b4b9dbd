from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("recommendations/", views.tracker, name="tracker"),
    # A personal link, like the invitations' /i/…/ and the reviews' /r/…/.
    path("a/<str:token>/", views.answer, name="answer"),
]
