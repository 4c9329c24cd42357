"""CMS profiles: what a site family looks like, as data (``auditor/profiles/*.yaml``).

A profile names the markers that recognise the family (with weights that add up to a
confidence), where a detail page's own content sits (so its links can be told from the
navigation), which metadata fields the platform requires (META-REQ-1), and how to read lists
that are not plain HTML (``list_sources``, see ``extract.dynamic``). Adding a platform is adding
a YAML file; HTML lists and pagination are read generically (``extract.listing``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from auditor.extract.dynamic import ListSource
from auditor.resources import profile_dir


@dataclass(frozen=True)
class Marker:
    where: str  # "url" or "html"
    pattern: re.Pattern[str]
    weight: float


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    markers: tuple[Marker, ...] = ()
    content: str | None = None
    required_fields: tuple[str, ...] = field(default_factory=tuple)
    list_sources: tuple[ListSource, ...] = ()

    def score(self, url: str, page_text: str) -> float:
        total = sum(m.weight for m in self.markers
                    if m.pattern.search(url if m.where == "url" else page_text))
        return min(total, 1.0)


GENERIC = Profile(name="generic", title="通用（未识别的平台）")


def _load(path: Path) -> Profile:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    markers = tuple(Marker(m["where"], re.compile(m["pattern"]), float(m["weight"]))
                    for m in data.get("markers", []))
    sources = tuple(ListSource.from_profile(source, f"{path}: list_sources[{i}]")
                    for i, source in enumerate(data.get("list_sources", [])))
    return Profile(name=data["name"], title=data["title"], markers=markers,
                   content=data.get("content"),
                   required_fields=tuple(data.get("required_fields", [])), list_sources=sources)


@cache
def load_profiles(extra_dir: str | None = None) -> dict[str, Profile]:
    """Built-in profiles, plus any in ``extra_dir`` (same name overrides)."""
    dirs = [profile_dir()] + ([Path(extra_dir)] if extra_dir else [])
    profiles = {GENERIC.name: GENERIC}
    for folder in dirs:
        for path in sorted(folder.glob("*.yaml")):
            profile = _load(path)
            profiles[profile.name] = profile
    return profiles


def list_sources_on(page_text: str, extra_dir: str | None = None) -> list[ListSource]:
    """Every profile's non-HTML list source that is present on this page. Checked on every
    column page, whatever profile the bureau was detected as: the source's own marker decides."""
    return [source for profile in load_profiles(extra_dir).values()
            for source in profile.list_sources if source.present(page_text)]


def detect(url: str, page_text: str, minimum: float = 0.5) -> tuple[Profile, float]:
    """The best-matching profile and its confidence; ``generic`` below ``minimum``."""
    best, confidence = GENERIC, 0.0
    for profile in load_profiles().values():
        score = profile.score(url, page_text)
        if score > confidence:
            best, confidence = profile, score
    return (best, confidence) if confidence >= minimum else (GENERIC, confidence)
