"""Loading rule catalogues from ``rules/*.yaml``; a malformed one is refused with file, line, key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from auditor.registry import KINDS as BUREAU_KINDS
from auditor.registry import LEVELS
from auditor.resources import catalogue_dir
from auditor.workdays import read_overrides
from auditor.yamlcheck import YamlChecker, YamlFileError, compose
from auditor.yamlcheck import text as _text

SEVERITIES = ("error", "warning", "info")
RULE_ID = re.compile(r"^[A-Z]+(?:-[A-Z]+)*-\d+$")


class CatalogueError(YamlFileError):
    """A catalogue that cannot be used."""


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    area: str
    severity: str
    kind: str
    basis: str
    expected: str
    advice: str
    levels: tuple[str, ...] = ()  # empty: every level
    bureau_kinds: tuple[str, ...] = ()  # empty: every kind
    params: dict[str, Any] = field(default_factory=dict)
    match: dict[str, str] = field(default_factory=dict)
    veto: bool = False
    provisional: tuple[str, ...] = ()  # parameters not verified from a primary text
    source: str = ""  # file:line

    def applies(self, level: str, kind: str) -> bool:
        return (not self.levels or level in self.levels) and (not self.bureau_kinds or kind in self.bureau_kinds)


@dataclass(frozen=True)
class Catalogue:
    id: str
    title: str
    version: str
    rules: tuple[Rule, ...]

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def _mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be a mapping"


def _regexes(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "must be a mapping of name: regular expression"
    for key, pattern in value.items():
        try:
            re.compile(str(pattern))
        except re.error as exc:
            return f"{key}: not a valid regular expression: {exc}"
    return None


def _any_or(options: tuple[str, ...]):
    def check(value: Any) -> str | None:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or any(v != "any" and v not in options for v in values):
            return f"must be 'any' or a list of {', '.join(options)}"
        return None
    return check


HEADER_KEYS = {"id": (True, _text), "title": (True, _text), "version": (True, _text)}
TOP_KEYS = {"catalogue": (False, None), "rules": (True, None)}


def _rule_keys(kinds: set[str]) -> dict[str, tuple[bool, Any]]:
    return {
        "id": (True, lambda v: None if isinstance(v, str) and RULE_ID.match(v) else "must look like AREA-N (e.g. META-IDX-2)"),
        "title": (True, _text), "area": (True, _text),
        "severity": (True, lambda v: None if v in SEVERITIES else f"must be one of {', '.join(SEVERITIES)}"),
        "kind": (True, lambda v: None if v in kinds else f"unknown rule kind {v!r} (known: {', '.join(sorted(kinds))})"),
        "applies_to": (False, _mapping), "params": (False, _mapping), "match": (False, _regexes),
        "basis": (True, _text), "expected": (True, _text), "advice": (True, _text),
        "veto": (False, lambda v: None if isinstance(v, bool) else "must be true or false"),
        "provisional": (False, lambda v: None if isinstance(v, list) else "must be a list of parameter names"),
    }


def _as_tuple(value: Any) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else list(value or [])
    return () if "any" in values else tuple(values)


def load_catalogue(paths: list[Path] | None = None) -> Catalogue:
    """Read every catalogue file (default: ``rules/*.yaml``); raise ``CatalogueError``."""
    from auditor.rules_engine.kinds import KINDS

    explicit = bool(paths)
    paths = paths or sorted(catalogue_dir().glob("*.yaml"))
    problems: list[str] = []
    rules: list[Rule] = []
    header: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for path in paths:
        checker = YamlChecker(path)
        root = compose(path.read_text(encoding="utf-8"), path, CatalogueError)
        if root is None:
            problems.append(f"{path}:1: (top): the file is empty")
            continue
        top = checker.mapping(root, "", TOP_KEYS)
        if "catalogue" in top:
            values = checker.mapping(top["catalogue"][0], "catalogue", HEADER_KEYS)
            if header and values:
                checker.problem(top["catalogue"][0], "catalogue", "a second catalogue header; only one file may have one")
            header = header or {k: v[1] for k, v in values.items()}
        rules_node = top.get("rules", (None, None))[0]
        if rules_node is not None and not isinstance(rules_node, yaml.SequenceNode):
            checker.problem(rules_node, "rules", "must be a list of rules")
        elif rules_node is not None:
            for i, node in enumerate(rules_node.value):
                values = checker.mapping(node, f"rules[{i}]", _rule_keys(set(KINDS)))
                plain = {k: v[1] for k, v in values.items()}
                where = f"{path}:{node.start_mark.line + 1}"
                rule_id = plain.get("id")
                if isinstance(rule_id, str) and rule_id in seen:
                    checker.problem(values["id"][0], f"rules[{i}].id", f"duplicate rule id {rule_id!r} (first at {seen[rule_id]})")
                elif isinstance(rule_id, str):
                    seen[rule_id] = where
                applies = plain.get("applies_to") or {}
                for key, check in (("level", _any_or(LEVELS)), ("kind", _any_or(BUREAU_KINDS))):
                    message = check(applies.get(key, "any"))
                    if message:
                        checker.problem(values["applies_to"][0], f"rules[{i}].applies_to.{key}", message)
                unknown = set(applies) - {"level", "kind"}
                if unknown:
                    checker.problem(values["applies_to"][0], f"rules[{i}].applies_to", f"unknown keys {sorted(unknown)}")
                if not checker.problems and not problems:
                    kind = KINDS[plain["kind"]]
                    missing = [p for p in kind.required_params if p not in (plain.get("params") or {})]
                    missing += [m for m in kind.required_match if m not in (plain.get("match") or {})]
                    if missing:
                        checker.problem(node, f"rules[{i}]", f"kind {plain['kind']} needs params/match {missing}")
                        continue
                    shape = kind.check(dict(plain.get("params") or {})) if kind.check else []
                    for message in shape:
                        checker.problem(values.get("params", (node,))[0], f"rules[{i}].{message.split(':')[0]}",
                                        message.split(": ", 1)[1])
                    if shape:
                        continue
                    rules.append(Rule(
                        id=plain["id"], title=plain["title"], area=plain["area"], severity=plain["severity"],
                        kind=plain["kind"], basis=plain["basis"], expected=plain["expected"],
                        advice=plain["advice"], levels=_as_tuple(applies.get("level", "any")),
                        bureau_kinds=_as_tuple(applies.get("kind", "any")),
                        params=dict(plain.get("params") or {}), match=dict(plain.get("match") or {}),
                        veto=bool(plain.get("veto", False)),
                        provisional=tuple(plain.get("provisional") or ()), source=where))
        problems.extend(checker.problems)
    if not explicit:  # the shipped rules/ folder: its working-day calendar overrides too
        try:
            read_overrides(str(catalogue_dir() / "calendar"))
        except YamlFileError as exc:
            problems.extend(exc.problems)
    if not header and not problems:
        problems.append(f"{paths[0] if paths else catalogue_dir()}: no file has a 'catalogue:' header (id, title, version)")
    if problems:
        raise CatalogueError(problems)
    return Catalogue(id=header["id"], title=header["title"], version=str(header["version"]), rules=tuple(rules))
