"""Editorial screens (namespace "editorial"): the dashboard and the composer here; review, the
inbox, WeChat and the mail (sending, and the account page of its notifications) from their own
url modules, included below."""

from django.urls import include, path

from editorial.compose.views import composer, dashboard, entries, entry_add, sections, undo

app_name = "editorial"

issue = "issues/<int:year>/<int:number>/"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("issues/new/", dashboard.issue_create, name="issue_create"),
    path(issue, composer.composer, name="composer"),
    path(f"{issue}preview/", composer.preview, name="preview"),
    path(f"{issue}markdown/", composer.markdown, name="markdown"),
    path(f"{issue}history/", composer.history, name="history"),
    path(f"{issue}presence/", composer.presence, name="presence"),
    path(f"{issue}presence/leave/", composer.presence_leave, name="presence_leave"),
    path(f"{issue}changes/", composer.changes, name="composer_changes"),
    path(f"{issue}sections/new/", sections.section_create, name="section_create"),
    path(f"{issue}paste/", entry_add.draft_paste, name="draft_paste"),
    path("sections/<int:pk>/rename/", sections.section_rename, name="section_rename"),
    path("sections/<int:pk>/move/", sections.section_move, name="section_move"),
    path("sections/<int:pk>/delete/", sections.section_delete, name="section_delete"),
    path("sections/<int:pk>/entries/new/", entry_add.entry_create, name="entry_create"),
    path("sections/<int:pk>/quick-add/", entry_add.quick_add, name="quick_add"),
    path("entries/<int:pk>/", entries.entry, name="entry"),
    path("entries/<int:pk>/edit/", entries.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/menu/", entries.entry_menu, name="entry_menu"),
    path("entries/<int:pk>/review/", entries.entry_review, name="entry_review"),
    path("entries/<int:pk>/move/", entries.entry_move, name="entry_move"),
    path("entries/<int:pk>/delete/", entries.entry_delete, name="entry_delete"),
    path("restore/<int:event_pk>/", undo.entry_restore, name="entry_restore"),
    path("undo/<int:event_pk>/", undo.change_undo, name="change_undo"),
    path("check-url/", composer.check_url, name="check_url"),
    path("", include("editorial.compose.review_urls")),
    path("", include("editorial.inbox.urls")),
    path("", include("editorial.wechat.urls")),
    path("", include("editorial.mail.notifications.urls")),
    path("", include("editorial.mail.urls")),
]
