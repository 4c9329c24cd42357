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

from auditor.extract.dynamic import ListSource, ListSourceError
from auditor.resources import profile_dir
from auditor.yamlcheck import YamlChecker, YamlFileError, compose
from auditor.yamlcheck import text as _text


class ProfileError(YamlFileError):
    """A profile file that cannot be used."""


def _regex(value: object) -> str | None:
    if not isinstance(value, str):
        return "must be a regular expression (a string)"
    try:
        re.compile(value)
    except re.error as exc:
        return f"is not a valid regular expression: {exc}"
    return None


def _weight(value: object) -> str | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 1
    return None if ok else "must be a number in (0, 1]"


PROFILE_KEYS = {"name": (True, _text), "title": (True, _text), "markers": (False, None),
                "content": (False, _text), "required_fields": (False, None), "list_sources": (False, None)}
MARKER_KEYS = {"where": (True, lambda v: None if v in ("url", "html") else "must be 'url' or 'html'"),
               "pattern": (True, _regex), "weight": (True, _weight)}


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
    """Read one profile file; every problem is reported with file, line and key."""
    try:
        root = compose(path.read_text(encoding="utf-8"), path, ProfileError)
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError([f"{path}: cannot read: {exc}"]) from exc
    checker = YamlChecker(path)
    if root is None:
        raise ProfileError([f"{path}:1: (top): the file is empty"])
    top = checker.mapping(root, "", PROFILE_KEYS)
    markers: list[Marker] = []
    for key in ("markers", "list_sources", "required_fields"):
        node = top.get(key, (None, None))[0]
        if node is not None and not isinstance(node, yaml.SequenceNode):
            checker.problem(node, key, "must be a list")
    marker_node = top.get("markers", (None, None))[0]
    if isinstance(marker_node, yaml.SequenceNode):
        for i, item in enumerate(marker_node.value):
            m = {k: v[1] for k, v in checker.mapping(item, f"markers[{i}]", MARKER_KEYS).items()}
            if len(m) == len(MARKER_KEYS) and not checker.problems:
                markers.append(Marker(m["where"], re.compile(m["pattern"]), float(m["weight"])))
    sources: list[ListSource] = []
    source_node = top.get("list_sources", (None, None))[0]
    if isinstance(source_node, yaml.SequenceNode):
        for i, item in enumerate(source_node.value):
            try:
                sources.append(ListSource.from_profile(yaml.safe_load(yaml.serialize(item)), f"list_sources[{i}]"))
            except (ListSourceError, TypeError, AttributeError) as exc:
                checker.problem(item, f"list_sources[{i}]", str(exc).removeprefix(f"list_sources[{i}]: "))
    if checker.problems:
        raise ProfileError(checker.problems)
    data = {k: v[1] for k, v in top.items()}
    return Profile(name=data["name"], title=data["title"], markers=tuple(markers),
                   content=data.get("content"), required_fields=tuple(data.get("required_fields") or ()),
                   list_sources=tuple(sources))


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


def detect(url: str, page_text: str, minimum: float = 0.5,
           extra_dir: str | None = None) -> tuple[Profile, float]:
    """The best-matching profile and its confidence; ``generic`` below ``minimum``."""
    best, confidence = GENERIC, 0.0
    for profile in load_profiles(extra_dir).values():
        score = profile.score(url, page_text)
        if score > confidence:
            best, confidence = profile, score
    return (best, confidence) if confidence >= minimum else (GENERIC, confidence)
