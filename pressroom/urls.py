from django.urls import path

from . import feeds, views

app_name = "pressroom"

urlpatterns = [
    path("", views.release_list, name="list"),
    path("language/", views.language_set, name="language"),
    path("feed/rss/", feeds.LatestReleasesFeed(), name="feed_rss"),
    path("feed/atom/", feeds.LatestReleasesAtomFeed(), name="feed_atom"),
    path("feed/rss/latn/", feeds.LatestReleasesLatinFeed(), name="feed_rss_latn"),
    path("feed/atom/latn/", feeds.LatestReleasesLatinAtomFeed(), name="feed_atom_latn"),
    path("<slug:slug>/", views.release_detail, name="detail"),
    path("<slug:slug>/docx/", views.release_docx, name="docx"),
]
