"""Adding to a YAML file as text, at the positions ruamel.yaml records, so every other line stays as written.

`learn` (a rule to `rules:`, a rule file to `extends:`) and `init` (our entry to `repos:`, hook types
to `default_install_hook_types:`) edit files people wrote: comments, quoting, indentation and flow
style are theirs. The composed node tree gives where each list starts and ends (its start and end
marks), so no quote or bracket is scanned here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from agentops_hooks.errors import FatalError

Block = Callable[[int, int], list[str]]  # (dash column, key column) → the new item as block-style lines


def compose(text: str) -> Any:
    """The document's node tree (every node with its start and end marks)."""
    from ruamel.yaml import YAML

    return YAML(typ="rt").compose(text)


def top_value(root: Any, key: str) -> tuple[int, Any, Any] | None:
    """(index, key node, value node) of a top-level key, or None when the document lacks it."""
    for i, (k, v) in enumerate(root.value):
        if k.value == key:
            return i, k, v
    return None


def append_item(path: str, text: str, key: str, block: Block, flow_item: str, empty_flow_to_block: bool = True) -> str:
    """`text` with one item added to the top-level list `key`: block, flow, empty or missing.

    A new block item goes after the list's last item and the comments indented as its items; a
    flow item goes before the closing bracket. An empty `key: []` alone on its line becomes a
    block list unless `empty_flow_to_block` is false.
    """
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    root = compose("".join(lines))
    found = top_value(root, key)
    if found is None:
        if root.flow_style:
            raise FatalError(f"{path}: the document is one flow mapping; add a `{key}:` list to it first")
        return "".join(lines) + f"{key}:\n" + _as_lines(block(2, 4))
    index, knode, value = found
    if value.id == "scalar" and value.tag == "tag:yaml.org,2002:null":  # `key:` with nothing after it
        kline = knode.start_mark.line
        lines[kline + 1 : kline + 1] = [ln + "\n" for ln in block(2, 4)]
        return "".join(lines)
    if value.id != "sequence":
        raise FatalError(f"{path}:{value.start_mark.line + 1}:{value.start_mark.column + 1}: '{key}' should be a list")
    if value.flow_style:
        return _append_flow(lines, root, knode, value, block, flow_item, empty_flow_to_block)
    next_key = root.value[index + 1][0].start_mark.line if index + 1 < len(root.value) else len(lines)
    return _append_block(lines, value, next_key, block)


def _as_lines(new: Sequence[str]) -> str:
    return "".join(ln + "\n" for ln in new)


def _append_block(lines: list[str], seq: Any, next_key: int, block: Block) -> str:
    """After the last item (and the comments indented as items that follow it), at the items' own indentation."""
    last = seq.value[-1]
    iline, icol = last.start_mark.line, last.start_mark.column
    dash = lines[iline].rfind("-", 0, icol + 1) if "-" in lines[iline][: icol + 1] else icol - 2
    dash = max(dash, 0)
    end = _after_comments(lines, _last_content_line(lines, last) + 1, next_key, dash, next_key < len(lines))
    lines[end:end] = [ln + "\n" for ln in block(dash, max(icol, dash + 2))]
    return "".join(lines)


def _last_content_line(lines: Sequence[str], node: Any) -> int:
    """The last line holding the node's text: its deepest last child's end mark, blank lines not counted."""
    while node.id != "scalar" and not node.flow_style and node.value:
        node = node.value[-1][1] if node.id == "mapping" else node.value[-1]
    line: int = node.end_mark.line if node.end_mark.column > 0 else node.end_mark.line - 1
    while line > node.start_mark.line and not lines[line].strip():  # a block scalar's end mark is past its blank lines
        line -= 1
    return line


def _after_comments(lines: Sequence[str], start: int, stop: int, dash: int, key_follows: bool) -> int:
    """The line after the last comment between `start` and `stop` that belongs to the list.

    A comment indented at least as far as the items belongs to them; at column 0 in a list at
    column 0 it introduces the next key, unless no key follows.
    """
    end = start
    for i in range(start, min(stop, len(lines))):
        ln = lines[i]
        indent = len(ln) - len(ln.lstrip())
        if ln.strip().startswith("#") and indent >= dash and not (dash == 0 and indent == 0 and key_follows):
            end = i + 1
    return end


def _append_flow(
    lines: list[str], root: Any, knode: Any, seq: Any, block: Block, flow_item: str, to_block: bool
) -> str:
    """Before the closing bracket, which the sequence's end mark locates; `key: []` alone may become a block."""
    text = "".join(lines)
    start = _offset(lines, seq.start_mark.line, seq.start_mark.column)
    close = _offset(lines, seq.end_mark.line, seq.end_mark.column) - 1  # the end mark is just past `]`
    line_end = text.find("\n", close)
    rest = text[close + 1 : line_end if line_end >= 0 else len(text)].strip()
    alone = not root.flow_style and "\n" not in text[start:close] and (not rest or rest.startswith("#"))
    if to_block and not seq.value and alone:
        # `key: []` alone on its line: just that line becomes `key:`, the item follows in block style
        kcol = knode.start_mark.column
        head = text[:start].rstrip(" ") + (f"  {rest}" if rest else "") + "\n"
        return head + _as_lines(block(kcol + 2, kcol + 4)) + text[line_end + 1 :]
    inner_end = len(text[:close].rstrip())
    before = text[:inner_end]
    sep = "" if not seq.value else (" " if before.endswith(",") else ", ")  # `[a, b,]`: its trailing comma kept
    return before + sep + flow_item + text[inner_end:]


def _offset(lines: Sequence[str], line: int, column: int) -> int:
    return sum(len(ln) for ln in lines[:line]) + column
