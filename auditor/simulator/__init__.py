"""The built-in demo province: realistic bureau sites of three CMS families with planted defects."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from auditor.simulator.province import build_province
from auditor.simulator.render import write_province


def simulate(out: Path, seed: int = 1, *, bureaus: int = 10, docs: int | None = None,
             hosts: int | None = None) -> dict[str, Any]:
    """Write the province for ``seed`` into ``out`` (replacing its sites); return the manifest.
    The defaults give the demo; see ``build_province`` for the scale parameters."""
    if (out / "sites").exists():
        shutil.rmtree(out / "sites")
    return write_province(build_province(seed, bureaus=bureaus, docs=docs, hosts=hosts), out)
