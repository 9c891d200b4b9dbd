from django.urls import path

from . import views

app_name = "regulations"

urlpatterns = [
    path("<str:token>/", views.review_home_view, name="comment"),
    path("<str:token>/<int:article_id>/", views.review_article_view, name="article"),
]
