"""Work done outside the request by `manage.py db_worker` (django.tasks with the database
backend; tests use the immediate backend, so tasks run at once)."""

from django.tasks import task


@task
def fetch_inbox_page(item_pk: int) -> None:
    """Fill an inbox item from its page (title, description, site, date, main text)."""
    from editorial.inbox.services.items import inbox_fill_from_page

    inbox_fill_from_page(item_pk)


@task
def check_entry_links(entry_pks: list[int]) -> None:
    """Check the links of these entries and store each result (see services.link_check)."""
    from editorial.inbox.services.link_check import check_entries

    check_entries(entry_pks)
