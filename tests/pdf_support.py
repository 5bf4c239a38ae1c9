"""The text a PDF from app/web/pdf_styles shows, read back from the file itself: reportlab writes each page's
content stream ASCII85- and Flate-encoded, and the CID font's strings (UniGB-UCS2-H) as UTF-16 big-endian bytes
in PDF string literals. Enough for reportlab's own output; not a general PDF reader."""
import base64
import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
# A font switch, or a string literal (balanced parentheses are escaped by reportlab) followed by what draws it.
TOKEN = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:[^()\\]|\\.)*)\)", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def pdf_text(body):
    """The page text of a PDF as one string, each drawn string on its own line; cells, words and wrapped lines
    may be split anywhere, so callers look for facts in `flat(...)`."""
    fonts = _fonts(body)
    lines = []
    for match in STREAM.finditer(body):
        content = _decoded(match.group(1))
        if content is None:
            continue
        font = None
        for token in TOKEN.finditer(content):
            if token.group(1):
                font = token.group(1).decode()
                continue
            raw = _unescaped(token.group(2))
            lines.append(raw.decode("utf-16-be", "replace") if fonts.get(font) == "cid" else raw.decode("latin-1"))
    return "\n".join(lines)


def flat(text):
    """The text without its line breaks and spaces, so a fact wrapped over two lines is found whole."""
    return re.sub(r"\s+", "", text)


def missing(body, *facts):
    """The facts (strings) the PDF does not show, compared without spaces and line breaks."""
    shown = flat(pdf_text(body))
    return [fact for fact in facts if flat(str(fact)) not in shown]


def _fonts(body):
    """{resource name: "cid" for the two-byte CID font, "simple" for others}."""
    found = {}
    for match in re.finditer(rb"/Name /(F\d+) /Subtype /(\w+)", body):
        found[match.group(1).decode()] = "cid" if match.group(2) == b"Type0" else "simple"
    return found


def _decoded(raw):
    raw = raw.strip()
    if not raw.endswith(b"~>"):
        return None  # not a page's content (reportlab encodes those with ASCII85)
    try:
        return zlib.decompress(base64.a85decode(raw[:-2]))
    except (ValueError, zlib.error):
        return None


def _unescaped(raw):
    out, i = bytearray(), 0
    while i < len(raw):
        byte = raw[i:i + 1]
        if byte != b"\\":
            out += byte
            i += 1
            continue
        following = raw[i + 1:i + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        else:
            out += ESCAPES.get(following, following)
            i += 2
    return bytes(out)
