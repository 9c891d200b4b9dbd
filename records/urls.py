"""The council secretary's record pages, mounted at /dashboard/records/."""

from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("<int:pk>/", views.RecordView.as_view(), name="record"),
    path("<int:pk>/docx/", views.RecordDocxView.as_view(), name="docx"),
    path("<int:pk>/<slug:action>/", views.RecordActionView.as_view(), name="action"),
]
