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


def _rolling_charts(review: Review) -> dict[str, bytes]:
    """Rolling close-rate charts of the attributes whose effect changed, else the three with most rows."""
    from calibrate.report.build import _png
    from calibrate.report.plots import plot_rolling

    if review.rolling is None or review.rolling.empty or review.rolling["period"].nunique() < 2:
        return {}
    changed = list(dict.fromkeys(review.changes.loc[review.changes["effect_changed"], "attribute"]))
    attributes = changed or list(review.rolling["attribute"].value_counts().index[:3])
    return {f"rolling_{i:02d}": _png(plot_rolling(review.rolling, a)) for i, a in enumerate(attributes[:6], start=1)}


def render_review(review: Review, template: str, charts: dict[str, bytes] | None = None) -> str:
    """Render ``review.html.j2`` (autoescaped) or ``review.md.j2`` (values escaped by the ``md`` filter)."""
    import base64

    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("calibrate", "report/templates"),
        autoescape=template.endswith(".html.j2"), undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    environment.filters.update(_FILTERS)
    charts = charts or {}
    images = ({name: "data:image/png;base64," + base64.b64encode(png).decode("ascii") for name, png in charts.items()}
              if template.endswith(".html.j2") else {name: f"charts/{name}.png" for name in charts})
    return environment.get_template(template).render(review=review.to_dict(), summary=review.summary(),
                                                     images=images)


def write_review(review: Review, directory: str | os.PathLike[str]) -> dict[str, Path]:
    """Write ``review.json``, ``review.md``, ``review.html`` and ``recalibrated_config.yaml``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    charts = _rolling_charts(review)
    if charts:
        (directory / "charts").mkdir(exist_ok=True)
        for name, png in charts.items():
            (directory / "charts" / f"{name}.png").write_bytes(png)
            written[f"charts/{name}.png"] = directory / "charts" / f"{name}.png"
    texts = {"review.json": json.dumps(review.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n",
             "review.md": render_review(review, "review.md.j2", charts),
             "review.html": render_review(review, "review.html.j2", charts)}
    for name, text in texts.items():
        (directory / name).write_text(text, encoding="utf-8")
        written[name] = directory / name
    if review.new_config is not None:
        written["recalibrated_config.yaml"] = review.new_config.save(directory / "recalibrated_config.yaml")
    return written
