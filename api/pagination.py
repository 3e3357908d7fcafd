"""RFC 8288 ``Link`` headers for pages of a list (``rel`` first, prev, next, last).

A page is ``offset``/``limit`` over ``total`` items; each link is the same path
and query with another ``offset``, so a client follows ``rel="next"`` until there
is none.
"""

from __future__ import annotations

from urllib.parse import urlencode


def link_header(
    path: str, *, offset: int, limit: int, total: int, query: dict[str, str] | None = None
) -> str:
    """The ``Link`` header value of one page, or ``""`` when the list is empty."""
    if total <= 0:
        return ""
    last = ((total - 1) // limit) * limit
    pages = {"first": 0, "last": last}
    if offset > 0:
        pages["prev"] = max(0, min(offset - limit, last))
    if offset + limit < total:
        pages["next"] = offset + limit
    extra = {k: v for k, v in (query or {}).items() if k not in ("offset", "limit")}

    def url(at: int) -> str:
        return f"{path}?{urlencode({**extra, 'limit': limit, 'offset': at})}"

    order = ("first", "prev", "next", "last")
    return ", ".join(f'<{url(pages[rel])}>; rel="{rel}"' for rel in order if rel in pages)
