"""Where the shipped data lives: catalogues (rules/), report templates (reports/), CMS profiles.

In a source checkout the top-level ``rules/`` and ``reports/`` folders are used directly, so an
edit there takes effect at once; an installed package carries copies of them as
``auditor/catalogues`` and ``auditor/report_assets`` (see ``[tool.setuptools.package-dir]``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_ROOT = _PACKAGE_DIR.parent


@cache  # the answer cannot change while the process runs; asked once per working-day look-up
def _data_dir(top_level: str, installed: str) -> Path:
    source = _SOURCE_ROOT / top_level
    if (_SOURCE_ROOT / "pyproject.toml").is_file() and source.is_dir():
        return source
    return _PACKAGE_DIR / installed


def catalogue_dir() -> Path:
    """The folder of rule catalogues (``rules/``)."""
    return _data_dir("rules", "catalogues")


def report_dir() -> Path:
    """The folder of report templates and static assets (``reports/``)."""
    return _data_dir("reports", "report_assets")


def profile_dir() -> Path:
    """The folder of built-in CMS profiles."""
    return _PACKAGE_DIR / "profiles"
