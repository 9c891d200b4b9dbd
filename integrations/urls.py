from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("", views.zoom_webhook, name="zoom_webhook"),
]
