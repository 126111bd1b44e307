"""Bytes to text: the one place where declutter decodes, and names a charset it will use.

Two ways in, for two kinds of input:

* :func:`decode_text` for plain text, strictly: replacing undecodable bytes would hide a
  wrong encoding, and a garbled article is worse than a clear error;
* :func:`decode_page` for HTML, never failing: pages lie about their charset, and a page
  must still give a result (see its docstring for the order of evidence).

Both accept only *text* encodings from a known-safe set (:func:`text_codec`): Python's codec
registry also holds transforms such as ``rot13``, ``base64`` or ``zlib``, codecs that rewrite
what they decode (``utf-7``, ``idna``, ``punycode``, the escape codecs), and a page's
``<meta charset>`` or a WARC header is written by whoever made the page.
"""

from __future__ import annotations

import codecs
import logging
import re
from typing import IO

from .bounded import too_large
from .errors import InputError

log = logging.getLogger(__name__)

#: Codecs that decode but change what the text says: refused wherever a charset is named.
_REWRITING_CODECS = frozenset(
    {"utf-7", "idna", "punycode", "raw-unicode-escape", "unicode-escape", "undefined"}
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:\-]+)""")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SNIFF_BYTES = 4096


def text_codec(label: object) -> str | None:
    """Python's name for a charset label if it is a safe text encoding, else None.

    Browsers read latin-1 and ascii labels as windows-1252 (WHATWG Encoding), and so do we.
    """
    if not isinstance(label, str) or not label.strip() or len(label) > 64:
        return None
    try:
        info = codecs.lookup(label.strip().strip("\"'"))
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _REWRITING_CODECS:
        return None
    return "cp1252" if info.name in ("latin-1", "iso8859-1", "ascii") else info.name


def check_encoding(encoding: object, where: str) -> str:
    """The codec for a user-given ``encoding``, or an :class:`InputError` that says what to use."""
    codec = text_codec(encoding)
    if codec is None:
        raise InputError(
            f"{where}: {encoding!r} is not a text encoding declutter reads; use a charset "
            "name such as 'utf-8', 'cp1252' or 'latin-1'."
        )
    return codec


def decode_text(data: bytes, encoding: str | None, where: str) -> str:
    """Decode plain text strictly: the given encoding, else UTF-8 (a BOM allowed)."""
    codec = "utf-8" if encoding is None else check_encoding(encoding, where)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        raise _undecodable(where, encoding, error, error.start) from None
    return _without_bom(text, encoding)


def _without_bom(text: str, encoding: str | None) -> str:
    """UTF-8 text without its byte-order mark. Why not the ``utf-8-sig`` codec: it reports
    an undecodable byte's offset counted after the BOM, three bytes short."""
    return text[1:] if encoding is None and text.startswith("\ufeff") else text


def read_text(
    handle: IO[bytes],
    encoding: str | None,
    where: str,
    max_chars: int | None,
    chunk_bytes: int = 1 << 20,
) -> str:
    """Read and decode plain text like :func:`decode_text`, but refuse it (``too_large``) as
    soon as more than ``max_chars`` characters have arrived.

    Why incrementally: the limit is on characters (what ``clean()`` counts), and a file
    can be endless (``/dev/zero``) or inflate without end (a gzip bomb); decoding chunk by
    chunk stops once the limit is passed, holding at most one chunk more. An undecodable
    byte is reported at its offset in the whole input, as :func:`decode_text` does.
    """
    codec = "utf-8" if encoding is None else check_encoding(encoding, where)
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    parts: list[str] = []
    characters = offset = 0
    started = False
    while True:
        data = handle.read(chunk_bytes)
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            raise _undecodable(where, encoding, error, offset - pending + error.start) from None
        if text and not started:  # the first characters: a BOM is dropped
            text, started = _without_bom(text, encoding), True
        parts.append(text)
        characters += len(text)
        offset += len(data)
        if max_chars is not None and characters > max_chars:
            raise too_large(max_chars, "characters")
        if not data:
            return "".join(parts)


def _undecodable(
    where: str, encoding: str | None, error: UnicodeDecodeError, position: int
) -> InputError:
    """The error for bytes that are not valid in the encoding, saying what to do instead."""
    hint = (
        ""
        if encoding
        else " Pass its encoding (--encoding cp1252, or encoding= in Python), or clean it "
        "as HTML (--html)."
    )
    return InputError(
        f"{where}: the bytes are not valid {encoding or 'UTF-8'} ({error.reason} at byte "
        f"{position}).{hint}"
    )


def decode_page(data: bytes, encoding: str | None = None, declared: str | None = None) -> str:
    """Decode page bytes to text, never raising on bad bytes.

    Order: an explicit ``encoding`` wins (one that is not a safe text encoding is logged and
    ignored); then a byte-order mark; then ``declared`` (an HTTP ``charset``, which outranks
    the page's own); then strict UTF-8 when the page has non-ASCII bytes; then a ``<meta>``
    (or XML declaration) charset in the first 4 KB if the bytes decode strictly with it; then
    cp1252 with replacement characters.

    Why UTF-8 is tried before the meta charset: a meta that lies must not win, and the common
    lie is ``iso-8859-1`` on a UTF-8 page. Single-byte codecs decode *any* bytes, so "decodes
    strictly" cannot catch that lie, whereas text in another encoding almost never happens to
    be valid UTF-8 with non-ASCII bytes in it.
    """
    for label in (encoding, declared):
        codec = text_codec(label) if label else None
        if codec is not None:
            return data.decode(codec, errors="replace")
        if label:
            log.warning("charset %r ignored: not a text encoding declutter reads", label)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    if not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    meta = _declared_charset(data[:_SNIFF_BYTES])
    if meta is not None:
        try:
            return data.decode(meta)
        except UnicodeDecodeError:
            pass
    return data.decode("cp1252", errors="replace")


def _declared_charset(head: bytes) -> str | None:
    """The charset a page's ``<meta>`` or XML declaration names, if it is a safe one."""
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if match is None:
        return None
    codec = text_codec(match.group(1).decode("ascii", errors="ignore"))
    # A page that reached us as bytes with a meta saying UTF-16/32 is ASCII-compatible in
    # practice (the meta was copied from elsewhere); WHATWG says to read it as UTF-8.
    if codec is not None and codec.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return codec


def http_charset(content_type: str) -> str | None:
    """The ``charset`` parameter of an HTTP ``Content-Type`` header, if any."""
    for parameter in content_type.split(";")[1:]:
        key, _, value = parameter.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


__all__ = [
    "check_encoding",
    "decode_page",
    "decode_text",
    "http_charset",
    "read_text",
    "text_codec",
]
