"""The press service's pages, mounted at /dashboard/press/."""

from django.urls import path

from . import views

app_name = "pressroom_staff"

urlpatterns = [
    path("", views.StaffListView.as_view(), name="list"),
    path("templates/", views.StaffTemplateListView.as_view(), name="templates"),
    path("templates/<int:pk>/", views.StaffTemplateEditView.as_view(), name="template_edit"),
    path("<int:pk>/", views.StaffEditView.as_view(), name="edit"),
    path("<int:pk>/status/", views.StaffStatusView.as_view(), name="status"),
    path("<int:pk>/schedule/", views.StaffScheduleView.as_view(), name="schedule"),
    path("<int:pk>/redraft/", views.StaffRedraftView.as_view(), name="redraft"),
    path("<int:pk>/compare/", views.StaffCompareView.as_view(), name="compare"),
    path("<int:pk>/versions/<int:number>/", views.StaffVersionView.as_view(), name="version"),
]
