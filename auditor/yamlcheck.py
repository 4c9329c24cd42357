"""Line-aware checking of YAML files (registry, catalogues): every problem names file, line, key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class YamlFileError(ValueError):
    """A YAML file that cannot be used; ``problems`` lists every ``file:line: key: message``."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def text(value: Any) -> str | None:
    """Validator: a non-empty string."""
    return None if isinstance(value, str) and value.strip() else "must be a non-empty string"


def compose(text: str, path: Path, error: type[YamlFileError]) -> yaml.Node | None:
    """Parse YAML into nodes (which keep line numbers); a syntax error raises ``error``."""
    try:
        return yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"{mark.line + 1}" if mark else "?"
        raise error([f"{path}:{line}: (syntax): {getattr(exc, 'problem', None) or exc}"]) from exc


class YamlChecker:
    """Collects ``file:line: key: message`` problems while walking YAML nodes."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[str] = []

    def problem(self, node: yaml.Node, key: str, message: str) -> None:
        self.problems.append(f"{self.path}:{node.start_mark.line + 1}: {key}: {message}")

    def mapping(self, node: yaml.Node, where: str, spec: dict[str, tuple[bool, Any]]) -> dict[str, Any]:
        """Check one mapping node against ``spec``; return its plain values by key."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, where or "(top)", "must be a mapping")
            return {}
        values: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            label = f"{where}.{key}" if where else key
            if key not in spec:
                self.problem(key_node, label, f"unknown key (allowed: {', '.join(spec)})")
                continue
            if key in values:
                self.problem(key_node, label, "duplicate key")
                continue
            values[key] = (value_node, yaml.safe_load(yaml.serialize(value_node)))
            check = spec[key][1]
            message = check(values[key][1]) if check else None
            if message:
                self.problem(value_node, label, message)
        for key, (required, _) in spec.items():
            if required and key not in values:
                self.problem(node, f"{where}.{key}" if where else key, "required key is missing")
        return values
