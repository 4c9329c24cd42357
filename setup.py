"""Only the optional C speed-up of the text view; everything else is in pyproject.toml.

``optional=True``: without a C compiler the package installs anyway and uses the
regular-expression implementation (same results, slower)."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("auditor.extract._textview", ["auditor/extract/_textview.c"], optional=True)])
