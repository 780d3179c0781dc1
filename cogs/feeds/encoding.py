"""Which character encoding a feed body is really in, when its HTTP header and its own text disagree.

Hosting often serves feeds as `text/html; charset=ISO-8859-1` whatever they hold. feedparser follows
RFC 3023, where the HTTP charset wins, then repairs UTF-8 read as Latin-1 one element at a time; the
repair gives up on any element that also holds a character reference (`&#8217;`), which leaves
`ConfÃ©rence`. So the body is decoded here first, trusting the document over the server: its BOM;
its XML declaration when the body is valid in it; the HTTP charset; UTF-8; Windows-1252 (what
browsers read for "ISO-8859-1"); Latin-1, which decodes anything. A single-byte encoding decodes
any bytes, so one named by the declaration or the header is passed over when the body is valid
UTF-8 with non-ASCII bytes: real Latin-1 text practically never is, and UTF-8 labelled Latin-1 is
the common mistake.
"""

from __future__ import annotations

import codecs
import logging
import re

log = logging.getLogger(__name__)

UTF8_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'
_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Leading whitespace is tolerated (PHP templates often emit some), though XML forbids it.
_DECLARATION = re.compile(rb"\s*<\?xml\b[^>]{0,200}?\?>")
_DECLARED = re.compile(rb"""encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]{0,39})["']""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)
_SINGLE_BYTE = re.compile(r"ascii|iso8859-\d+|cp125\d|cp8\d\d|mac-[a-z]+|koi8-[a-z]+")
_EBCDIC_XML = b"\x4c\x6f\xa7\x94"  # "<?xm" in EBCDIC
# The encodings of the WHATWG Encoding Standard that read ASCII as ASCII, by Python's codec names:
# a label naming any other codec is ignored as if undeclared. Python also knows codecs no web page
# is in, some of which turn ASCII into other text (UTF-7 reads `+ADw-b+AD4-` as `<b>`, and
# unicode_escape reads backslashes) or fail on text (punycode, idna). UTF-16 is read only by its BOM.
_WEB_ENCODINGS = frozenset(
    {"ascii", "utf-8", "cp866", "koi8-r", "koi8-u", "mac-roman", "mac-cyrillic", "cp874"}
    | {f"iso8859-{n}" for n in (*range(1, 12), *range(13, 17))}
    | {f"cp125{n}" for n in range(9)}
    | {"gbk", "gb18030", "gb2312", "big5", "big5hkscs"}
    | {"euc_jp", "iso2022_jp", "shift_jis", "cp932", "euc_kr", "cp949"}
)
# WHATWG labels Python does not know by that name.
_WEB_ALIASES = {
    "windows-874": "cp874",
    "x-mac-cyrillic": "mac-cyrillic",
    "windows-31j": "cp932",
    "iso-8859-8-i": "iso8859-8",
}
_FALLBACKS = ("utf-8", "cp1252", "latin-1")


def declared_encoding(body: bytes) -> str | None:
    """The encoding named by the body's XML declaration, as written; None without one."""
    declaration = _DECLARATION.match(body)
    found = _DECLARED.search(declaration.group()) if declaration else None
    return found.group(1).decode("ascii") if found else None


def http_charset(content_type: str | None) -> str | None:
    found = _CHARSET.search(content_type or "")
    return found.group(1) if found else None


def choose_encoding(body: bytes, content_type: str | None) -> tuple[str, int] | None:
    """The codec the body decodes with and the length of its BOM; None if it is not ASCII-based.

    A body in UTF-16 or UTF-32 without a BOM (or in EBCDIC) is left to feedparser, which sniffs it.
    """
    for bom, name in _BOMS:
        if body.startswith(bom) and _decodes(body[len(bom) :], name):
            return name, len(bom)
    if b"\x00" in body[:4] or body.startswith(_EBCDIC_XML):
        return None
    valid_utf8 = _decodes(body, "utf-8")
    non_ascii = not body.isascii()
    for label in (declared_encoding(body), http_charset(content_type), *_FALLBACKS):
        name = _codec(label)
        if name is None or (valid_utf8 and non_ascii and _SINGLE_BYTE.fullmatch(name)):
            continue
        decodes = valid_utf8 if name == "utf-8" else _decodes(body, name)
        if decodes:
            return name, 0
    return "latin-1", 0  # not reached: Latin-1 decodes every byte


def to_utf8(body: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """The body in UTF-8 with a declaration saying so, and a content type whose charset says so too.

    Both are rewritten because feedparser reads one or the other depending on the media type.
    A body whose encoding cannot be told (see `choose_encoding`) is returned unchanged.
    """
    chosen = choose_encoding(body, content_type)
    if chosen is None:
        return body, content_type
    name, bom = chosen
    if name != "utf-8" or bom:
        log.debug("feed read as %s (declared %s, served as %s)", name, declared_encoding(body), content_type)
        body = body[bom:].decode(name).encode("utf-8")
    declaration = _DECLARATION.match(body)
    body = UTF8_DECLARATION + (body[declaration.end() :] if declaration else b"\n" + body)
    if content_type:
        media_type = content_type.split(";", 1)[0].strip()
        content_type = f"{media_type}; charset=utf-8" if media_type else None
    return body, content_type


def _codec(label: str | None) -> str | None:
    """Python's name for an encoding label, if it names a web encoding that reads ASCII as ASCII."""
    if not label:
        return None
    try:
        name = codecs.lookup(_WEB_ALIASES.get(label.lower(), label)).name
    except (LookupError, ValueError):  # a header's charset may hold anything, even a NUL
        return None
    return name if name in _WEB_ENCODINGS else None


def _decodes(body: bytes, name: str) -> bool:
    try:
        codecs.decode(body, name)
    except (LookupError, ValueError):  # UnicodeError (punycode, idna) and UnicodeDecodeError are ValueErrors
        return False
    return True
