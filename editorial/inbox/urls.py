"""Inbox, summary draft, page suggestion and link check routes, included by
editorial/compose/urls.py inside the "editorial" namespace."""

from django.urls import path

from editorial.inbox.views import items as inbox
from editorial.inbox.views import link_check, suggestion, summary

urlpatterns = [
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/save/", inbox.inbox_save, name="inbox_save"),
    path("inbox/paste/", inbox.inbox_paste, name="inbox_paste"),
    path("inbox/changes/", inbox.inbox_changes, name="inbox_changes"),
    path("inbox/<int:item_pk>/", inbox.inbox_item_card, name="inbox_item"),
    path("inbox/<int:item_pk>/state/", inbox.inbox_item_state, name="inbox_item_state"),
    path("inbox/<int:item_pk>/title/", inbox.inbox_item_title, name="inbox_item_title"),
    path("inbox/<int:item_pk>/add/", inbox.inbox_add, name="inbox_add"),
    path("summary-draft/", summary.summary_draft, name="summary_draft"),
    path("url-suggestion/", suggestion.url_suggestion, name="url_suggestion"),
    path("issues/<int:year>/<int:number>/links/", link_check.link_check, name="link_check"),
]
