"""Reader site URLs (namespace "reader")."""

from django.urls import path

from editorial.reader import views as reader

app_name = "reader"

urlpatterns = [
    path("", reader.latest, name="latest"),
    path("issues/", reader.archive, name="archive"),
    path("issues/<int:year>/<int:number>/", reader.issue_detail, name="issue"),
    path("issues/<int:year>/<int:number>.md", reader.issue_markdown, name="issue_markdown"),
    path("issues/<int:year>/<int:number>/preview/", reader.issue_preview, name="issue_preview"),
    path(
        "issues/<int:year>/<int:number>/r/<int:revision>/",
        reader.revision_detail,
        name="revision",
    ),
    path(
        "issues/<int:year>/<int:number>/r/<int:revision>.md",
        reader.revision_markdown,
        name="revision_markdown",
    ),
    path("search/", reader.search, name="search"),
    path("feed.xml", reader.feed, name="feed"),
]
