"""Diagnostic reports: build once, render as HTML, Markdown and JSON.

Examples
--------
>>> from calibrate.report import Report, build_report
>>> Report.__name__, build_report.__name__
('Report', 'build_report')
"""

from calibrate.report.build import Report, build_report

__all__ = ["Report", "build_report"]
