"""YAML parsing that keeps the source position of every key and value.

PyYAML's C parser builds the node tree (fast); we walk the nodes ourselves so
that each value's line and column is remembered under its path, e.g.
``("specialties", 2)``. Duplicate keys, recursive aliases and alias bombs are
reported instead of silently accepted.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right
from typing import Any, Iterator

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..core.positions import LINES, Path, Positions
from ..core.problems import shorten
from ..model.fields import LegacyFloat, LegacyNumber

try:  # the C loader is 5-10x faster; fall back cleanly where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

CORE = "tag:yaml.org,2002:"
STR_TAG = CORE + "str"
# Characters HTML and XML 1.0 forbid in text, and form feed, which XML forbids and HTML
# takes for a space (tab, line feed and carriage return are fine)
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
# Numbers only YAML 1.1 reads as numbers; nobody writing a record means them as such
LEGACY_NUMBER = re.compile(r"^[-+]?(?:(?P<hex>0x[0-9a-fA-F_]+)|(?P<binary>0b[01_]+)|(?P<octal>0[0-7_]+)"
                           r"|(?P<sexagesimal>[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?))$")
MAX_NODES = 50_000  # far above any real record; stops alias bombs
# Characters of keys and values, counted as aliases write them out again: what a 1 MB
# record file can hold written out, so aliases never make a record larger than a file
# may be (one 51 KB value repeated 2,000 times made a 100 MB page).
MAX_CHARS = 1_000_000


class _Lines:
    """Line and column as an editor counts them, where only CR and LF end a line.

    libyaml also ends lines at NEL, LS and PS (U+0085, U+2028, U+2029), so after one
    of those, even inside a quoted value, its line numbers run ahead of the file's."""

    def __init__(self, text: str):
        self.odd = any(ch in text for ch in "\x85\u2028\u2029")
        if self.odd:
            self.starts = [0] + [m.end() for m in LINES.finditer(text)]
            self.yaml_starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]
            self.size = len(text)

    def of_mark(self, mark: Any) -> tuple[int, int]:
        if not self.odd:
            return mark.line + 1, mark.column + 1
        return self.of_index(mark.index)

    def of_index(self, index: int) -> tuple[int, int]:
        line = bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1

    def of_yaml(self, line: int, col: int) -> tuple[int, int]:
        """libyaml's 1-based (line, col) -> the file's."""
        if not self.odd or not 0 < line <= len(self.yaml_starts):
            return line, col
        return self.of_index(min(self.yaml_starts[line - 1] + col - 1, self.size))


class YamlProblem(Exception):
    def __init__(self, message: str, line: int, col: int, hint: str = ""):
        super().__init__(message)
        self.message, self.line, self.col, self.hint = message, line, col, hint


class _Walker:
    def __init__(self, loader: Any, text: str):
        self.loader = loader
        self.lines = _Lines(text)
        self.pos = Positions()
        self.count = 0
        self.chars = 0
        self.walked: set[int] = set()  # nodes met before: met again, they are aliases
        self.stack: set[int] = set()

    def mark(self, node: Node) -> tuple[int, int]:
        return self.lines.of_mark(node.start_mark)

    def check_tag(self, node: Node) -> None:
        """Only what YAML resolves by itself (text, numbers, true/false, dates, lists and
        fields) may be written; a tag such as !!binary or !!python/tuple is refused. An
        explicit !!str is fine, and so is a tag that changes nothing (!!int 5)."""
        if isinstance(node, ScalarNode):
            if node.tag == STR_TAG:
                return
            implicit = self.loader.resolve(ScalarNode, node.value, (True, False)) if not node.style else STR_TAG
            if node.tag == implicit:
                return
        elif isinstance(node, SequenceNode) and node.tag == CORE + "seq":
            return
        elif isinstance(node, MappingNode) and node.tag == CORE + "map":
            return
        tag = shorten(node.tag.replace(CORE, "!!"))
        raise YamlProblem(f"tags are not allowed ('{tag}')", *self.mark(node),
                          hint=f"remove '{tag}'; a record holds plain text, numbers, dates, lists and fields")

    def scalar(self, node: ScalarNode, path: Path | None) -> Any:
        if node.style == '"' and INVISIBLE.search(node.value):
            # only a double-quoted escape (\a, \x1b, \f, \ufffe) can make one: the reader refuses
            # them raw. HTML and XML forbid them, so they would break pages and feeds.
            code = f"U+{ord(INVISIBLE.search(node.value).group()):04X}"  # type: ignore[union-attr]
            raise YamlProblem(f"the text holds an invisible control character ({code})", *self.mark(node),
                              hint="remove the escape; write line breaks as real new lines")
        if node.tag == STR_TAG:  # the common case needs no constructor (a third of load time)
            return node.value
        self.check_tag(node)
        if node.tag in (CORE + "merge", CORE + "value"):  # a value '<<' or '=' is just text
            return node.value
        if not node.style and path is not None:
            self.pos.texts[path] = node.value
        try:
            value = self.loader.construct_object(node)
        except Exception as exc:
            # PyYAML's constructors fail in many ways on values a tag forces on them
            # (2024-02-30, 25:00:00); all of them are content errors
            tag = shorten(node.tag.replace(CORE, "!!"))
            reason = str(exc) if isinstance(exc, (ValueError, OverflowError)) else f"not a valid {tag} value"
            if tag == "!!timestamp":
                if re.search(r"\d:\d", node.value):
                    raise YamlProblem(f"'{shorten(node.value)}' is not a real date and time ({shorten(reason)})", *self.mark(node),
                                      hint="a time of day runs from 00:00 to 23:59" if "day" not in reason
                                      else "check the month and the day") from None
                raise YamlProblem(f"'{shorten(node.value)}' is not a real date ({shorten(reason)})", *self.mark(node),
                                  hint="write dates as YYYY-MM-DD, e.g. 2027-03-30") from None
            raise YamlProblem(f"invalid value '{shorten(node.value)}' ({shorten(reason)})", *self.mark(node)) from None
        if not node.style and isinstance(value, (int, float)) and not isinstance(value, bool):
            legacy = LEGACY_NUMBER.match(node.value)
            if legacy:
                form = legacy.lastgroup or "octal"
                return (LegacyNumber if isinstance(value, int) else LegacyFloat)(value, node.value, form)
        return value

    def grow(self, size: int, node: Node, repeated: bool) -> None:
        self.chars += size
        if self.chars <= MAX_CHARS:
            return
        if repeated:  # an alias's node is its anchor's, so this is where the anchored value is written
            raise YamlProblem(f"this value, repeated with YAML aliases ('*'), makes the record hold more than "
                              f"{MAX_CHARS:,} characters", *self.mark(node),
                              hint="write each value out where it belongs instead of repeating it with '*'")
        raise YamlProblem(f"the record holds more than {MAX_CHARS:,} characters of names and values",
                          *self.mark(node), hint="shorten the longest values")

    def walk(self, node: Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlProblem("document too large (too many values or aliases)", *self.mark(node))
        self.pos.values[path] = self.mark(node)
        repeated = id(node) in self.walked
        self.walked.add(id(node))
        if isinstance(node, ScalarNode):
            self.grow(len(node.value), node, repeated)
            self.pos.styles[path] = node.style
            try:
                return self.scalar(node, path)
            except YamlProblem as exc:
                if path:  # say which field, as schema errors do
                    exc.message = " › ".join(f"item {p + 1}" if isinstance(p, int) else str(p)
                                             for p in path) + ": " + exc.message
                raise
        if id(node) in self.stack:
            raise YamlProblem("recursive alias", *self.mark(node))
        self.check_tag(node)
        self.stack.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.walk(item, path + (i,)) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                out: dict[Any, Any] = {}
                for knode, vnode in node.value:
                    if not isinstance(knode, ScalarNode):
                        raise YamlProblem("a key must be a plain name, not a list or mapping", *self.mark(knode))
                    if knode.tag == CORE + "merge":
                        raise YamlProblem("merge keys ('<<') are not supported", *self.mark(knode),
                                          hint="write the fields out")
                    self.grow(len(knode.value), knode, repeated)
                    key = self.scalar(knode, None)
                    if not isinstance(key, str):
                        # a key is a name as written: YAML 1.1 reads 'on:' as a boolean and
                        # '123:' as a number, and a number would pass for a list position
                        key = knode.value
                    if key in out:
                        first = self.pos.keys.get(path + (key,), (0, 0))[0]
                        raise YamlProblem(f"duplicate key '{shorten(key)}'", *self.mark(knode),
                                          hint=f"it is already set on line {first}")
                    self.pos.keys[path + (key,)] = self.mark(knode)
                    out[key] = self.walk(vnode, path + (key,))
                return out
        finally:
            self.stack.discard(id(node))
        raise YamlProblem(f"unsupported YAML node {type(node).__name__}", *self.mark(node))  # pragma: no cover


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


def _quoted_ending_on(text: str, line: int) -> Iterator[Any]:
    """The quoted values (scanner tokens) that end on the 1-based `line`, up to where the
    scanner gives up: a quote closed early or never closed shows there."""
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.line + 1 > line:
                return
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and token.end_mark.line + 1 == line:
                yield token
    except yaml.YAMLError:
        return


def _runaway_quote(text: str, line: int) -> tuple[int, int] | None:
    """Where a quoted value starts that was never closed on its own line and so ran on,
    over the following fields, to the next quote mark (on the 1-based `line`, where the
    parser then gives up). The parser's own position would send the member to the wrong line."""
    lines = LINE_BREAK.split(text)
    for token in _quoted_ending_on(text, line):
        start, end = token.start_mark, token.end_mark
        if start.line < end.line and any(FIELD_LINE.match(row) for row in lines[start.line + 1:end.line + 1]):
            return start.line + 1, start.column + 1
    return None


def _after_closing_quote(text: str, line: int, col: int) -> tuple[str, int, int, str] | None:
    """Text right after a quoted value on the 1-based `line`: most often an apostrophe
    inside single quotes ('Joe's IT'), which closes the value early."""
    rows = LINE_BREAK.split(text)
    for token in _quoted_ending_on(text, line):
        end = token.end_mark
        if end.column < col and line <= len(rows) and not rows[line - 1][end.column:col - 1].strip():
            row = rows[line - 1]
            if token.style == "'" and end.column == col - 1 and row[end.column:end.column + 1].isalnum():
                return ("an apostrophe inside single quotes ends the value", line, end.column,
                        "write the apostrophe twice (e.g. 'Joe''s IT') or put the value in double quotes")
            return ("there is text after the closing quote", line, col, "put the whole value inside the quotes")
    return None


def _no_space_after_colon(text: str, index: int) -> tuple[str, int, int, str] | None:
    """'name:Acme' on the 0-based line `index`: YAML reads it as text, not as a field."""
    lines = LINE_BREAK.split(text)
    m = KEY_WITHOUT_SPACE.match(lines[index]) if 0 <= index < len(lines) else None
    if m is None:
        return None
    key, rest = m.group(1).strip(), lines[index][len(m.group(1)) + 1:].strip()
    return (f"'{shorten(key)}:' needs a space after the colon", index + 1, len(m.group(1)) + 2,
            f"write '{shorten(key)}: {shorten(rest)}'")


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
        return (f"'{shorten(key)}' is indented more than the field above it", line, indent + 1,
                f"start '{shorten(key)}:' in the same column as the other fields")
    return None


def _syntax_problem(text: str, exc: yaml.MarkedYAMLError) -> YamlProblem:
    """PyYAML's syntax error in a member's words, at libyaml's (line, col)."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    msg = (exc.problem or exc.context or "invalid YAML").strip()
    if "another document" in msg:
        return YamlProblem("a record holds one YAML document, but a second one starts here",
                           line, col, hint="remove the extra '---' line")
    if "cannot start any token" in msg and mark is not None and text[mark.index:mark.index + 1] == "\t":
        msg = "found a tab character"
    runaway = _runaway_quote(text, line)
    if runaway is not None:
        return YamlProblem("YAML syntax error: this quote is never closed", *runaway,
                           hint=f"add the closing quote; the next one is on line {_Lines(text).of_yaml(line, col)[0]}, "
                                "so every line until there was read as part of this value")
    misplaced = None
    if "mapping values are not allowed" in msg:
        misplaced = _misplaced_field(text, line, col)
    elif "could not find expected ':'" in msg and exc.context_mark is not None:
        misplaced = _no_space_after_colon(text, exc.context_mark.line)
    elif any(m in msg for m in ("did not find expected key", "expected <block end>", "expected ',' or")):
        misplaced = _after_closing_quote(text, line, col)
    if misplaced is not None:
        friendly, line, col, hint = misplaced
        return YamlProblem(f"YAML syntax error: {friendly}", line, col, hint)
    for fragment, context, at_start, friendly, hint in SYNTAX_HELP:
        if fragment in msg and context in (exc.context or ""):
            if at_start and exc.context_mark is not None:
                line, col = exc.context_mark.line + 1, exc.context_mark.column + 1
            return YamlProblem(f"YAML syntax error: {friendly}", line, col, hint)
    return YamlProblem(f"YAML syntax error: {msg}", line, col)


def parse_yaml(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document; raise YamlProblem with a position on any failure."""
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            problem = _syntax_problem(text, exc)
            problem.line, problem.col = _Lines(text).of_yaml(problem.line, problem.col)
            raise problem from None
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
        walker = _Walker(loader, text)
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


def written(text: str, in_list: bool = False) -> str:
    """text as a YAML value: plain where YAML reads it back unchanged (as a field's value, or
    as an item of a [a, b] list), else double-quoted (a JSON string is a double-quoted YAML one)."""
    document, meant = (f"[{text}]", [text]) if in_list else (f"k: {text}", {"k": text})
    try:
        if yaml.safe_load(document) == meant:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)
