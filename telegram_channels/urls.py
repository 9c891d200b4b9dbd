"""The Telegram channels' staff pages, mounted at /dashboard/telegram/."""

from django.urls import path

from . import views

app_name = "telegram_channels"

urlpatterns = [
    path("", views.ChannelListView.as_view(), name="list"),
    path("new/", views.ChannelAddView.as_view(), name="add"),
    path("<int:pk>/", views.ChannelDetailView.as_view(), name="detail"),
    path("<int:pk>/retry/", views.ChannelRetryView.as_view(), name="retry"),
    path(
        "announce/<int:conference_pk>/",
        views.ConferenceAnnounceView.as_view(),
        name="announce",
    ),
]
