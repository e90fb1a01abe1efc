"""SMS Backup & Restore XML: golden fixtures, streaming repair, contacts, time zones, bad input."""

from __future__ import annotations

import base64
import io
import itertools
import re
import tracemalloc
import zipfile
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from conftest import FIXTURES, fixed_cases
from pullaway.errors import ChatNotFoundError, ParseError, PullawayError
from pullaway.importers import sniff
from pullaway.importers.sms_xml import _MediaCut, _repaired_chunks, _Repairs, parse
from pullaway.testing import (
    assert_lines_accounted,
    fixture_inputs,
    golden_files,
    progress_shares,
)

if TYPE_CHECKING:
    from pathlib import Path

FOLDER = FIXTURES / "sms_xml"
GOLDEN = golden_files(FOLDER)
# The zone each fixture's phone was in; the goldens were written with these.
ZONES = {"drafts_failed": "Europe/London", "surrogate_pairs": "Europe/Berlin"}
DEFAULT_ZONE = "America/New_York"


def inputs() -> list[Path]:
    return fixture_inputs(FOLDER)


def test_differently_written_numbers_are_one_contact() -> None:
    result = parse(FOLDER / "two_contacts_numbers.xml", timezone=DEFAULT_ZONE)
    assert [c.name for c in result.chats] == ["Jake", "Mia Chen"]
    counts = dict(result.messages.group_by("chat").len().iter_rows())
    assert counts == {"Jake": 4, "Mia Chen": 3}
    assert {c.me_guess for c in result.chats} == {"Me"}


@pytest.mark.parametrize("wanted", ["Mia Chen", "mia chen", "(555) 987-6543", "+15559876543"])
def test_chat_keyword_chooses_one_contact_by_name_or_number(wanted: str) -> None:
    result = parse(FOLDER / "two_contacts_numbers.xml", chat=wanted, timezone=DEFAULT_ZONE)
    assert set(result.messages["chat"]) == {"Mia Chen"}
    assert result.units == 3
    assert any("other conversations" in n for n in result.notes)
    assert_lines_accounted(result)


def test_unknown_chat_names_the_contacts_found() -> None:
    with pytest.raises(ChatNotFoundError, match="Jake, Mia Chen"):
        parse(FOLDER / "two_contacts_numbers.xml", chat="Nobody", timezone=DEFAULT_ZONE)


def test_mms_text_media_smil_and_group() -> None:
    result = parse(FOLDER / "mms_parts_group.xml", timezone=DEFAULT_ZONE)
    rows = {r["source_line"]: r for r in result.messages.to_dicts()}
    # A photo with words: media, the words as its caption (as WhatsApp's and Messenger's are).
    assert (rows[2]["kind"], rows[2]["text"]) == ("media", "the old photo booth pics 😂")
    assert (rows[3]["kind"], rows[3]["text"], rows[3]["sender"]) == ("media", None, "Me")
    assert rows[5]["text"].endswith("last night, \nand it carries on in a second part.")
    assert [(s.line, s.reason) for s in result.skipped] == [(4, "group MMS")]


def test_an_rcs_group_and_a_stale_count_are_said(tmp_path: Path) -> None:
    # Google Messages' RCS groups have an address of their own (sms-backup-reader-2's test
    # backup): a group, not a contact. The root's count is checked against the records.
    source = tmp_path / "sms.xml"
    source.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<smses count="3">\n'
        '<sms protocol="0" address="+15551234567" date="1717880400000" type="1" '
        'body="hi" contact_name="Jake" />\n'
        '<mms date="1717880460000" msg_box="1" address="group_8@rcs.google.com" m_type="132">'
        '<parts><part seq="0" ct="text/plain" text="hello all" /></parts></mms>\n'
        "</smses>\n",
        encoding="utf-8",
    )
    result = parse(source, timezone=DEFAULT_ZONE)
    assert result.messages.get_column("text").to_list() == ["hi"]
    assert [(s.line, s.reason) for s in result.skipped] == [(2, "group MMS")]
    assert "the backup says it holds 3 records, but 2 are in the file: it may be cut short" in (
        result.notes
    )


def test_a_backups_copies_of_one_message_are_skipped_not_counted_twice(tmp_path: Path) -> None:
    # A public backup holds some records twice: the same SMS at the same millisecond. Photo MMS
    # sent together share a second (MMS dates have no milliseconds), so they all stay.
    sms = (
        '<sms protocol="0" address="+15551234567" date="1717880400123" type="1" '
        'body="see you" contact_name="Jake" />\n'
    )
    photo = (
        '<mms date="1717880460" msg_box="1" address="+15551234567" m_type="132">'
        '<parts><part seq="0" ct="image/jpeg" /></parts></mms>\n'
    )
    source = tmp_path / "sms.xml"
    source.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<smses count="5">\n'
        + sms * 2
        + photo * 3
        + "</smses>\n",
        encoding="utf-8",
    )
    result = parse(source, timezone=DEFAULT_ZONE)
    assert result.messages.get_column("kind").to_list() == ["text", "media", "media", "media"]
    assert [(s.line, s.reason) for s in result.skipped] == [
        (2, "the same message as record 1 (the backup holds it twice)")
    ]


def test_one_number_saved_under_two_names_is_one_chat_with_a_note(tmp_path: Path) -> None:
    # A public backup: 09001234567 as "Cute Chic" and +339001234567 as "MMA" (one number, by
    # its last ten digits). Before, "MMA" vanished without a word.
    source = tmp_path / "sms.xml"
    source.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<smses count="3">\n'
        '<sms protocol="0" address="09001234567" date="1717880400123" type="1" body="a" '
        'contact_name="Cute Chic" />\n'
        '<sms protocol="0" address="09001234567" date="1717880401123" type="1" body="b" '
        'contact_name="Cute Chic" />\n'
        '<sms protocol="0" address="+339001234567" date="1717880402123" type="1" body="c" '
        'contact_name="MMA" />\n'
        "</smses>\n",
        encoding="utf-8",
    )
    result = parse(source, timezone=DEFAULT_ZONE)
    assert set(result.messages.get_column("chat")) == {"Cute Chic"}
    assert (
        "Cute Chic's messages are also saved under the name MMA; all are read as Cute Chic's"
        in (result.notes)
    )


def test_undelivered_messages_are_skipped_with_a_reason() -> None:
    result = parse(FOLDER / "drafts_failed.xml", timezone="Europe/London")
    assert [(s.line, s.reason) for s in result.skipped] == [
        (n, "never delivered") for n in (2, 4, 5, 6)
    ]


def test_surrogate_pairs_and_lone_surrogates_are_repaired_and_counted() -> None:
    result = parse(FOLDER / "surrogate_pairs.xml", timezone="Europe/Berlin")
    texts = result.messages["text"].to_list()
    assert texts[:3] == ["miss you 😎😘", "😍❤️", "broken emoji \ufffd here"]
    assert "1 lone surrogate" in " ".join(result.notes)
    # 2021-03-27 is the last day of winter time in Berlin.
    assert result.messages["utc_offset"].to_list() == [3600, 3600, 3600, 3600]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 64])
def test_repair_is_the_same_whatever_the_chunk_boundaries(chunk: int) -> None:
    raw = (FOLDER / "surrogate_pairs.xml").read_bytes()
    whole = b"".join(_repaired_chunks(io.BytesIO(raw), _Repairs()))
    repairs = _Repairs()
    pieces = b"".join(_repaired_chunks(io.BytesIO(raw), repairs, chunk_bytes=chunk))
    assert pieces == whole
    assert b"&#128526;&#128536;" in whole
    assert (repairs.pairs, repairs.lone, repairs.invalid) == (4, 1, 1)


def test_without_a_zone_the_computers_zone_is_used_and_noted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    result = parse(FOLDER / "sms_only.xml")
    assert set(result.messages["utc_offset"]) == {9 * 3600}
    assert any("Asia/Tokyo" in n for n in result.notes)


def test_zip_holding_the_backup(tmp_path: Path) -> None:
    archive = tmp_path / "backup.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(FOLDER / "sms_only.xml", "sms-20240314210451.xml")
    assert sniff(archive).name == "sms_xml"
    result = parse(archive, timezone=DEFAULT_ZONE)
    assert result.messages.height == 5


def test_truncated_backup_is_a_parse_error_with_line(tmp_path: Path) -> None:
    source = tmp_path / "sms-cut.xml"
    source.write_bytes((FOLDER / "sms_only.xml").read_bytes()[:1500])
    with pytest.raises(ParseError, match=r"not valid XML .*cut short") as caught:
        parse(source, timezone=DEFAULT_ZONE)
    assert caught.value.line is not None
    assert str(caught.value).startswith(f"{source}:")


def test_not_xml_is_a_parse_error(tmp_path: Path) -> None:
    source = tmp_path / "notes.xml"
    source.write_text("12/03/2024, 10:00 - Jake: hi\n", encoding="utf-8")
    with pytest.raises(ParseError, match="not XML: an SMS Backup"):
        parse(source, timezone=DEFAULT_ZONE)


def test_other_root_is_a_parse_error(tmp_path: Path) -> None:
    source = tmp_path / "calls.xml"
    source.write_text('<?xml version="1.0"?><calls count="0"></calls>', encoding="utf-8")
    with pytest.raises(ParseError, match=r"root element is <calls>"):
        parse(source, timezone=DEFAULT_ZONE)


def _big_backup(path: Path, *, records: int, media_bytes: int) -> int:
    """Write a backup of mostly MMS base64 media; return its size in bytes."""
    media = base64.b64encode(bytes(range(256)) * (media_bytes // 256)).decode()
    head = (
        f"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"{records}\">\n"
    )
    with path.open("w", encoding="utf-8") as fh:
        fh.write(head)
        for n in range(records):
            date = 1_700_000_000_000 + n * 60_000
            fh.write(
                f'<mms date="{date}" msg_box="{1 + n % 2}" address="+15551234567" '
                'contact_name="Jake"><parts>'
                '<part ct="application/smil" text="&lt;smil/&gt;"/>'
                f'<part ct="text/plain" text="photo {n} &#55357;&#56832;"/>'
                f'<part ct="image/jpeg" name="IMG_{n}.jpg" data="{media}"/>'
                "</parts></mms>\n"
            )
        fh.write("</smses>\n")
    return path.stat().st_size


def test_streaming_keeps_memory_small_on_a_large_backup(tmp_path: Path) -> None:
    source = tmp_path / "sms-big.xml"
    size = _big_backup(source, records=200, media_bytes=192 * 1024)
    assert size > 50_000_000
    tracemalloc.start()
    try:
        result = parse(source, timezone=DEFAULT_ZONE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.messages.height == 200
    assert result.messages["text"][0] == "photo 0 😀"
    assert peak < 30_000_000, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB file"


_PIECES = st.sampled_from([' data="', " data", "A", "b", "9", "=", "+", '"', "<", " ", "d", "\n"])


def _media_left_out(raw: bytes) -> bytes:
    """The media cut done on the whole file at once, with a regex (the reference)."""

    def value(match: re.Match[bytes]) -> bytes:
        base64 = re.fullmatch(rb"[A-Za-z0-9+/=\r\n]*", match[1]) is not None
        return b' data=""' if base64 else match[0]

    return re.sub(rb' data="([^"]*)"', value, raw)


@fixed_cases(300)
@given(
    pieces=st.lists(_PIECES, max_size=40),
    sizes=st.lists(st.integers(1, 9), min_size=1, max_size=6),
)
def test_media_is_left_out_the_same_whatever_the_chunk_boundaries(
    pieces: list[str], sizes: list[int]
) -> None:
    raw = "".join(pieces).encode()
    cut, out, at = _MediaCut(), [], 0
    for size in itertools.cycle(sizes):
        if at >= len(raw):
            break
        out.append(cut.cut(raw[at : at + size]))
        at += size
    assert b"".join(out) + cut.finish() == _media_left_out(raw)


def test_media_left_out_gives_the_same_messages(tmp_path: Path) -> None:
    source = tmp_path / "sms-media.xml"
    _big_backup(source, records=30, media_bytes=64 * 1024)
    stripped = tmp_path / "sms-stripped.xml"
    stripped.write_bytes(_media_left_out(source.read_bytes()))
    assert len(stripped.read_bytes()) < source.stat().st_size // 100
    assert_frame_equal(
        parse(source, timezone=DEFAULT_ZONE).messages.drop("source_file"),
        parse(stripped, timezone=DEFAULT_ZONE).messages.drop("source_file"),
    )


@pytest.mark.parametrize(
    "record",
    [
        # As ElementTree reads names: two colons (an unbound prefix) are not valid.
        b'<sms date="1700000000000" type="1" address="+1555" body="hi" a:b:c="x" />',
        # A data value that is not all base64 is not cut: it still reaches the XML parser.
        b'<mms date="1700000000000" msg_box="1" address="+1555" contact_name="Jo"><parts>'
        b'<part ct="image/jpeg" data="AAAA<BBBB"/></parts></mms>',
    ],
    ids=["namespaced-names", "not-base64-media"],
)
def test_invalid_xml_in_a_record_names_its_line(tmp_path: Path, record: bytes) -> None:
    source = tmp_path / "sms.xml"
    source.write_bytes(b'<?xml version="1.0"?>\n<smses count="1">\n' + record + b"\n</smses>\n")
    with pytest.raises(ParseError, match="not valid XML") as info:
        parse(source, timezone=DEFAULT_ZONE)
    assert info.value.line == 3


def test_unknown_declared_encoding_is_a_parse_error(tmp_path: Path) -> None:
    source = tmp_path / "sms.xml"
    source.write_bytes(b"<?xml version='1.0' encoding='UT' ?>\n<smses count=\"0\"></smses>\n")
    with pytest.raises(ParseError, match="names an encoding Python cannot read") as info:
        parse(source, timezone=DEFAULT_ZONE)
    assert info.value.line == 1


def test_progress_is_the_share_of_bytes_read(tmp_path: Path) -> None:
    source = tmp_path / "sms-big.xml"
    _big_backup(source, records=40, media_bytes=96 * 1024)  # about 5 chunks of 1 MiB
    shares = progress_shares(lambda: parse(source, timezone=DEFAULT_ZONE))
    assert len(shares) >= 4
    assert shares[-1] == 1.0


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(0, 4000), junk=st.binary(max_size=40), at=st.integers(0, 4000))
def test_mangled_backups_raise_only_pullaway_errors(
    tmp_path: Path, cut: int, junk: bytes, at: int
) -> None:
    raw = (FOLDER / "mms_parts_group.xml").read_bytes()
    mangled = raw[:at] + junk + raw[at:cut] if cut > at else raw[:cut] + junk
    source = tmp_path / "mangled.xml"
    source.write_bytes(mangled)
    try:
        result = parse(source, timezone=DEFAULT_ZONE)
    except PullawayError:
        return
    assert_lines_accounted(result)


def test_two_numbers_of_one_named_contact_are_one_chat_in_time_order(tmp_path: Path) -> None:
    source = tmp_path / "sms.xml"
    source.write_text(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"3\">\n"
        '<sms address="+15550000001" date="1700000300000" type="1" body="from work"'
        ' contact_name="Jake" />\n'
        '<sms address="+15551234567" date="1700000000000" type="1" body="from mobile"'
        ' contact_name="Jake" />\n'
        '<sms address="+15550000001" date="1700000600000" type="4" body="unsent"'
        ' contact_name="Jake" />\n'
        "</smses>\n",
        encoding="utf-8",
    )
    result = parse(source, chat="jake", timezone="UTC")
    assert result.messages["text"].to_list() == ["from mobile", "from work"]
    assert [c.name for c in result.chats] == ["Jake"]
    assert [(s.line, s.reason) for s in result.skipped] == [(3, "never delivered")]
    assert_lines_accounted(result)


def test_folder_holding_the_backup(tmp_path: Path) -> None:
    (tmp_path / "sms-20240314210451.xml").write_bytes((FOLDER / "sms_only.xml").read_bytes())
    assert sniff(tmp_path).name == "sms_xml"
    assert parse(tmp_path, timezone=DEFAULT_ZONE).messages.height == 5
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ParseError, match=r"no \.xml file"):
        parse(empty, timezone=DEFAULT_ZONE)


def test_garbage_without_markup_fails_at_once(tmp_path: Path) -> None:
    source = tmp_path / "big.xml"
    source.write_bytes(b"a" * (8 << 20))  # one 8 MB token: a parser would buffer it all
    with pytest.raises(ParseError, match="not XML"):
        parse(source, timezone=DEFAULT_ZONE)
