"""Handlebars templates, as the reference documents write them, rendered without eval.

Operators write these templates in the panel (Setup > Config > Templates), so rendering must not be
a way into the server: the template is parsed into a small tree and walked; values are looked up
only as keys of dicts and indexes of lists (never attributes), and helpers are a fixed list.
pybars3 compiles templates to Python source and has had code-injection bugs from template authors;
pyhandlebars cannot turn HTML escaping off, which a plain-text email or a subject needs.

Supported: {{path}} (escaped in HTML), {{{path}}} and {{&path}} (as is), {{! comment}} and
{{!-- comment --}}, ~ whitespace control, #if / #unless / #each / #with with {{else}} and
{{else if ...}}, this, ../, @root, @index, @key, @first, @last, and the helpers in HELPERS.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

BLOCKS = ("if", "unless", "each", "with")
_ARG = re.compile(r'"[^"]*"|\'[^\']*\'|\S+')
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_DATE_TOKENS = re.compile(r"YYYY|MMMM|MMM|MM|DD|HH|mm|ss|ll|LL")
_COMMENT_END = re.compile(r"--~?\}\}")
_MISSING = object()


class TemplateError(ValueError):
    """A template that cannot be read: where (line, column) and what to fix."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(f"Line {line}, column {column}: {message}")
        self.line, self.column, self.message = line, column, message


class Safe(str):
    """Helper output that is already HTML (nl2br): not escaped again."""


@dataclass
class Var:
    name: str
    args: list
    escape: bool


@dataclass
class Block:
    helper: str
    args: list
    body: list = field(default_factory=list)
    inverse: list = field(default_factory=list)


@dataclass
class Tag:
    kind: str  # "var", "raw", "open", "else", "close"
    text: str
    line: int
    column: int


def _position(source: str, offset: int) -> tuple[int, int]:
    line = source.count("\n", 0, offset) + 1
    return line, offset - (source.rfind("\n", 0, offset) + 1) + 1


def _scan(source: str) -> list:
    """Text (str) and Tag items, comments dropped, ~ whitespace control applied."""
    items: list = []
    pos, strip_next = 0, False
    while True:
        start = source.find("{{", pos)
        text = source[pos:] if start < 0 else source[pos:start]
        if strip_next:
            text = text.lstrip()
        if text:
            items.append(text)
        if start < 0:
            return items
        line, column = _position(source, start)
        inner_start = start + 2
        strip_before = source.startswith("~", inner_start)
        inner_start += strip_before
        if source.startswith("!--", inner_start):
            close = _COMMENT_END.search(source, inner_start + 3)
            if close is None:
                raise TemplateError("This {{!-- comment --}} is never closed.", line, column)
            tag_end, body, kind = close.end(), None, "comment"
            strip_next = close.group().startswith("--~")
        else:
            triple = source.startswith("{", inner_start)
            closer = "}}}" if triple else "}}"
            end = source.find(closer, inner_start)
            if end < 0:
                raise TemplateError(f"This tag is never closed with {closer}.", line, column)
            body = source[inner_start + triple : end]
            tag_end = end + len(closer)
            strip_next = body.endswith("~")
            body = body.removesuffix("~").strip()
            kind = "raw" if triple else "var"
            if body.startswith("!"):
                kind = "comment"
            elif not triple and body[:1] in ("#", "/", "&"):
                kind = {"#": "open", "/": "close", "&": "raw"}[body[0]]
                body = body[1:].strip()
            elif not triple and (body == "else" or body.startswith("else ")):
                kind, body = "else", body[4:].strip()
        if strip_before and items and isinstance(items[-1], str):
            items[-1] = items[-1].rstrip()
            if not items[-1]:
                items.pop()
        if kind != "comment":
            if kind != "else" and not body:
                raise TemplateError("An empty {{ }} tag: write a name inside it.", line, column)
            items.append(Tag(kind, body, line, column))
        pos = tag_end


def _args(tag: Tag) -> list:
    args = _ARG.findall(tag.text)
    for arg in args:
        if "=" in arg and arg[0] not in "\"'":
            raise TemplateError(f"Named arguments ({arg}) are not supported.", tag.line, tag.column)
    return args


class _Parser:
    def __init__(self, items: list):
        self.items, self.pos = items, 0

    def nodes(self, opened: Tag | None) -> tuple[list, Tag | None]:
        """Nodes up to the {{else}} or {{/...}} that ends `opened` (the end of the text at top level)."""
        out: list = []
        while self.pos < len(self.items):
            item = self.items[self.pos]
            self.pos += 1
            if isinstance(item, str):
                out.append(item)
            elif item.kind in ("var", "raw"):
                name, *args = _args(item)
                if args and name not in HELPERS:
                    raise TemplateError(f"Unknown helper {name!r}.", item.line, item.column)
                out.append(Var(name, args, item.kind == "var"))
            elif item.kind == "open":
                out.append(self.block(item))
            elif opened is None:
                what = "{{else}}" if item.kind == "else" else f"{{{{/{item.text}}}}}"
                raise TemplateError(f"{what} without an opening block.", item.line, item.column)
            else:
                return out, item
        if opened is not None:
            raise TemplateError(
                f"{{{{#{opened.text.split()[0]}}}}} is never closed.", opened.line, opened.column
            )
        return out, None

    def block(self, tag: Tag, outer: Tag | None = None) -> Block:
        """A block up to its {{/...}}; an {{else if ...}} is a block in the inverse, closed by the
        outer block's {{/...}} (`outer`)."""
        helper, *args = _args(tag)
        if helper not in BLOCKS:
            raise TemplateError(
                f"Unknown block {{{{#{helper}}}}}: use #if, #unless, #each or #with.", tag.line, tag.column
            )
        if len(args) != 1:
            raise TemplateError(f"{{{{#{helper}}}}} takes one value.", tag.line, tag.column)
        outer = outer or tag
        node = Block(helper, args)
        node.body, end = self.nodes(outer)
        if end.kind == "else" and end.text:
            node.inverse = [self.block(Tag("open", end.text, end.line, end.column), outer)]
            return node
        if end.kind == "else":
            node.inverse, end = self.nodes(outer)
            if end.kind == "else":
                raise TemplateError("A second {{else}} in one block.", end.line, end.column)
        opened = outer.text.split()[0]
        if end.text != opened:
            raise TemplateError(
                f"{{{{/{end.text}}}}} closes {{{{#{opened}}}}} (opened at line {outer.line}).",
                end.line,
                end.column,
            )
        return node


def compile_template(source: str) -> list:
    """The template's tree; TemplateError says where it cannot be read."""
    parser = _Parser(_scan(source))
    nodes, _ = parser.nodes(None)
    return nodes


# --- rendering ---------------------------------------------------------------------------------------


@dataclass
class _Frame:
    this: object
    data: dict


def _truthy(value) -> bool:
    if value is None or value is False or value is _MISSING:
        return False
    if isinstance(value, (str, list, tuple)):
        return len(value) > 0
    if isinstance(value, (int, float, Decimal)):
        return value != 0
    return True


def _child(value, key: str):
    if isinstance(value, Mapping):
        return value.get(key, _MISSING)
    if isinstance(value, (list, tuple)) and key.isdigit():
        index = int(key)
        return value[index] if index < len(value) else _MISSING
    return _MISSING  # never an attribute: templates see data, not objects


def _resolve(arg: str, stack: list[_Frame]):
    if arg[0] in "\"'":
        return arg[1:-1]
    if _NUMBER.fullmatch(arg):
        return Decimal(arg)
    if arg in ("true", "false"):
        return arg == "true"
    if arg in ("null", "undefined"):
        return None
    depth = len(stack) - 1
    while arg.startswith("../"):
        arg, depth = arg[3:], max(0, depth - 1)
    frame = stack[depth]
    if arg.startswith("@root"):
        value, rest = stack[0].this, arg[5:].lstrip("./")
    elif arg.startswith("@"):
        name, _, rest = arg[1:].partition(".")
        value = frame.data.get(name, _MISSING)
    elif arg in ("this", "."):
        value, rest = frame.this, ""
    else:
        value, rest = frame.this, arg.removeprefix("this.").removeprefix("./")
    for key in filter(None, re.split(r"[./]", rest)):
        value = _child(value, key)
        if value is _MISSING:
            return None
    return None if value is _MISSING else value


def to_text(value) -> str:
    if value is None or value is _MISSING:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ",".join(to_text(v) for v in value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return ""


def render_tree(nodes: list, context: Mapping, *, escape: bool) -> str:
    out: list[str] = []
    _render(nodes, [_Frame(context, {})], out, escape)
    return "".join(out)


def render(source: str, context: Mapping, *, escape: bool = True) -> str:
    """`source` with `context`; escape=False for plain text and subjects. Raises TemplateError."""
    return render_tree(compile_template(source), context, escape=escape)


def _render(nodes: list, stack: list[_Frame], out: list[str], escape: bool) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, Var):
            if node.args:
                value = HELPERS[node.name](*(_resolve(a, stack) for a in node.args))
            else:
                value = _resolve(node.name, stack)
            text = to_text(value)
            out.append(html.escape(text) if escape and node.escape and not isinstance(value, Safe) else text)
        else:
            _render_block(node, stack, out, escape)


def _render_block(node: Block, stack: list[_Frame], out: list[str], escape: bool) -> None:
    value = _resolve(node.args[0], stack)
    frame = stack[-1]
    if node.helper in ("if", "unless"):
        chosen = node.body if _truthy(value) == (node.helper == "if") else node.inverse
        _render(chosen, stack, out, escape)
    elif node.helper == "with":
        if _truthy(value):
            _render(node.body, [*stack, _Frame(value, frame.data)], out, escape)
        else:
            _render(node.inverse, stack, out, escape)
    else:
        pairs = list(value.items()) if isinstance(value, Mapping) else list(enumerate(value or ()))
        if not isinstance(value, (Mapping, list, tuple)) or not pairs:
            _render(node.inverse, stack, out, escape)
            return
        last = len(pairs) - 1
        for index, (key, item) in enumerate(pairs):
            data = {**frame.data, "index": index, "key": key, "first": index == 0, "last": index == last}
            _render(node.body, [*stack, _Frame(item, data)], out, escape)


# --- helpers -----------------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _moment(value) -> datetime | date | None:
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def date_format(value, pattern="YYYY-MM-DD") -> str:
    """A date by a moment.js-style pattern (YYYY MM DD HH mm ss MMM MMMM, ll, LL)."""
    moment = _moment(value)
    if moment is None:
        return to_text(value)
    pattern = to_text(pattern) or "YYYY-MM-DD"
    is_time = isinstance(moment, datetime)
    parts = {
        "YYYY": f"{moment.year:04d}",
        "MM": f"{moment.month:02d}",
        "DD": f"{moment.day:02d}",
        "HH": f"{moment.hour:02d}" if is_time else "00",
        "mm": f"{moment.minute:02d}" if is_time else "00",
        "ss": f"{moment.second:02d}" if is_time else "00",
        "MMM": moment.strftime("%b"),
        "MMMM": moment.strftime("%B"),
        "ll": f"{moment.strftime('%b')} {moment.day}, {moment.year}",
        "LL": f"{moment.strftime('%B')} {moment.day}, {moment.year}",
    }
    return _DATE_TOKENS.sub(lambda m: parts[m.group()], pattern)


def number_format(value, places=None) -> str:
    number = _decimal(value)
    if number is None:
        return to_text(value)
    if places is not None and _decimal(places) is not None:
        number = number.quantize(Decimal(1).scaleb(-int(_decimal(places))))
    return f"{number:,f}"


SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def currency_format(value, currency="USD") -> str:
    number = _decimal(value)
    if number is None:
        return to_text(value)
    code = to_text(currency).upper() or "USD"
    amount = f"{abs(number.quantize(Decimal('0.01'))):,f}"
    sign = "-" if number < 0 else ""
    symbol = SYMBOLS.get(code)
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {code}"


def nl2br(value) -> Safe:
    return Safe(html.escape(to_text(value)).replace("\r\n", "\n").replace("\n", "<br>\n"))


def sec2min(value) -> str:
    seconds = _decimal(value)
    return to_text(value) if seconds is None else format((seconds / 60).quantize(Decimal("0.01")), "f")


_MATH = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "%": lambda a, b: a % b,
}


def math(left, op, right) -> str:
    a, b, op = _decimal(left), _decimal(right), to_text(op)
    if a is None or b is None or op not in _MATH or (op in "/%" and b == 0):
        return ""
    return format(_MATH[op](a, b).normalize(), "f")


def lookup(value, key) -> object:
    found = _child(value, to_text(key))
    return None if found is _MISSING else found


HELPERS = {
    "lookup": lookup,
    "dateFormat": date_format,
    "numberFormat": number_format,
    "currencyFormat": currency_format,
    "nl2br": nl2br,
    "sec2min": sec2min,
    "math": math,
    "log": lambda *args: "",
}
