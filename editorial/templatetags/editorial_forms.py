"""The empty forms a page shows, made from their form classes where the page draws them (a
section's add, quick add and rename forms, an entry's move form, the review forms). A view that
answers a post passes its bound form instead, which these tags hand back when it is the one of
that place (same prefix)."""

from django import template

from editorial.compose.forms import EntryForm, MoveForm, QuickAddForm, SectionForm
from editorial.compose.review_forms import CommentForm, PublishForm, TransitionCommentForm
from editorial.inbox.forms import InboxAddForm, InboxTitleForm

register = template.Library()


def _mine(form, prefix: str) -> bool:
    return form is not None and getattr(form, "prefix", None) == prefix


@register.simple_tag
def add_entry_form(section, form=None, focus=None):
    """The form that adds an entry to `section`: `form` when it is that section's."""
    if _mine(form, f"add-{section.pk}"):
        return form
    return EntryForm.for_section(section).focus(focus)


@register.simple_tag
def quick_add_form(section, form=None, focus=False):
    """The quick-add form of `section`: `form` when it is that section's."""
    if _mine(form, f"quick-{section.pk}"):
        return form.focus("text")
    return QuickAddForm.for_section(section).focus("text" if focus else None)


@register.simple_tag
def rename_section_form(section, form=None):
    """The form that renames `section`: `form` when it is that section's."""
    if _mine(form, f"rename-{section.pk}"):
        return form.focus("title")
    return SectionForm.for_rename(section)


@register.simple_tag
def create_section_form(form=None):
    """The form that adds a section to the issue."""
    if _mine(form, SectionForm.CREATE):
        return form.focus("title")
    return SectionForm.for_create()


@register.simple_tag
def move_entry_form(entry, sections):
    return MoveForm.for_entry(entry, sections)


@register.simple_tag
def transition_comment_form(action, pk=None):
    return TransitionCommentForm.shown(action, pk)


@register.simple_tag
def comment_form(entry_pk):
    return CommentForm.on_entry(entry_pk)


@register.simple_tag
def reply_form(comment_pk):
    return CommentForm.reply_to(comment_pk)


@register.simple_tag
def publish_form(action, at=""):
    return PublishForm.shown(action, at or "")


@register.simple_tag
def inbox_add_form(item, targets):
    return InboxAddForm.for_item(item, targets)


@register.simple_tag
def inbox_title_form(item):
    return InboxTitleForm.for_item(item)
