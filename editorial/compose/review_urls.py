"""Review and publishing routes, included by editorial/compose/urls.py inside the "editorial"
namespace."""

from django.urls import path

from editorial.compose.views import review

urlpatterns = [
    path("review/", review.review_list, name="review_list"),
    path("review/<int:year>/<int:number>/", review.review_issue, name="review_issue"),
    path("issues/<int:year>/<int:number>/submit/", review.issue_submit, name="issue_submit"),
    path(
        "issues/<int:year>/<int:number>/take-back/", review.issue_take_back, name="issue_take_back"
    ),
    path(
        "issues/<int:year>/<int:number>/send-back/", review.issue_send_back, name="issue_send_back"
    ),
    path("issues/<int:year>/<int:number>/publish/", review.issue_publish, name="issue_publish"),
    path("issues/<int:year>/<int:number>/reopen/", review.issue_reopen, name="issue_reopen"),
    path(
        "issues/<int:year>/<int:number>/reschedule/",
        review.issue_reschedule,
        name="issue_reschedule",
    ),
    path(
        "issues/<int:year>/<int:number>/publish-now/",
        review.issue_publish_now,
        name="issue_publish_now",
    ),
    path("issues/<int:year>/<int:number>/withdraw/", review.issue_withdraw, name="issue_withdraw"),
    path(
        "issues/<int:year>/<int:number>/approve-remaining/",
        review.issue_approve_remaining,
        name="issue_approve_remaining",
    ),
    path("entries/<int:pk>/submit/", review.entry_submit, name="entry_submit"),
    path("entries/<int:pk>/approve/", review.entry_approve, name="entry_approve"),
    path(
        "entries/<int:pk>/request-changes/",
        review.entry_request_changes,
        name="entry_request_changes",
    ),
    path("entries/<int:pk>/comments/", review.comment_create, name="comment_create"),
]
