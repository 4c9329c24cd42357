"""Reports people act on: the province dashboard, bureau gap pages, 整改通知书, exports, and the
on-demand server over a store."""

from auditor.reporting.render import write_report

__all__ = ["write_report"]
