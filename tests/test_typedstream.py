"""The typedstream reader: real attributedBody values, built ones, damaged and random bytes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import fixed_cases
from pullaway.importers._typedstream import TypedStreamError, attributed_text
from test_imessage import archived

# attributedBody values written by Messages on an iPad (sms.db has chat.db's tables), quoted in
# a public write-up of the UIUCTF 2021 forensics challenge "Tablet 2".
REAL = {
    "Hey what’s your Discord tag": (
        "040b73747265616d747970656481e803840140848484124e5341747472696275746564537472696e6700"
        "8484084e534f626a656374008592848484084e53537472696e67019484012b1d4865792077686174e280"
        "997320796f757220446973636f7264207461678684026949011b928484840c4e5344696374696f6e6172"
        "79009484016901928496961d5f5f6b494d4d657373616765506172744174747269627574654e616d6586"
        "92848484084e534e756d626572008484074e5356616c7565009484012a84999900868686"
    ),
    "RedAmogus#8715": (  # an NSMutableAttributedString of an NSMutableString
        "040b73747265616d747970656481e803840140848484194e534d757461626c6541747472696275746564"
        "537472696e67008484124e5341747472696275746564537472696e67008484084e534f626a6563740085"
        "928484840f4e534d757461626c65537472696e67018484084e53537472696e67019584012b0e52656441"
        "6d6f67757323383731358684026949010e928484840c4e5344696374696f6e617279009584016901928498"
        "981d5f5f6b494d4d657373616765506172744174747269627574654e616d658692848484084e534e756d"
        "626572008484074e5356616c7565009584012a849b9b00868686"
    ),
    "🤢": (
        "040b73747265616d747970656481e803840140848484124e5341747472696275746564537472696e6700"
        "8484084e534f626a656374008592848484084e53537472696e67019484012b04f09fa4a2868402694901"
        "02928484840c4e5344696374696f6e617279009484016901928496961d5f5f6b494d4d65737361676550"
        "6172744174747269627574654e616d658692848484084e534e756d626572008484074e5356616c756500"
        "9484012a84999900868686"
    ),
}
HEADER = b"\x04\x0bstreamtyped\x81\xe8\x03"


@pytest.mark.parametrize("text", sorted(REAL))
def test_real_values_from_a_device(text: str) -> None:
    assert attributed_text(bytes.fromhex(REAL[text])) == text


def test_the_test_builder_writes_what_a_device_writes() -> None:
    assert archived("🤢") == bytes.fromhex(REAL["🤢"])
    assert archived("RedAmogus#8715", mutable=True) == bytes.fromhex(REAL["RedAmogus#8715"])


@pytest.mark.parametrize(
    ("text", "length_prefix"),
    [
        ("", b"\x00"),
        ("ok", b"\x02"),
        ("x" * 127, b"\x7f"),
        ("x" * 128, b"\x81\x80\x00"),
        ("é" * 1000, b"\x81\xd0\x07"),
        ("😘" * 10_000, b"\x82\x40\x9c\x00\x00"),
    ],
    ids=["empty", "short", "127", "128", "accents", "emoji-40kB"],
)
@pytest.mark.parametrize("mutable", [False, True], ids=["plain", "mutable"])
def test_lengths_in_one_three_and_five_bytes(
    text: str, length_prefix: bytes, mutable: bool
) -> None:
    blob = archived(text, mutable=mutable)
    assert length_prefix + text.encode() in blob
    assert attributed_text(blob) == text


def test_text_with_newlines_and_every_script() -> None:
    text = "línea uno\nстрока два\n第三行 🙌🏽\u200d"
    assert attributed_text(archived(text)) == text


def test_a_length_of_0x81_with_an_unsigned_two_byte_count_is_read() -> None:
    """Some writers put 32,768-65,535 in two bytes; read as unsigned, it is still the length."""
    text = "x" * 40_000
    blob = archived(text).replace(b"\x82\x40\x9c\x00\x00", b"\x81\x40\x9c", 1)
    assert attributed_text(blob) == text


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"", "cut short after 0 bytes"),
        (b"bplist00\xd1\x01\x02", "not a typedstream"),
        (b"\x04\x0btypedstream\x81\xe8\x03", "unsupported typedstream signature"),
        (HEADER + b"\x84\x01i\x05", "the archived object is typed b'i'"),
        (
            HEADER + b"\x84\x01@\x84\x84\x84\x08NSString\x01\x84\x84\x08NSObject\x00\x85",
            "the archived object is of class NSString, not an attributed string",
        ),
        (
            HEADER + b"\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x85\x92\x84\x84\x84"
            b"\x08NSNumber\x00\x85",
            "holds an object of class NSNumber, not a string",
        ),
        (
            HEADER + b"\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x85\x92\x84\x84\x84"
            b"\x08NSString\x01\x85\x84\x01i\x05",
            "a string archived as b'i'",
        ),
        (
            HEADER + b"\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x85\x92\x84\x84\x84"
            b"\x08NSString\x01\x85\x84\x01+\x02\xc3\x28",
            "the string is not UTF-8",
        ),
        (HEADER + b"\x84\x01@\x84\x84\x99", "string reference 7"),
        (HEADER + b"\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x9f", "class reference 13"),
        (HEADER + b"\x84\x01@\x84\x84\x84\x03\x01\x02", "cut short: 3 bytes wanted"),
        (HEADER + b"\x84\x01@\x84\x84\x84\x90", "expected a length at byte"),
    ],
    ids=[
        "empty",
        "plist",
        "big-endian",
        "not-an-object",
        "a-string-at-the-root",
        "attributed-number",
        "string-typed-int",
        "bad-utf8",
        "string-reference",
        "class-reference",
        "cut-in-a-name",
        "tag-for-a-length",
    ],
)
def test_what_cannot_be_read_says_why(blob: bytes, message: str) -> None:
    with pytest.raises(TypedStreamError, match=message):
        attributed_text(blob)


def test_every_cut_before_the_end_of_the_string_is_an_error() -> None:
    blob = archived("cut me anywhere ✂️")
    end = blob.index("✂️".encode()) + len("✂️".encode())
    for size in range(end):
        with pytest.raises(TypedStreamError):
            attributed_text(blob[:size])
    assert attributed_text(blob[:end]) == "cut me anywhere ✂️"  # the attributes are not needed


@fixed_cases(300)
@given(st.binary(max_size=200))
def test_random_bytes_give_a_string_or_the_readers_own_error(blob: bytes) -> None:
    try:
        found = attributed_text(blob)
    except TypedStreamError:
        return
    assert isinstance(found, str)


@fixed_cases(300)
@given(st.data())
def test_damaged_values_give_a_string_or_the_readers_own_error(data: st.DataObject) -> None:
    blob = bytearray(archived(data.draw(st.text(max_size=300), label="text")))
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        at = data.draw(st.integers(0, len(blob) - 1), label="at")
        blob[at] = data.draw(st.integers(0, 255), label="byte")
    try:
        found = attributed_text(bytes(blob))
    except TypedStreamError:
        return
    assert isinstance(found, str)
