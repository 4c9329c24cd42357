"""The site registry (``sites.yaml``): which bureaus to audit and how to reach them.

External scripts write this file, so its key names are a contract. Every problem is reported
with file, line and key, all at once, before anything runs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from auditor.normalize import usci_valid
from auditor.profiles import load_profiles
from auditor.yamlcheck import YamlChecker, YamlFileError, compose
from auditor.yamlcheck import text as _str

LEVELS = ("province", "city", "county")
KINDS = ("natural_resources", "finance", "government", "development_reform", "education",
         "civil_affairs", "human_resources", "housing", "transport", "water", "agriculture",
         "health", "ecology", "emergency", "market_regulation", "statistics", "other")
_BUREAU_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")


class RegistryError(YamlFileError):
    """A registry that cannot be used."""


@dataclass(frozen=True)
class Waiver:
    rule: str
    reason: str
    until: dt.date | None


@dataclass(frozen=True)
class Bureau:
    id: str
    name: str
    region: str
    level: str
    kind: str
    start_urls: tuple[str, ...]
    credit_code: str | None = None
    profile: str = "auto"
    waivers: tuple[Waiver, ...] = ()
    parent: str | None = None
    index_pattern: str | None = None
    domains: tuple[str, ...] = ()
    approvals: dict[str, dt.date] = field(default_factory=dict)  # 批复 dates by item (budget_2026 …)

    @property
    def hosts(self) -> frozenset[str]:
        """host[:port] values the crawl may visit: the start URLs' and any extra ``domains``."""
        return frozenset({urlsplit(u).netloc.lower() for u in self.start_urls} | set(self.domains))

    @property
    def host_names(self) -> frozenset[str]:
        """The hosts without ports: what politeness counts per (Scrapy's download slot) and what
        a distributed crawl shards by."""
        return frozenset(urlsplit(f"//{netloc}").hostname or netloc for netloc in self.hosts)

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "region": self.region, "level": self.level,
            "kind": self.kind, "credit_code": self.credit_code, "start_urls": list(self.start_urls),
            "profile": self.profile, "parent": self.parent, "index_pattern": self.index_pattern,
            "domains": list(self.domains),
            "approvals": {k: v.isoformat() for k, v in self.approvals.items()},
            "waivers": [{"rule": w.rule, "reason": w.reason,
                         "until": w.until.isoformat() if w.until else None} for w in self.waivers],
        }


@dataclass(frozen=True)
class Registry:
    path: Path
    province: str
    audit_date: dt.date
    bureaus: tuple[Bureau, ...] = field(default_factory=tuple)
    profiles_dir: str | None = None  # a folder of extra CMS profiles (YAML), beside the built-in ones
    notice: dict[str, Any] = field(default_factory=dict)  # 整改通知书: issuer, reply_working_days, contact

    def to_record(self) -> dict[str, Any]:
        return {"province": self.province, "audit_date": self.audit_date.isoformat(),
                "profiles": self.profiles_dir, "notice": self.notice,
                "bureaus": [b.to_record() for b in self.bureaus]}


# Allowed keys: name → (required, checker). A checker returns an error message or None.
def _one_of(options: tuple[str, ...]):
    def check(value: Any) -> str | None:
        return None if value in options else f"must be one of {', '.join(options)} (got {value!r})"
    return check


def _region(value: Any) -> str | None:
    text = str(value)
    return None if re.fullmatch(r"\d{6}", text) else f"must be a 6-digit GB/T 2260 code (got {value!r})"


def _url_list(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return "must be a non-empty list of http(s) URLs"
    for url in value:
        text = str(url)
        parts = urlsplit(text)
        try:
            parts.port  # noqa: B018 - raises on a bad port
        except ValueError:
            return f"not an http(s) URL (bad port): {url!r}"
        if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in text):
            return f"not an http(s) URL: {url!r}"
    return None


def _credit_code(value: Any) -> str | None:
    text = str(value)
    return None if usci_valid(text) else f"not a valid 统一社会信用代码 (GB 32100 check character): {text!r}"


def _date(value: Any) -> str | None:
    return None if isinstance(value, dt.date) else f"must be a date YYYY-MM-DD (got {value!r})"


def _regex(value: Any) -> str | None:
    try:
        re.compile(str(value))
    except re.error as exc:
        return f"is not a valid regular expression: {exc}"
    return None


def _approvals(value: Any) -> str | None:
    ok = isinstance(value, dict) and all(isinstance(k, str) and re.fullmatch(r"[a-z]+_\d{4}", k)
                                          and isinstance(v, dt.date) for k, v in value.items())
    return None if ok else "must map item_YEAR (e.g. budget_2026, accounts_2025) to a 批复 date YYYY-MM-DD"


def _str_list(value: Any) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    return None if ok else "must be a list of strings"


def _notice(value: Any) -> str | None:
    """The 整改通知书 settings: issuer, reply_working_days, contact."""
    if not isinstance(value, dict) or set(value) - {"issuer", "reply_working_days", "contact"}:
        return "must be a mapping with issuer, reply_working_days, contact"
    days = value.get("reply_working_days", 15)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 120:
        return "reply_working_days must be a whole number of working days (1–120)"
    if any(k in value and not isinstance(value[k], str) for k in ("issuer", "contact")):
        return "issuer and contact must be text"
    return None


TOP_KEYS = {"province": (True, _str), "audit_date": (False, _date), "profiles": (False, _str),
            "notice": (False, _notice), "bureaus": (True, None)}
BUREAU_KEYS = {
    "id": (True, lambda v: None if isinstance(v, str) and _BUREAU_ID.match(v)
           else "must be letters, digits, '-' or '_' (at most 64)"),
    "name": (True, _str),
    "region": (True, _region),
    "level": (True, _one_of(LEVELS)),
    "kind": (True, _one_of(KINDS)),
    "credit_code": (False, _credit_code),
    "start_urls": (True, _url_list),
    "profile": (False, _str),
    "waivers": (False, None),
    "parent": (False, _str),
    "index_pattern": (False, _regex),
    "domains": (False, _str_list),
    "approvals": (False, _approvals),
}
WAIVER_KEYS = {"rule": (True, _str), "reason": (True, _str), "until": (False, _date)}


def load_registry(path: str | Path, *, today: dt.date | None = None) -> Registry:
    """Read and validate ``sites.yaml``; raise ``RegistryError`` listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError([f"{path}: cannot read: {exc}"]) from exc
    root = compose(text, path, RegistryError)
    checker = YamlChecker(path)
    if root is None:
        raise RegistryError([f"{path}:1: (top): the file is empty"])
    top = checker.mapping(root, "", TOP_KEYS)
    bureaus: list[Bureau] = []
    seen: dict[str, int] = {}
    profile_nodes: list[tuple[str, yaml.Node]] = []
    bureaus_node = top.get("bureaus", (None, None))[0]
    if bureaus_node is not None and not isinstance(bureaus_node, yaml.SequenceNode):
        checker.problem(bureaus_node, "bureaus", "must be a list of bureaus")
    elif bureaus_node is not None:
        if not bureaus_node.value:
            checker.problem(bureaus_node, "bureaus", "must list at least one bureau")
        for i, bureau_node in enumerate(bureaus_node.value):
            where = f"bureaus[{i}]"
            values = checker.mapping(bureau_node, where, BUREAU_KEYS)
            plain = {k: v[1] for k, v in values.items()}
            if "profile" in values:
                profile_nodes.append((where, values["profile"][0]))
            bureau_id = plain.get("id")
            if isinstance(bureau_id, str):
                if bureau_id in seen:
                    checker.problem(values["id"][0], f"{where}.id",
                                    f"duplicate bureau id {bureau_id!r} (first on line {seen[bureau_id]})")
                else:
                    seen[bureau_id] = values["id"][0].start_mark.line + 1
            waivers: list[Waiver] = []
            if "waivers" in values:
                node = values["waivers"][0]
                if not isinstance(node, yaml.SequenceNode):
                    checker.problem(node, f"{where}.waivers", "must be a list of {rule, reason, until}")
                else:
                    for j, waiver_node in enumerate(node.value):
                        w = {k: v[1] for k, v in checker.mapping(
                            waiver_node, f"{where}.waivers[{j}]", WAIVER_KEYS).items()}
                        if "rule" in w and "reason" in w:
                            waivers.append(Waiver(str(w["rule"]), str(w["reason"]), w.get("until")))
            if len(checker.problems) == 0:
                bureaus.append(Bureau(
                    id=plain["id"], name=plain["name"], region=str(plain["region"]),
                    level=plain["level"], kind=plain["kind"],
                    start_urls=tuple(str(u) for u in plain["start_urls"]),
                    credit_code=plain.get("credit_code"), profile=plain.get("profile", "auto"),
                    waivers=tuple(waivers), parent=plain.get("parent"),
                    index_pattern=plain.get("index_pattern"),
                    domains=tuple(d.lower() for d in plain.get("domains", [])),
                    approvals=dict(plain.get("approvals") or {}),
                ))
    profiles_dir = _profiles_dir(checker, top.get("profiles"))
    if profiles_dir is not False:
        try:
            known = set(load_profiles(profiles_dir)) | {"auto"}
        except YamlFileError as exc:
            checker.problems.extend(exc.problems)
        else:
            for where, node in profile_nodes:
                name = node.value
                if isinstance(name, str) and name not in known:
                    checker.problem(node, f"{where}.profile",
                                    f"unknown profile {name!r} (known: {', '.join(sorted(known))})")
    for bureau in bureaus:
        if bureau.parent and bureau.parent not in seen:
            checker.problems.append(f"{path}: bureaus.{bureau.id}.parent: no bureau with id {bureau.parent!r}")
    if checker.problems:
        raise RegistryError(checker.problems)
    audit_date = top.get("audit_date", (None, None))[1] or today or dt.date.today()
    return Registry(path=path, province=top["province"][1], audit_date=audit_date,
                    bureaus=tuple(bureaus), profiles_dir=profiles_dir or None,
                    notice=dict(top.get("notice", (None, None))[1] or {}))


def _profiles_dir(checker: YamlChecker, entry: tuple[yaml.Node, Any] | None) -> str | None | bool:
    """The ``profiles:`` folder, relative to the registry file; ``False`` when it is unusable."""
    if entry is None:
        return None
    node, value = entry
    if not isinstance(value, str):
        return False  # already reported by the key check
    folder = (checker.path.parent / value).resolve()
    if not folder.is_dir():
        checker.problem(node, "profiles", f"no such folder: {folder}")
        return False
    return str(folder)
