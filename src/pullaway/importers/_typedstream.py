"""The text of an ``attributedBody``: an ``NSAttributedString`` archived by ``NSArchiver``.

Messages on macOS 13 and later often leaves ``message.text`` empty and keeps the text only in
``attributedBody``, written in NeXT's "typedstream" format. Its layout, as Messages writes it:

* a header: the format version (4), the signature ``streamtyped`` (little-endian numbers) as a
  length and bytes, and the system version (``0x81 e8 03``: 1000);
* a group: its type encoding (``@``, an object), then the object: ``0x84`` (new), its class
  chain (``NSAttributedString`` or ``NSMutableAttributedString``, each with a version, up to
  ``NSObject`` and a nil), then its contents;
* the contents begin with another ``@`` group: the ``NSString`` (or ``NSMutableString``) whose
  own contents are the type ``+`` followed by the UTF-8 bytes, with their length before them;
  attribute runs (``NSDictionary`` objects) follow, which are not needed here.

Numbers are one signed byte, or ``0x81`` and two bytes, or ``0x82`` and four bytes
(little-endian). ``0x84`` starts something new, ``0x85`` is nil, ``0x86`` ends an object, and
any byte from ``0x92`` up refers back to an earlier string (type encodings and class names
form one table) or an earlier object or class (a second table), counting from ``0x92``.

Only what leads to the first string is read, so nothing after it can make a body unreadable.
Anything else raises :class:`TypedStreamError` (never IndexError or the like), so a damaged
body costs its message's text, not the import.

>>> attributed_text(bytes.fromhex(
...     "040b73747265616d747970656481e803840140848484124e5341747472696275746564537472696e67"
...     "008484084e534f626a656374008592848484084e53537472696e67019484012b0568656c6c6f86"
... ))
'hello'
"""

from __future__ import annotations

from typing import Final

_VERSIONS: Final = frozenset({3, 4})
_SIGNATURE: Final = b"streamtyped"
_INT2: Final = 0x81
_INT4: Final = 0x82
_NEW: Final = 0x84
_NIL: Final = 0x85
_FIRST_TAG: Final = 0x80
_LAST_TAG: Final = 0x91
_FIRST_REFERENCE: Final = 0x92 - 0x100  # -110, as a signed byte
_STRING_CLASSES: Final = frozenset({"NSString", "NSMutableString"})
_ATTRIBUTED_CLASSES: Final = frozenset({"NSAttributedString", "NSMutableAttributedString"})


class TypedStreamError(ValueError):
    """Bytes that are not an archived attributed string this module can read."""


def attributed_text(blob: bytes) -> str:
    """The string of the attributed string archived in ``blob`` (its attributes are left).

    Raises TypedStreamError when ``blob`` is not a typedstream, is cut short, or holds
    something other than an attributed string.

    Nearly every body in a database starts with the same bytes up to the string's length (the
    header and the class names). Reading is the same for the same bytes, so once a start has
    been read in full, a body that begins with it is read from the length on: four times faster.
    """
    for start in _STARTS:
        if blob.startswith(start):
            at = len(start)
            # Most texts are shorter than 128 bytes: a length of one byte, read here inline.
            if at < len(blob) and blob[at] < _FIRST_TAG and at + 1 + blob[at] <= len(blob):
                return _decoded(blob[at + 1 : at + 1 + blob[at]])
            reader = _Reader(blob)
            reader.at = at
            return reader.string_bytes()
    return _Reader(blob).attributed_text()


_STARTS: list[bytes] = []
"""Starts of bodies read in full, up to the string's length (at most ``_MAX_STARTS``)."""
_MAX_STARTS: Final = 8


class _Reader:
    """A cursor over the bytes, with the two tables that later bytes refer back to."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0
        self.strings: list[bytes] = []
        self.objects: list[str | None] = []  # a class's name; None for an object

    def attributed_text(self) -> str:
        self._header()
        self._expect_type(b"@", "the archived object")
        classes = self._new_object()
        if _ATTRIBUTED_CLASSES.isdisjoint(classes):
            msg = f"the archived object is of class {_first(classes)}, not an attributed string"
            raise TypedStreamError(msg)
        self._expect_type(b"@", "the attributed string's text")
        classes = self._new_object()
        if _STRING_CLASSES.isdisjoint(classes):
            msg = f"the attributed string holds an object of class {_first(classes)}, not a string"
            raise TypedStreamError(msg)
        encoding = self._shared_string()
        if encoding == b"*":  # a C string, as NeXT archived them
            found = self._shared_string()
            return _decoded(b"" if found is None else found)
        if encoding != b"+":
            msg = f"a string archived as {encoding!r}, expected '+'"
            raise TypedStreamError(msg)
        if len(_STARTS) < _MAX_STARTS and self.data[: self.at] not in _STARTS:
            _STARTS.append(self.data[: self.at])
        return self.string_bytes()

    def string_bytes(self) -> str:
        """The string whose length is next: UTF-8 bytes, after their length."""
        return _decoded(self._take(self._length()))

    # --- the parts ----------------------------------------------------------------------

    def _header(self) -> None:
        version = self._byte()
        if version not in _VERSIONS:
            msg = f"not a typedstream (starts with byte 0x{version:02x})"
            raise TypedStreamError(msg)
        signature = self._take(self._length())
        if signature != _SIGNATURE:
            msg = f"unsupported typedstream signature {signature[:16]!r}, expected b'streamtyped'"
            raise TypedStreamError(msg)
        self._integer()  # the system version (1000 on every Mac seen)

    def _expect_type(self, wanted: bytes, what: str) -> None:
        encoding = self._shared_string()
        if encoding != wanted:
            msg = f"{what} is typed {encoding!r}, expected {wanted!r}"
            raise TypedStreamError(msg)

    def _new_object(self) -> tuple[str, ...]:
        """Read a new object's start and class chain; return its classes' names, its own
        first."""
        if self._byte() != _NEW:
            msg = f"expected a new object at byte {self.at - 1}"
            raise TypedStreamError(msg)
        self.objects.append(None)
        return self._class_chain()

    def _class_chain(self) -> tuple[str, ...]:
        """Class, superclass, …: new ones until nil, or one referred back to (whose own
        chain was read before and is looked up no further)."""
        names: list[str] = []
        while True:
            tag = self._byte()
            if tag == _NIL:
                return tuple(names)
            if tag != _NEW:
                index = self._reference(tag)
                name = self.objects[index] if index < len(self.objects) else None
                if name is None:
                    msg = f"class reference {index} at byte {self.at - 1} names no class"
                    raise TypedStreamError(msg)
                names.append(name)
                return tuple(names)
            raw = self._shared_string()
            if raw is None:
                msg = f"a class without a name at byte {self.at}"
                raise TypedStreamError(msg)
            name = raw.decode("ascii", errors="replace")
            self._integer()  # the class version
            self.objects.append(name)
            names.append(name)

    def _shared_string(self) -> bytes | None:
        """A string kept in the table: new (length and bytes), nil, or a reference."""
        tag = self._byte()
        if tag == _NIL:
            return None
        if tag == _NEW:
            found = self._take(self._length())
            self.strings.append(found)
            return found
        index = self._reference(tag)
        if index >= len(self.strings):
            read = len(self.strings)
            msg = f"string reference {index} at byte {self.at - 1}, past the {read} read"
            raise TypedStreamError(msg)
        return self.strings[index]

    def _reference(self, tag: int) -> int:
        """The table index a reference number (starting with ``tag``) points at."""
        index = self._integer_from(tag) - _FIRST_REFERENCE
        if index < 0:
            msg = f"unexpected byte 0x{tag:02x} at byte {self.at - 1}"
            raise TypedStreamError(msg)
        return index

    def _length(self) -> int:
        """A length: one byte below 0x80, else 0x81 or 0x82 and an unsigned number."""
        tag = self._byte()
        if tag < _FIRST_TAG:
            return tag
        if tag == _INT2:
            return int.from_bytes(self._take(2), "little")
        if tag == _INT4:
            return int.from_bytes(self._take(4), "little")
        msg = f"expected a length at byte {self.at - 1}, found 0x{tag:02x}"
        raise TypedStreamError(msg)

    def _integer(self) -> int:
        return self._integer_from(self._byte())

    def _integer_from(self, tag: int) -> int:
        """A signed number whose first byte, ``tag``, has been read."""
        if tag == _INT2:
            return int.from_bytes(self._take(2), "little", signed=True)
        if tag == _INT4:
            return int.from_bytes(self._take(4), "little", signed=True)
        if _FIRST_TAG <= tag <= _LAST_TAG:
            msg = f"expected a number at byte {self.at - 1}, found tag 0x{tag:02x}"
            raise TypedStreamError(msg)
        return tag - 0x100 if tag > 0x7F else tag

    def _byte(self) -> int:
        if self.at >= len(self.data):
            msg = f"cut short after {len(self.data)} bytes"
            raise TypedStreamError(msg)
        self.at += 1
        return self.data[self.at - 1]

    def _take(self, count: int) -> bytes:
        end = self.at + count
        if end > len(self.data):
            msg = f"cut short: {count} bytes wanted at byte {self.at}, {len(self.data)} in all"
            raise TypedStreamError(msg)
        found = self.data[self.at : end]
        self.at = end
        return found


def _decoded(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"the string is not UTF-8 ({exc.reason} at byte {exc.start})"
        raise TypedStreamError(msg) from exc


def _first(names: tuple[str, ...]) -> str:
    return names[0] if names else "(none)"
