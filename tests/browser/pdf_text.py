"""A tiny PDF reader for the print test: page sizes and the text of each page of a PDF that
Chromium printed.

Neither pypdf nor pdfminer.six is in the venv and poppler's pdftotext is not installed, so this
reads what Chromium (Skia) writes, and no more: indirect objects, Flate-compressed streams,
a flat or nested page tree, fonts with a ToUnicode CMap (bfchar and bfrange), and the text
operators Tj, TJ, ' and ". Text on one baseline is one line, which is enough to find a phrase
once whitespace is collapsed (`normalised`).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass

_OBJECT = re.compile(rb"(\d+)\s+(\d+)\s+obj\b(.*?)\bendobj", re.S)
_REF = rb"(\d+)\s+\d+\s+R"


@dataclass
class Page:
    width: float  # points (1/72 inch)
    height: float
    text: str


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(3) for m in _OBJECT.finditer(data)}


def _dictionary(body: bytes) -> bytes:
    return body.split(b"stream", 1)[0]


def _stream(body: bytes) -> bytes:
    head, _, rest = body.partition(b"stream")
    raw = rest.lstrip(b"\r").removeprefix(b"\n")
    length = re.search(rb"/Length\s+(\d+)(?!\s+\d+\s+R)", head)
    raw = raw[: int(length.group(1))] if length else raw.rsplit(b"endstream", 1)[0]
    return zlib.decompress(raw) if b"/FlateDecode" in head else raw


def _inner_dict(source: bytes, key: bytes, objects: dict[int, bytes]) -> bytes:
    """The dictionary value of `key` in `source`, following a reference to another object."""
    match = re.search(rb"/" + key + rb"\s*(?:" + _REF + rb"|<<)", source)
    if not match:
        return b""
    if match.group(1):
        return _dictionary(objects[int(match.group(1))])
    start, depth, at = match.end(), 1, match.end()
    while depth and at < len(source):
        if source.startswith(b"<<", at):
            depth, at = depth + 1, at + 2
        elif source.startswith(b">>", at):
            depth, at = depth - 1, at + 2
        else:
            at += 1
    return source[start : at - 2]


def _cmap(stream: bytes) -> dict[bytes, str]:
    """A ToUnicode CMap: glyph code (bytes) to text."""

    def text(hexes: bytes) -> str:
        return bytes.fromhex(hexes.decode()).decode("utf-16-be", errors="replace")

    mapping: dict[bytes, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[bytes.fromhex(src.decode())] = text(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            low, high, size = int(lo, 16), int(hi, 16), len(lo) // 2
            if dst.startswith(b"["):
                targets = [text(t) for t in re.findall(rb"<([0-9A-Fa-f]+)>", dst)]
            else:
                first = bytes.fromhex(dst[1:-1].decode())
                base = int.from_bytes(first[-2:], "big")
                targets = [
                    (first[:-2] + (base + i).to_bytes(2, "big")).decode("utf-16-be", errors="replace")
                    for i in range(high - low + 1)
                ]
            for i, target in enumerate(targets):
                mapping[(low + i).to_bytes(size, "big")] = target
    return mapping


def _fonts(resources: bytes, objects: dict[int, bytes]) -> dict[bytes, dict[bytes, str]]:
    fonts = {}
    for name, ref in re.findall(rb"/([^\s/<>\[\]()]+)\s+" + _REF, _inner_dict(resources, b"Font", objects)):
        font = _dictionary(objects[int(ref)])
        to_unicode = re.search(rb"/ToUnicode\s+" + _REF, font)
        fonts[name] = _cmap(_stream(objects[int(to_unicode.group(1))])) if to_unicode else {}
    return fonts


_TOKEN = re.compile(
    rb"<(?!<)([0-9A-Fa-f\s]*)>|\((?:\\.|[^\\)])*\)|\[|\]|/[^\s/<>\[\]()]+|[-+]?\d*\.?\d+|[A-Za-z'\"*]+",
    re.S,
)


def _decode(token: bytes, cmap: dict[bytes, str]) -> str:
    if token.startswith(b"<"):
        raw = bytes.fromhex(re.sub(rb"\s", b"", token[1:-1]).decode())
    else:  # a literal string: undo the escapes that matter here
        raw = re.sub(rb"\\([()\\])", rb"\1", token[1:-1])
    if not cmap:
        return raw.decode("latin-1")
    width = max((len(code) for code in cmap), default=1)
    out, at = [], 0
    while at < len(raw):
        for size in range(width, 0, -1):
            code = raw[at : at + size]
            if code in cmap:
                out.append(cmap[code])
                at += size
                break
        else:
            at += 1
    return "".join(out)


def _page_text(content: bytes, fonts: dict[bytes, dict[bytes, str]]) -> str:
    """The page's text, a line per baseline: Chromium positions each kerned run with Td or Tm
    and writes spaces as glyphs, so runs on one baseline are joined as they are."""
    lines, line, operands, cmap = [], [], [], {}
    in_array, baseline = False, None

    def new_line() -> None:
        nonlocal line
        if line:
            lines.append("".join(line))
        line = []

    for match in _TOKEN.finditer(content):
        token = match.group(0)
        if token == b"[":
            in_array = True
            operands.append(token)
        elif token == b"]":
            in_array = False
        elif in_array or token[:1] in b"<(/" or re.fullmatch(rb"[-+]?\d*\.?\d+", token):
            operands.append(token)
        else:  # an operator
            if token == b"Tf" and len(operands) >= 2:
                cmap = fonts.get(operands[-2][1:], {})
            elif token == b"Tm" and len(operands) >= 6:
                if operands[-1] != baseline:
                    new_line()
                baseline = operands[-1]
            elif token in (b"Td", b"TD") and len(operands) >= 2 and float(operands[-1]) != 0:
                new_line()
                baseline = None
            elif token in (b"T*", b"'", b'"'):
                new_line()
                baseline = None
            if token in (b"Tj", b"'", b'"', b"TJ"):
                start = operands.index(b"[") + 1 if token == b"TJ" and b"[" in operands else 0
                line.extend(_decode(t, cmap) for t in operands[start:] if t[:1] in b"<(")
            operands = []
    new_line()
    return "\n".join(lines)


def _page_refs(node: int, objects: dict[int, bytes]) -> list[int]:
    body = _dictionary(objects[node])
    if re.search(rb"/Type\s*/Page\b(?!s)", body):
        return [node]
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", body)
    return [page for kid in re.findall(_REF, kids.group(1)) for page in _page_refs(int(kid), objects)] if kids else []


def pdf_pages(data: bytes) -> list[Page]:
    """Every page of the PDF in `data`, in order, with its size and text."""
    assert data.startswith(b"%PDF-"), "not a PDF"
    objects = _objects(data)
    catalog = next(body for body in objects.values() if re.search(rb"/Type\s*/Catalog\b", _dictionary(body)))
    root = int(re.search(rb"/Pages\s+" + _REF, _dictionary(catalog)).group(1))
    pages = []
    for ref in _page_refs(root, objects):
        body = _dictionary(objects[ref])
        box = [float(n) for n in re.search(rb"/MediaBox\s*\[([^\]]*)\]", body).group(1).split()]
        fonts = _fonts(_inner_dict(body, b"Resources", objects) or body, objects)
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|" + _REF + rb")", body)
        refs = re.findall(_REF, contents.group(1)) if contents else []
        text = "\n".join(_page_text(_stream(objects[int(r)]), fonts) for r in refs)
        pages.append(Page(width=box[2] - box[0], height=box[3] - box[1], text=text))
    return pages


def normalised(text: str) -> str:
    """Whitespace collapsed to single spaces (a phrase is found across a line break), ligatures
    such as ﬁ spelled out."""
    return " ".join(unicodedata.normalize("NFKC", text).split())
