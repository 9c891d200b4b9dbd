from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("recommendations/", views.tracker, name="tracker"),
    path("r/<str:token>/", views.answer, name="answer"),
]
