"""Render a quarterly review as JSON, Markdown and one self-contained HTML page.

Examples
--------
>>> from calibrate.report.review_render import write_review
>>> write_review.__name__
'write_review'
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate.report.build import _FILTERS

if TYPE_CHECKING:
    from calibrate.review import Review

__all__ = ["write_review", "render_review"]


def render_review(review: Review, template: str) -> str:
    """Render ``review.html.j2`` (autoescaped) or ``review.md.j2`` (values escaped by the ``md`` filter)."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("calibrate", "report/templates"),
        autoescape=template.endswith(".html.j2"), undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    environment.filters.update(_FILTERS)
    return environment.get_template(template).render(review=review.to_dict(), summary=review.summary())


def write_review(review: Review, directory: str | os.PathLike[str]) -> dict[str, Path]:
    """Write ``review.json``, ``review.md``, ``review.html`` and ``recalibrated_config.yaml``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    texts = {"review.json": json.dumps(review.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n",
             "review.md": render_review(review, "review.md.j2"),
             "review.html": render_review(review, "review.html.j2")}
    for name, text in texts.items():
        (directory / name).write_text(text, encoding="utf-8")
        written[name] = directory / name
    if review.new_config is not None:
        written["recalibrated_config.yaml"] = review.new_config.save(directory / "recalibrated_config.yaml")
    return written
