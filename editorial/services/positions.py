"""Keeping positions contiguous (1..n) under the immediate unique (parent, position) constraints.

The constraints are checked row by row, so renumbering never writes a position another row still
holds: the rows that move go far out of the way first, then to their final place. Every helper
costs a fixed number of queries, however many rows the section or issue holds.
"""

from django.db.models import F, Max, QuerySet

OUT_OF_THE_WAY = 1_000_000
# Where a row waits while the others shift; below every shifted position.
PARKED = OUT_OF_THE_WAY - 1


def shift(rows: QuerySet, *, start: int, stop: int | None = None, by: int) -> None:
    """Add `by` to the positions start..stop (stop None: to the end) among `rows`, which are
    the entries of one section or the sections of one issue."""
    if stop is None:
        span, far = {"position__gte": start}, {"position__gte": start + OUT_OF_THE_WAY}
    else:
        span = {"position__range": (start, stop)}
        far = {"position__range": (start + OUT_OF_THE_WAY, stop + OUT_OF_THE_WAY)}
    if rows.filter(**span).update(position=F("position") + OUT_OF_THE_WAY):
        rows.filter(**far).update(position=F("position") - OUT_OF_THE_WAY + by)


def make_room(rows: QuerySet, position: int) -> None:
    """Free `position` by moving it and everything after it down by one."""
    shift(rows, start=position, by=1)


def close_gap(rows: QuerySet, position: int) -> None:
    """Close the hole left at `position` by moving everything after it up by one."""
    shift(rows, start=position + 1, by=-1)


def move_within(rows: QuerySet, obj, position: int) -> None:
    """Place `obj` (one of `rows`) at `position`, the rows in between shifting by one.
    Sets obj.position; the caller saves it."""
    old = obj.position
    if position == old:
        return
    rows.filter(pk=obj.pk).update(position=PARKED)
    if position < old:
        shift(rows, start=position, stop=old - 1, by=1)
    else:
        shift(rows, start=old + 1, stop=position, by=-1)
    obj.position = position


def end_position(rows: QuerySet) -> int:
    """The position after the last row (1 when there are none)."""
    return (rows.aggregate(last=Max("position"))["last"] or 0) + 1


def clamp(position, last: int) -> int:
    """A requested 1-based position brought into 1..last; None means last."""
    if position is None:
        return last
    return min(max(int(position), 1), last)
