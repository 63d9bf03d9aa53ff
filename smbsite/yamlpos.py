"""YAML parsing that keeps the source position of every key and value.

PyYAML's C parser builds the node tree (fast); we walk the nodes ourselves so
that each value's line and column is remembered under its path, e.g.
``("specialties", 2)``. Duplicate keys, recursive aliases and alias bombs are
reported instead of silently accepted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # the C loader is 5-10x faster; fall back cleanly where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[str | int, ...]
STR_TAG = "tag:yaml.org,2002:str"
# Characters HTML and XML 1.0 forbid in text (tab, line feed, carriage return and form feed are fine)
INVISIBLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
MAX_NODES = 50_000  # far above any real record; stops alias bombs


@dataclass
class Positions:
    """1-based (line, col) of values and keys by their path in the document."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    styles: dict[Path, str | None] = field(default_factory=dict)
    line_offset: int = 0  # added to every line (front matter starts after '---')

    def value(self, path: Path) -> tuple[int, int]:
        """Where the value at path starts; falls back to the nearest parent."""
        p = tuple(path)
        while p:
            if p in self.values:
                line, col = self.values[p]
                return line + self.line_offset, col
            p = p[:-1]
        line, col = self.values.get((), (1, 1))
        return line + self.line_offset, col

    def key(self, path: Path) -> tuple[int, int]:
        """Where the key of path is written (for unknown fields), else its value."""
        if tuple(path) in self.keys:
            line, col = self.keys[tuple(path)]
            return line + self.line_offset, col
        return self.value(path)

    def style(self, path: Path) -> str | None:
        return self.styles.get(tuple(path))


class YamlProblem(Exception):
    def __init__(self, message: str, line: int, col: int, hint: str = ""):
        super().__init__(message)
        self.message, self.line, self.col, self.hint = message, line, col, hint


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Walker:
    def __init__(self, loader: Any):
        self.loader = loader
        self.pos = Positions()
        self.count = 0
        self.stack: set[int] = set()

    def scalar(self, node: ScalarNode) -> Any:
        if node.style == '"' and INVISIBLE.search(node.value):
            # only a double-quoted escape (\a, \x1b, \ufffe) can make one: the reader refuses
            # them raw. HTML and XML forbid them, so they would break pages and feeds.
            code = f"U+{ord(INVISIBLE.search(node.value).group()):04X}"  # type: ignore[union-attr]
            raise YamlProblem(f"the text holds an invisible control character ({code})", *_mark(node),
                              hint="remove the escape; write line breaks as real new lines")
        if node.tag == STR_TAG:  # the common case needs no constructor (a third of load time)
            return node.value
        if node.tag == "tag:yaml.org,2002:merge":  # a value '<<' is just text
            return node.value
        try:
            return self.loader.construct_object(node)
        except Exception as exc:
            # PyYAML's constructors fail in many ways on values a tag forces on them
            # (2024-02-30, '!!float' with nothing after it); all of them are content errors
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            if node.tag not in self.loader.yaml_constructors:
                raise YamlProblem(f"unknown tag '{tag}'", *_mark(node),
                                  hint="remove it; records hold plain text, numbers, dates, lists and fields") from None
            if node.value == "":
                raise YamlProblem(f"'{tag}' needs a value after it", *_mark(node)) from None
            reason = str(exc) if isinstance(exc, (ValueError, OverflowError)) else f"not a valid {tag} value"
            if tag == "!!timestamp":
                raise YamlProblem(f"'{node.value}' is not a real date ({reason})", *_mark(node),
                                  hint="write dates as YYYY-MM-DD, e.g. 2027-03-30") from None
            raise YamlProblem(f"invalid value '{node.value}' ({reason})", *_mark(node)) from None

    def walk(self, node: Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlProblem("document too large (too many values or aliases)", *_mark(node))
        self.pos.values[path] = _mark(node)
        if isinstance(node, ScalarNode):
            self.pos.styles[path] = node.style
            try:
                return self.scalar(node)
            except YamlProblem as exc:
                if path:  # say which field, as schema errors do
                    exc.message = " › ".join(f"item {p + 1}" if isinstance(p, int) else str(p)
                                             for p in path) + ": " + exc.message
                raise
        if id(node) in self.stack:
            raise YamlProblem("recursive alias", *_mark(node))
        self.stack.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.walk(item, path + (i,)) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                out: dict[Any, Any] = {}
                for knode, vnode in node.value:
                    if not isinstance(knode, ScalarNode):
                        raise YamlProblem("a key must be a plain name, not a list or mapping", *_mark(knode))
                    if knode.tag == "tag:yaml.org,2002:merge":
                        raise YamlProblem("merge keys ('<<') are not supported", *_mark(knode),
                                          hint="write the fields out")
                    key = self.scalar(knode)
                    if not isinstance(key, (str, int, bool, float)) and key is not None:
                        key = str(key)
                    if isinstance(key, bool) or key is None:
                        # YAML 1.1 reads 'yes'/'no'/'on'/'off' keys as booleans
                        key = knode.value
                    if key in out:
                        first = self.pos.keys.get(path + (key,), (0, 0))[0]
                        raise YamlProblem(f"duplicate key '{key}'", *_mark(knode),
                                          hint=f"it is already set on line {first}")
                    self.pos.keys[path + (key,)] = _mark(knode)
                    out[key] = self.walk(vnode, path + (key,))
                return out
        finally:
            self.stack.discard(id(node))
        raise YamlProblem(f"unsupported YAML node {type(node).__name__}", *_mark(node))  # pragma: no cover


# PyYAML's problems in a member's words: (fragment of its problem, of its context,
# report where the context starts (an unclosed quote or bracket) rather than where
# the parser gave up, message, hint).
SYNTAX_HELP = [
    ("mapping values are not allowed", "", False, "a value holds ': ' but is not in quotes",
     'put the value in quotes, e.g. summary: "Cabling: fiber and copper"; if this is a field, indent it '
     "like the others"),
    ("tab character", "", False, "a tab is used for indenting", "indent with spaces, not tabs"),
    ("found a tab", "", False, "a tab is used for indenting", "indent with spaces, not tabs"),
    ("undefined alias", "", False, "a value starts with '*', which YAML reads as a reference",
     'put the value in quotes, e.g. name: "*Star IT"'),
    ("cannot start any token", "", False, "a value starts with a character YAML reserves ('@', '`', '%')",
     "put the value in quotes"),
    ("end of stream", "quoted scalar", True, "this quote is never closed", "add the closing quote"),
    ("expected ',' or ']'", "", True, "this list is never closed", "close it with ']' and put commas between items"),
    ("expected ',' or '}'", "", True, "these braces are never closed",
     "close them with '}' and put commas between fields"),
    ("could not find expected ':'", "", True, "this line is not a 'name: value' field",
     "write 'name: value', or indent it under the field it continues"),
    ("expected '-' indicator", "", False, "a field where a list item ('- …') was expected",
     "start every item of a list with '- ' at the same indentation"),
    ("did not find expected key", "", False, "unexpected text here",
     "check the indentation (the fields of a record start in the same column) and that nothing follows "
     "a closing quote or bracket"),
    ("unknown escape character", "", False, "an unknown '\\' escape inside double quotes",
     "use single quotes, or write \\\\ for a backslash"),
    ("block sequence entries are not allowed", "", False,
     "a list item ('- …') cannot start on the same line as its field name",
     "put each '- item' on a line of its own below, indented, or write the list as [cabling, voip]"),
]
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks, not all of str.splitlines
FIELD_LINE = re.compile(r"^\s*(- )?[A-Za-z_][\w-]*:(\s|$)")
KEY_WITHOUT_SPACE = re.compile(r"^(\s*[A-Za-z_][\w-]*):(?=[^\s/])")


def _runaway_quote(text: str, line: int) -> tuple[int, int] | None:
    """Where a quoted value starts that was never closed on its own line and so ran on,
    over the following fields, to the next quote mark (on the 1-based `line`, where the
    parser then gives up). The parser's own position would send the member to the wrong line."""
    lines = LINE_BREAK.split(text)
    try:
        for token in yaml.scan(text, Loader=_Loader):
            start, end = token.start_mark, token.end_mark
            if start.line + 1 > line:
                break
            if (isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and end.line + 1 == line
                    and start.line < end.line
                    and any(FIELD_LINE.match(row) for row in lines[start.line + 1:end.line + 1])):
                return start.line + 1, start.column + 1
    except yaml.YAMLError:
        pass
    return None


def _after_closing_quote(text: str, line: int, col: int) -> tuple[str, int, int, str] | None:
    """Text right after a quoted value on the 1-based `line`: most often an apostrophe
    inside single quotes ('Joe's IT'), which closes the value early."""
    rows = LINE_BREAK.split(text)
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.line + 1 > line:
                break
            end = token.end_mark
            if (isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and end.line + 1 == line
                    and end.column < col and line <= len(rows) and not rows[line - 1][end.column:col - 1].strip()):
                row = rows[line - 1]
                if token.style == "'" and end.column == col - 1 and row[end.column:end.column + 1].isalnum():
                    return ("an apostrophe inside single quotes ends the value", line, end.column,
                            "write the apostrophe twice (e.g. 'Joe''s IT') or put the value in double quotes")
                return ("there is text after the closing quote", line, col, "put the whole value inside the quotes")
    except yaml.YAMLError:
        pass
    return None


def _no_space_after_colon(text: str, index: int) -> tuple[str, int, int, str] | None:
    """'name:Acme' on the 0-based line `index`: YAML reads it as text, not as a field."""
    lines = LINE_BREAK.split(text)
    m = KEY_WITHOUT_SPACE.match(lines[index]) if 0 <= index < len(lines) else None
    if m is None:
        return None
    key, rest = m.group(1).strip(), lines[index][len(m.group(1)) + 1:].strip()
    return f"'{key}:' needs a space after the colon", index + 1, len(m.group(1)) + 2, f"write '{key}: {rest}'"


def _misplaced_field(text: str, line: int, col: int) -> tuple[str, int, int, str] | None:
    """For "mapping values are not allowed" at a field's colon: the field's line is indented
    more than the one above, or the line above lacks the space after its colon
    ('name:Acme'), which made it run on into this one."""
    lines = LINE_BREAK.split(text)
    if not 0 < line <= len(lines):
        return None
    here = lines[line - 1]
    if not re.fullmatch(r"\s*[A-Za-z_][\w-]*\s*", here[:col - 1]):
        return None  # a ': ' inside a value: the general message fits
    above = next((i for i in range(line - 2, -1, -1) if lines[i].strip() and not lines[i].lstrip().startswith("#")),
                 None)
    if above is None:
        return None
    missing_space = _no_space_after_colon(text, above)
    if missing_space is not None:
        return missing_space
    indent = len(here) - len(here.lstrip(" "))
    above_indent = len(lines[above]) - len(lines[above].lstrip(" "))
    if indent > above_indent and re.match(r"^\s*(- )?[A-Za-z_][\w-]*:\s*\S", lines[above]):
        key = here.strip().split(":")[0].strip()
        return (f"'{key}' is indented more than the field above it", line, indent + 1,
                f"start '{key}:' in the same column as the other fields")
    return None


def parse_yaml(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document; raise YamlProblem with a position on any failure."""
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            msg = (exc.problem or exc.context or "invalid YAML").strip()
            if "another document" in msg:
                raise YamlProblem("a record holds one YAML document, but a second one starts here",
                                  line, col, hint="remove the extra '---' line") from None
            if "cannot start any token" in msg and mark is not None and text[mark.index:mark.index + 1] == "\t":
                msg = "found a tab character"
            runaway = _runaway_quote(text, line)
            if runaway is not None:
                raise YamlProblem("YAML syntax error: this quote is never closed", *runaway,
                                  hint=f"add the closing quote; the next one is on line {line}, so every line "
                                       "until there was read as part of this value") from None
            misplaced = None
            if "mapping values are not allowed" in msg:
                misplaced = _misplaced_field(text, line, col)
            elif "could not find expected ':'" in msg and exc.context_mark is not None:
                misplaced = _no_space_after_colon(text, exc.context_mark.line)
            elif any(m in msg for m in ("did not find expected key", "expected <block end>", "expected ',' or")):
                misplaced = _after_closing_quote(text, line, col)
            if misplaced is not None:
                    friendly, line, col, hint = misplaced
                    raise YamlProblem(f"YAML syntax error: {friendly}", line, col, hint) from None
            for fragment, context, at_start, friendly, hint in SYNTAX_HELP:
                if fragment in msg and context in (exc.context or ""):
                    if at_start and exc.context_mark is not None:
                        line, col = exc.context_mark.line + 1, exc.context_mark.column + 1
                    raise YamlProblem(f"YAML syntax error: {friendly}", line, col, hint) from None
            raise YamlProblem(f"YAML syntax error: {msg}", line, col) from None
        except yaml.reader.ReaderError as exc:
            # libyaml's position is not a character index for non-ASCII text: the first
            # such character is the one it stopped at
            at = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
            before = text[:at] if at >= 0 else ""
            line, col = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
            code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a control character"
            raise YamlProblem(f"the file holds an invisible control character ({code}) that YAML does not allow",
                              line, col, "delete it (copying from a word processor or PDF often leaves one)") from None
        except yaml.YAMLError as exc:
            first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
            raise YamlProblem(f"YAML syntax error: {first}", 1, 1) from None
        if node is None:
            return None, Positions()
        walker = _Walker(loader)
        try:
            data = walker.walk(node, ())
        except YamlProblem:
            raise
        except yaml.constructor.ConstructorError as exc:
            mark = exc.problem_mark
            raise YamlProblem(f"invalid value: {exc.problem}", mark.line + 1 if mark else 1,
                              mark.column + 1 if mark else 1) from None
        return data, walker.pos
    finally:
        loader.dispose()
