"""Loading a scheme (评价方案) from YAML: parse, validate against the schema, check, compile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .compiler import SchemeCompiler
from .errors import Problem, SchemeError
from .model import Scheme
from .validation import schema_problems


class _SchemeLoader(yaml.SafeLoader):
    """Safe YAML that keeps dates as text (the schema checks them) and rejects duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_SchemeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_scheme(path_or_text: str | Path) -> Scheme:
    """Load one scheme. A ``Path``, or a one-line string, is a file; other strings are YAML text."""
    if isinstance(path_or_text, Path) or "\n" not in path_or_text:
        path = Path(path_or_text)
        source = path.name
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SchemeError(
                str(path),
                [
                    Problem(
                        "",
                        f"无法读取方案文件（{exc.strerror}）",
                        f"cannot read scheme file ({exc.strerror})",
                    )
                ],
            ) from exc
    else:
        source, text = "<text>", path_or_text
    return build_scheme(parse_yaml(text, source), source)


def parse_yaml(text: str, source: str) -> object:
    try:
        return yaml.load(text, Loader=_SchemeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SchemeError(
            source, [Problem(where, f"YAML 语法错误：{problem}", f"YAML syntax error: {problem}")]
        ) from exc


def build_scheme(document: object, source: str) -> Scheme:
    problems = schema_problems(document)
    if problems:
        raise SchemeError(source, problems)
    assert isinstance(document, dict)
    compiler = SchemeCompiler(document)
    scheme = compiler.build()
    if compiler.problems:
        raise SchemeError(source, compiler.problems)
    return scheme


__all__ = ["build_scheme", "load_scheme", "parse_yaml"]
