"""The review digest as one self-contained HTML page: inline CSS, no script, autoescaped.

Every line links to its note; ``link`` turns a note's path (relative to the vault) into the
address the page should use (the command makes them relative to the page, or absolute).
"""

from __future__ import annotations

from collections.abc import Callable

from ononotes.core.review import Review, period

TEMPLATE = "review.html.j2"


def render_review_html(review: Review, link: Callable[[str], str] = lambda path: path) -> str:
    """The digest as an HTML document (a string)."""
    from ononotes.render.page import page_environment

    env = page_environment()

    def href(source: str) -> str:
        return link(source.rpartition(":")[0])

    return env.get_template(TEMPLATE).render(review=review, period=period(review), href=href)
