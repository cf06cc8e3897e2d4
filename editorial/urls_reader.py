"""Reader site URLs (namespace "reader")."""

from django.urls import path

from editorial.views import reader

app_name = "reader"

urlpatterns = [
    path("", reader.latest, name="latest"),
    path("issues/", reader.archive, name="archive"),
    path("issues/<int:year>/<int:number>/", reader.issue_detail, name="issue"),
    path("search/", reader.search, name="search"),
    path("feed.xml", reader.feed, name="feed"),
]
