"""Where a character of a YAML value sits in its file: a Markdown finding's line and column
inside a value (plain, quoted or a block) turned into the file's line and column."""
from __future__ import annotations

import re
from typing import Callable


def source_mapper(value_line: int, value_col: int, style: str | None, file_lines: list[str]) -> Callable[[int, int], tuple[int, int]]:
    """Map a (line, col) in a YAML string value's text back to the file.

    The scalar is scanned again from the file, character by character, the way
    YAML reads it (block indentation, folding of line breaks, quote escapes), so
    a link in a folded or quoted description is reported where it is written.
    """
    chars = _scalar_chars(value_line, value_col, style, file_lines)
    index: dict[tuple[int, int], tuple[int, int]] = {}
    line, col = 1, 1
    for ch, where in chars:
        index[(line, col)] = where
        line, col = (line + 1, 1) if ch == "\n" else (line, col + 1)

    def to_file(line: int, col: int) -> tuple[int, int]:
        if (line, col) in index:
            return index[(line, col)]
        if style in ("|", ">"):  # not found (should not happen): the block's usual layout
            return value_line + line, col
        return value_line + line - 1, (value_col + col - 1) if line == 1 else col

    return to_file


_Chars = list[tuple[str, tuple[int, int]]]  # (character of the value, its 1-based (line, col) in the file)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _scalar_chars(value_line: int, value_col: int, style: str | None, lines: list[str]) -> _Chars:
    try:
        if style in ("|", ">"):
            return _block_chars(value_line, value_col, style, lines)
        return _flow_chars(value_line, value_col, style, lines)
    except (IndexError, ValueError):  # the file changed since it was parsed: fall back to the plain mapping
        return []


def _block_chars(value_line: int, value_col: int, style: str, lines: list[str]) -> _Chars:
    header = lines[value_line - 1][value_col - 1:]
    digit = re.match(r"^[|>][+-]?([1-9])|^[|>]([1-9])", header)
    first = value_line  # 0-based index of the line after the indicator
    # the first line with text (not a list of them all: a file may hold thousands of blocks)
    body = next((i for i in range(first, len(lines)) if lines[i].strip()), None)
    if body is None:
        return []
    if digit:
        # relative to the mapping that holds the key, which may sit after list dashes
        parent = re.match(r"^ *(?:- +)*", lines[value_line - 1])
        indent = (parent.end() if parent else 0) + int(digit.group(1) or digit.group(2))
    else:
        indent = _indent(lines[body])
    out: _Chars = []
    previous_text = False  # the last line held text at the block's own indentation (for folding)
    pending_breaks: list[tuple[int, int]] = []
    for i in range(first, len(lines)):
        raw = lines[i]
        if not raw.strip():
            pending_breaks.append((i + 1, len(raw) + 1))
            continue
        if _indent(raw) < indent:
            break
        more_indented = raw[indent:indent + 1] in (" ", "\t")
        if out:
            if style == ">" and previous_text and not more_indented and not pending_breaks:
                out.append((" ", (i, len(lines[i - 1]) + 1)))
            else:
                breaks = pending_breaks if style == ">" and previous_text and not more_indented else \
                    [(i, len(lines[i - 1]) + 1)] + pending_breaks
                out.extend(("\n", where) for where in breaks)
        else:  # empty lines before the first text are part of the value
            out.extend(("\n", where) for where in pending_breaks)
        pending_breaks = []
        out.extend((ch, (i + 1, indent + k + 1)) for k, ch in enumerate(raw[indent:]))
        previous_text = not more_indented
    return out


_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
            "r": "\r", "e": "\x1b", " ": " ", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


def _flow_chars(value_line: int, value_col: int, style: str | None, lines: list[str]) -> _Chars:
    """Plain and quoted scalars: line breaks fold to a space, an empty line to a newline."""
    quote = style if style in ('"', "'") else None
    out: _Chars = []
    row, c = value_line - 1, value_col - 1 + (1 if quote else 0)
    key_indent = _indent(lines[row])
    while row < len(lines):
        raw = lines[row]
        k, keep, joined = c, len(out), False  # keep: out's length without the line's trailing spaces
        while k < len(raw):
            ch = raw[k]
            if quote == "'" and ch == "'":
                if raw[k + 1:k + 2] != "'":
                    return out
                out.append(("'", (row + 1, k + 1)))
                k, keep = k + 2, len(out)
                continue
            if quote == '"' and ch == '"':
                return out
            if quote == '"' and ch == "\\":
                nxt = raw[k + 1:k + 2]
                if nxt == "":  # an escaped line break joins the lines, keeping the spaces before it
                    joined, keep = True, len(out)
                    break
                width = {"x": 4, "u": 6, "U": 10}.get(nxt, 2)
                char = chr(int(raw[k + 2:k + width], 16)) if width > 2 else _ESCAPES.get(nxt, nxt)
                out.append((char, (row + 1, k + 1)))
                k, keep = k + width, len(out)
                continue
            if quote is None and (raw.startswith(" #", k) or raw.startswith("\t#", k)):
                break
            out.append((ch, (row + 1, k + 1)))
            k += 1
            if ch not in " \t":
                keep = len(out)
        del out[keep:]
        row += 1
        blanks = []
        while row < len(lines) and not lines[row].strip():
            blanks.append((row + 1, 1))
            row += 1
        if row >= len(lines) or (quote is None and _indent(lines[row]) <= key_indent):
            return out
        if not joined:
            out.extend([("\n", where) for where in blanks] or [(" ", (row, len(lines[row - 1]) + 1))])
        c = len(lines[row]) - len(lines[row].lstrip(" \t"))
    return out
