"""The web app in-process: the secret gate, CSRF, every page and its JSON twin, escaping."""

from __future__ import annotations

import ast
import json
import re
import time
import warnings
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import polars as pl
import pytest

from conftest import FIXTURES, ROOT
from pullaway.analysis.result import (
    Analysis,
    ChatSummary,
    Comparison,
    Episode,
    Evidence,
    GroupSummary,
    Guidance,
    Helpline,
    MechanismResult,
    Now,
    Safety,
    StrategyCounts,
)
from pullaway.importers import ChatMeta, ImportResult
from pullaway.ingest import import_file
from pullaway.model import MESSAGE_SCHEMA, with_message_ids
from pullaway.store.db import Store
from pullaway.web.app import create_app
from pullaway.web.import_form import in_app_words
from pullaway.web.security import csrf_token
from pullaway.web.settings_form import settings_object

with warnings.catch_warnings():
    # starlette 1.10 asks for "httpx2" and warns on httpx, which the project pins.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

SECRET = "test-secret-0123456789abcdef"
BASE = f"/s/{SECRET}"
ME, THEM = "Maya", "Leo"
START = date(2025, 1, 6)
CLOCK = datetime(2025, 5, 20, 12, 0, tzinfo=UTC)

XSS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "{{ 7*191 }}",
    "{% raw %}raw{% endraw %}",
)


# ---------------------------------------------------------------- sample data


def chat_messages(
    *, chat: str = "Leo", days: int = 120, extra: tuple[str, ...] = ()
) -> pl.DataFrame:
    """A plain two-person chat: both write daily, he goes quiet on days 60-70; ``extra`` last."""
    rows: list[dict[str, Any]] = []
    line = 0
    for day in range(days):
        base = datetime.combine(START + timedelta(days=day), datetime.min.time())
        quiet = 60 <= day < 70
        for k in range(6):
            sender = THEM if k % 2 else ME
            if quiet and sender == THEM:
                continue
            line += 1
            rows.append(_row(chat, base + timedelta(hours=9 + k), sender, f"message {line}", line))
    end = datetime.combine(START + timedelta(days=days), datetime.min.time())
    for i, text in enumerate(extra):
        line += 1
        sender = ME if i % 2 == 0 else THEM
        rows.append(_row(chat, end + timedelta(minutes=30 * i), sender, text, line))
    line += 1
    rows.append(_row(chat, end + timedelta(hours=20), ME, "are you ok??", line))
    frame = pl.DataFrame(rows, schema=MESSAGE_SCHEMA)
    return with_message_ids(frame).select(MESSAGE_SCHEMA.names())


def _row(chat: str, ts: datetime, sender: str, text: str, line: int) -> dict[str, Any]:
    return {
        "chat": chat,
        "message_id": "",
        "timestamp": ts,
        "utc_offset": None,
        "sender": sender,
        "kind": "text",
        "text": text,
        "source_file": "chat.txt",
        "source_line": line,
    }


def _curve(points: list[tuple[float, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "days": [float(d) for d, _ in points],
            "survival": [s for _, s in points],
            "lower": [max(0.0, s - 0.2) for _, s in points],
            "upper": [min(1.0, s + 0.2) for _, s in points],
            "at_risk": [len(points) - i for i in range(len(points))],
        },
        schema_overrides={"at_risk": pl.UInt32},
    )


def make_analysis(
    *, name: str = "Leo", days: int = 120, text: str = "I missed you", concern: bool = False
) -> Analysis:
    """A hand-built Analysis: two episodes (one returned, one ongoing), quoted ``text``."""
    day_list = [START + timedelta(days=i) for i in range(days)]
    daily = pl.DataFrame(
        {
            "day": day_list * 2,
            "person": ["me"] * days + ["them"] * days,
            "messages": [3] * days + [0 if 60 <= i < 70 else 3 for i in range(days)],
            "words": [9] * (2 * days),
            "initiations": [1] * (2 * days),
            "latency_minutes": [30.0] * (2 * days),
            "engagement": [None] * days + [-3.0 if 60 <= i < 70 else 0.1 for i in range(days)],
            "baseline_messages": [3.0] * (2 * days),
            "in_episode": [False] * days + [60 <= i < 70 or i >= days - 5 for i in range(days)],
        },
        schema_overrides={
            "messages": pl.UInt32,
            "words": pl.UInt32,
            "initiations": pl.UInt32,
            "engagement": pl.Float64,
        },
    )
    when = datetime.combine(START + timedelta(days=70), datetime.min.time()) + timedelta(hours=9)
    quote = Evidence(when, THEM, text)
    mine = Evidence(when - timedelta(days=5), ME, text)
    counts = StrategyCounts(4, 0.4, 3.0, 1, 1, 0, 0, 96.0, 1.3)
    mechanisms = tuple(
        MechanismResult(
            n,
            ("consistent", "inconsistent", "no_signal", "not_observable")[n % 4],  # type: ignore[arg-type]
            f"Summary {n} with the numbers behind it.",
            (quote, mine) if n in (4, 7) else (),
        )
        for n in range(1, 10)
    )
    first = Episode(
        1,
        day_list[60],
        day_list[70],
        "let_go",
        counts,
        "returned",
        10.0,
        "stronger",
        "clear",
        0.1,
        f"He wrote {text} when he came back.",
        mechanisms,
    )
    second = Episode(
        2,
        day_list[days - 5],
        None,
        "chased",
        counts,
        "ongoing",
        None,
        None,
        "possible",
        0.4,
        "Still going.",
        mechanisms,
    )
    group = GroupSummary(1, 1, 10.0, _curve([(0, 1.0), (10, 0.0)]))
    empty = GroupSummary(0, 0, None, _curve([]))
    return Analysis(
        chat=ChatSummary(
            name,
            ME,
            THEM,
            720,
            datetime.combine(day_list[0], datetime.min.time()),
            datetime.combine(day_list[-1], datetime.min.time()),
        ),
        daily=daily,
        episodes=(first, second),
        comparison=Comparison(
            group,
            GroupSummary(1, 0, None, _curve([(0, 1.0), (5, 1.0)])),
            empty,
            False,
            5,
            "Too few pull-aways to compare: 1 and 1.",
        ),
        now=Now(
            "pulling_away",
            day_list[days - 5],
            5,
            "chased",
            1,
            1,
            "In 1 of 1 earlier pull-aways he came back, after 10 days.",
            _curve([(0, 1.0), (10, 0.0)]),
            (
                Guidance(1, f"Give yourself a quiet evening. {text}"),
                Guidance(7, "Write in your journal instead of texting."),
            ),
        ),
        safety=Safety(
            ending=False,
            concern=concern,
            reasons=(f"A message reads as control: {text}",) if concern else (),
            evidence=(quote,) if concern else (),
            resources=(Helpline("US", "National Domestic Violence Hotline", "1-800-799-7233"),)
            if concern
            else (),
        ),
        settings={},
        notes=("Dates read as day/month/year.",),
    )


# ---------------------------------------------------------------- fixtures


def fake_analyze(text: str = "I missed you", concern: bool = False) -> Any:
    def analyze_chat(store: Store, chat_id: str) -> Analysis:
        row = store.chat(chat_id)
        return make_analysis(name=row.name, text=text, concern=concern)

    return analyze_chat


def open_store(tmp_path: Path, messages: pl.DataFrame, *, name: str = "Leo") -> Store:
    store = Store.open(tmp_path / "store.db")
    result = ImportResult(
        messages=messages, chats=(ChatMeta(name=name, me_guess=ME),), units=messages.height
    )
    store.add_import(result, source=tmp_path / "chat.txt", file_hash="abc", format="whatsapp")
    return store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path, chat_messages())
    yield s
    s.close()


@pytest.fixture
def client(store: Store) -> TestClient:
    app = create_app(store, SECRET, analyze_chat=fake_analyze(), clock=lambda: CLOCK)
    return TestClient(app, base_url="http://127.0.0.1:8765")


def chat_id(store: Store) -> str:
    return store.chats()[0].chat_id


def post(client: TestClient, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    form = {"csrf": csrf_token(SECRET), **(data or {})}
    return client.post(BASE + path, data=form, follow_redirects=False, **kw)


def set_me(client: TestClient, cid: str) -> None:
    assert post(client, f"/chats/{cid}/me", {"me": ME}).status_code == 303


# ---------------------------------------------------------------- the secret gate


PAGES = ("/now", "/timeline", "/episodes/1", "/compare", "/journal", "/draft", "/settings")


def all_paths(cid: str) -> list[str]:
    pages = ["/", "/import", *[f"/chats/{cid}{p}" for p in PAGES]]
    return pages + [("/index" if p == "/" else p) + ".json" for p in pages] + ["/static/app.js"]


def test_every_route_needs_the_secret(client: TestClient, store: Store) -> None:
    cid = chat_id(store)
    set_me(client, cid)
    for path in all_paths(cid):
        assert client.get(BASE + path).status_code in (200, 303), path
        for prefix in ("", "/s/wrong-secret-0123456789", f"/s/{SECRET[:-1]}", f"/s/{SECRET}x"):
            response = client.get(prefix + path, follow_redirects=False)
            assert response.status_code == 403, prefix + path
            assert SECRET not in response.text


def test_posts_need_the_secret_too(client: TestClient, store: Store) -> None:
    response = client.post(
        f"/chats/{chat_id(store)}/me", data={"me": ME, "csrf": csrf_token(SECRET)}
    )
    assert response.status_code == 403


def test_foreign_host_header_is_refused(client: TestClient) -> None:
    assert client.get(BASE + "/", headers={"host": "evil.example:8765"}).status_code == 403


def test_security_headers_on_pages_static_and_403(client: TestClient) -> None:
    for path in (BASE + "/", BASE + "/static/app.css", "/nope"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


# ---------------------------------------------------------------- CSRF


def test_post_without_token_is_refused(client: TestClient, store: Store) -> None:
    cid = chat_id(store)
    response = client.post(f"{BASE}/chats/{cid}/me", data={"me": ME}, follow_redirects=False)
    assert response.status_code == 403
    assert store.chat(cid).me in (None, ME)
    wrong = client.post(f"{BASE}/chats/{cid}/delete", data={"confirm": "yes", "csrf": "x" * 64})
    assert wrong.status_code == 403
    assert store.chats()  # not deleted


def test_post_from_another_origin_is_refused(client: TestClient, store: Store) -> None:
    cid = chat_id(store)
    for headers in ({"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"}):
        response = post(client, f"/chats/{cid}/delete", {"confirm": "yes"}, headers=headers)
        assert response.status_code == 403
    assert store.chats()


# ---------------------------------------------------------------- pages and twins


def test_home_lists_chats(client: TestClient, store: Store) -> None:
    page = client.get(BASE + "/")
    assert page.status_code == 200
    assert "Leo" in page.text
    data = client.get(BASE + "/index.json").json()
    assert [c["chat_id"] for c in data["chats"]] == [chat_id(store)]


def test_chat_without_me_goes_to_settings(client: TestClient, store: Store) -> None:
    cid = chat_id(store)
    if store.chat(cid).me:
        pytest.skip("the store guessed 'me' already")
    response = client.get(f"{BASE}/chats/{cid}/now", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/settings#who")
    assert client.get(f"{BASE}/chats/{cid}/now.json").status_code == 409


@pytest.mark.parametrize("page", PAGES)
def test_each_page_and_its_twin(client: TestClient, store: Store, page: str) -> None:
    cid = chat_id(store)
    set_me(client, cid)
    html = client.get(f"{BASE}/chats/{cid}{page}")
    assert html.status_code == 200, html.text
    assert html.headers["content-type"].startswith("text/html")
    assert "<script>" not in html.text  # no inline script, only src= and JSON blocks
    twin = client.get(f"{BASE}/chats/{cid}{page}.json")
    assert twin.status_code == 200
    assert twin.headers["content-type"] == "application/json"
    assert twin.json()["title"]


def test_now_shows_phase_history_and_guidance(client: TestClient, store: Store) -> None:
    cid = chat_id(store)
    set_me(client, cid)
    text = client.get(f"{BASE}/chats/{cid}/now").text
    assert "He is pulling away" in text
    assert "Day 5" in text
    assert "In 1 of 1 earlier pull-aways" in text
    assert "Write in your journal" in text
    data = client.get(f"{BASE}/chats/{cid}/now.json").json()
    assert data["phase"] == "pulling_away"
    assert data["curve"][-1]["back"] == 1.0


def test_timeline_data_is_aggregates_with_episode_links(client: TestClient, store: Store) -> None:
    cid = chat_id(store)
    set_me(client, cid)
    chart = client.get(f"{BASE}/chats/{cid}/timeline.json").json()["chart"]
    assert len(chart["days"]) == 120
    assert chart["them"][61] == 0
    assert chart["episodes"][0]["href"] == f"{BASE}/chats/{cid}/episodes/1"
    assert "text" not in str(chart.keys())


def test_episode_page_tells_the_story_with_nine_cards(client: TestClient, store: Store) -> None:
    cid = chat_id(store)
    set_me(client, cid)
    text = client.get(f"{BASE}/chats/{cid}/episodes/1").text
    assert text.count('class="card mech-card') == 9
    assert "I missed you" in text
    assert client.get(f"{BASE}/chats/{cid}/episodes/9").status_code == 404


def test_concern_shows_resources_and_quick_exit_instead_of_strategy(store: Store) -> None:
    app = create_app(store, SECRET, analyze_chat=fake_analyze(concern=True), clock=lambda: CLOCK)
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    cid = chat_id(store)
    set_me(client, cid)
    text = client.get(f"{BASE}/chats/{cid}/now").text
    assert "data-quick-exit" in text
    assert "may see this device" in text
    assert "1-800-799-7233" in text
    assert "Write in your journal" not in text  # no strategy while a concern stands
    assert "mech-card" not in client.get(f"{BASE}/chats/{cid}/episodes/1").text


def test_compare_is_honest_about_small_groups(client: TestClient, store: Store) -> None:
    cid = chat_id(store)
    set_me(client, cid)
    text = client.get(f"{BASE}/chats/{cid}/compare").text
    assert "Too few pull-aways to compare" in text
    assert "Fewer than 5 pull-aways" in text


def test_journal_entry_is_saved_and_shown(client: TestClient, store: Store) -> None:
    cid = chat_id(store)
    set_me(client, cid)
    form = {"day": "2025-05-19", "mood": "4", "urge": "7", "self_care": "a long walk", "note": "ok"}
    assert post(client, f"/chats/{cid}/journal", form).status_code == 303
    data = client.get(f"{BASE}/chats/{cid}/journal.json").json()
    assert data["entries"][0]["self_care"] == "a long walk"
    assert data["streak"]["checkin_run"] == 1
    assert data["streak"]["last_follow_up"] is not None  # "are you ok??" after her last burst
    bad = post(client, f"/chats/{cid}/journal", {**form, "mood": "9"})
    assert bad.status_code == 400
    assert "mood" in bad.text


def test_draft_check_and_hold(client: TestClient, store: Store) -> None:
    cid = chat_id(store)
    set_me(client, cid)
    check = post(client, f"/chats/{cid}/draft.json", {"text": "hello?? please answer me"})
    data = check.json()["check"]
    assert "follow_up" in data["flags"]  # her last message ("are you ok??") is unanswered
    assert data["verdict"] in ("checking", "pleading")
    assert 1 in data["mechanisms"]
    assert 5 in data["mechanisms"]
    held = post(
        client, f"/chats/{cid}/draft/hold", {"text": "hello?? please answer me", "hold": "3d"}
    )
    assert held.status_code == 303
    listed = client.get(f"{BASE}/chats/{cid}/draft.json").json()["held"]
    assert listed[0]["status"] == "waiting"
    post(client, f"/chats/{cid}/draft/{listed[0]['id']}/release")
    assert client.get(f"{BASE}/chats/{cid}/draft.json").json()["held"][0]["status"] == "released"


def test_settings_are_saved_and_passed_on(client: TestClient, store: Store) -> None:
    cid = chat_id(store)
    set_me(client, cid)
    rarer = {"withdrawal_start_probability": "0.002"}
    assert post(client, f"/chats/{cid}/settings", rarer).status_code == 303
    assert store.settings(cid)["withdrawal_start_probability"] == 0.002
    fields = client.get(f"{BASE}/chats/{cid}/settings.json").json()["fields"]
    assert next(f for f in fields if f["name"] == "withdrawal_start_probability")["changed"]
    bad = post(client, f"/chats/{cid}/settings", {"withdrawal_start_probability": "lots"})
    assert bad.status_code == 400


def test_a_list_of_numbers_setting_is_checked_and_revived(client: TestClient, store: Store) -> None:
    cid = chat_id(store)
    set_me(client, cid)
    levels = {"withdrawn_levels": "0.1,0.4"}
    assert post(client, f"/chats/{cid}/settings", levels).status_code == 303
    assert store.settings(cid)["withdrawn_levels"] == "0.1, 0.4"
    assert settings_object(store.settings(cid)).withdrawn_levels == (0.1, 0.4)
    assert client.get(f"{BASE}/chats/{cid}/now").status_code == 200
    bad = post(client, f"/chats/{cid}/settings", {"withdrawn_levels": "half, a third"})
    assert bad.status_code == 400


def test_delete_needs_confirmation(client: TestClient, store: Store) -> None:
    cid = chat_id(store)
    assert post(client, f"/chats/{cid}/delete").status_code == 400
    assert post(client, f"/chats/{cid}/delete", {"confirm": "yes"}).status_code == 303
    assert store.chats() == []


def test_errors_are_one_line_html_or_json(client: TestClient) -> None:
    page = client.get(BASE + "/chats/nobody/now")
    assert page.status_code == 404
    assert "no chat" in page.text
    assert client.get(BASE + "/chats/nobody/now.json").json()["error"].startswith("no chat")


def test_upload_imports_a_whatsapp_export(client: TestClient, tmp_path: Path) -> None:
    export = "\n".join(
        f"{d:02d}/03/2025, 10:0{k} - {'Maya' if k % 2 else 'Leo'}: hello {d} {k}"
        for d in range(1, 21)
        for k in range(4)
    )
    export = "garbage line that is not a message\n" + export + "\n"
    files = {"files": ("WhatsApp Chat with Leo.txt", export.encode(), "text/plain")}
    response = client.post(BASE + "/import.json", data={"csrf": csrf_token(SECRET)}, files=files)
    assert response.status_code == 200, response.text
    imports = response.json()["imports"]
    assert imports, response.json()
    assert imports[0]["added"] == 80
    assert {s["name"] for s in imports[0]["senders"]} == {"Maya", "Leo"}


def test_the_import_page_says_a_renamed_partner_was_followed(client: TestClient) -> None:
    def export(partner: str, days: range) -> bytes:
        lines = (
            f"{d:02d}/03/2025, 10:0{k} - {'Maya' if k % 2 else partner}: hello {d} {k}"
            for d in days
            for k in range(4)
        )
        return ("\n".join(lines) + "\n").encode()

    csrf = {"csrf": csrf_token(SECRET)}
    first = {"files": ("WhatsApp Chat with Sam.txt", export("Sam", range(1, 15)), "text/plain")}
    assert client.post(BASE + "/import", data=csrf, files=first).status_code == 200
    renamed = "<b>Sam"
    later = export(renamed, range(8, 21))
    files = {"files": (f"WhatsApp Chat with {renamed}.txt", later, "text/plain")}
    page = client.post(BASE + "/import", data=csrf, files=files)
    assert page.status_code == 200, page.text
    assert "&#39;&lt;b&gt;Sam&#39; is &#39;Sam&#39; renamed" in page.text
    assert "<b>Sam" not in page.text  # the name from the file is escaped
    assert "How the file was read" in page.text  # the importer's own notes, folded away
    assert "date order day/month/year" in page.text
    imports = client.post(BASE + "/import.json", data=csrf, files=files).json()["imports"]
    assert imports[0]["chat_id"] == "sam"
    assert {s["name"] for s in imports[0]["senders"]} == {"Maya", "Sam"}


def test_another_discord_dm_of_a_stored_name_links_to_the_merge(client: TestClient) -> None:
    """Two people called Lumi: the second DM, another channel id, is stored apart, and its
    import result links to merging the first into it (for one person's new account)."""
    seed = json.loads((FIXTURES / "discord" / "direct_messages.json").read_bytes())
    other = {**seed, "channel": {**seed["channel"], "id": "2222"}}
    csrf = {"csrf": csrf_token(SECRET)}
    for document in (seed, other):
        data = json.dumps(document).encode()
        files = {"files": ("dm.json", data, "application/json")}
        page = client.post(BASE + "/import", data=csrf, files=files)
        assert page.status_code == 200, page.text
    assert "stored as &#39;Lumi (2)&#39;" in page.text
    assert "Merge “Lumi” (discord) into this chat" in page.text
    assert f'href="{BASE}/chats/lumi-2/merge?other=lumi"' in page.text


def test_a_chat_db_uploaded_with_its_log_is_read_with_it(
    client: TestClient, tmp_path: Path
) -> None:
    from test_imessage import add_log_only_row, logged_chat_db

    db = logged_chat_db(tmp_path / "chat.db")
    add_log_only_row(db)
    files = [
        ("files", (name, (tmp_path / name).read_bytes(), "application/octet-stream"))
        for name in ("chat.db", "chat.db-wal", "chat.db-shm")
    ]
    db.conn.close()
    response = client.post(BASE + "/import.json", data={"csrf": csrf_token(SECRET)}, files=files)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["errors"] == []
    assert [i["file"] for i in body["imports"]] == ["chat.db"]
    assert body["imports"][0]["added"] == 2


def test_a_chat_db_uploaded_with_a_contacts_database_gets_names(
    client: TestClient, tmp_path: Path
) -> None:
    from test_contacts import CARDS, write_mac_contacts, write_messages

    write_messages(tmp_path / "chat.db")
    write_mac_contacts(tmp_path / "AddressBook-v22.abcddb", CARDS)
    files = [
        ("files", (name, (tmp_path / name).read_bytes(), "application/octet-stream"))
        for name in ("chat.db", "AddressBook-v22.abcddb")
    ]
    response = client.post(BASE + "/import.json", data={"csrf": csrf_token(SECRET)}, files=files)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["errors"] == []
    assert {i["file"] for i in body["imports"]} == {"chat.db"}
    assert "Leo Martin" in {i["name"] for i in body["imports"]}


def test_a_chat_named_by_contacts_later_links_to_the_merges_it_needs(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    """His number's and his Apple ID's chats were imported before Contacts; the chat.db read
    again with Contacts is one new chat, whose import result links to merging each old one,
    and the merge page says who is who from the messages both hold."""
    from pullaway.simulate.chat_db import write_iphone_contacts
    from test_contacts import CARDS, LEO_MAIL, LEO_PHONE, write_talk

    database = write_talk(tmp_path / "copied" / "chat.db", (LEO_PHONE, LEO_MAIL))
    import_file(store, database, timezone="UTC")
    write_iphone_contacts(database.with_name("AddressBook.sqlitedb"), CARDS)
    files = [
        ("files", (name, (database.parent / name).read_bytes(), "application/octet-stream"))
        for name in ("chat.db", "AddressBook.sqlitedb")
    ]
    page = client.post(BASE + "/import", data={"csrf": csrf_token(SECRET)}, files=files)
    assert page.status_code == 200, page.text
    leo = next(c for c in store.chats() if c.name == "Leo Martin")
    phone = store.chat(LEO_PHONE).chat_id
    link = f'href="{BASE}/chats/{leo.chat_id}/merge?other={phone}"'
    assert link in page.text
    assert "Merge “+15551234567” (imessage) into this chat" in page.text
    data = client.get(BASE + f"/chats/{leo.chat_id}/merge.json", params={"other": phone}).json()
    assert [(s["name"], s["choice"]) for s in data["senders"]] == [
        (LEO_PHONE, "Leo Martin"),
        ("Me", "Me"),
    ]


def test_an_upload_is_recorded_under_its_own_name(client: TestClient, store: Store) -> None:
    """Not under the temporary folder it was saved in, which is gone after the import."""
    data = (FIXTURES / "whatsapp" / "android_zip.zip").read_bytes()
    files = {"files": ("Chat export.zip", data, "application/zip")}
    response = client.post(BASE + "/import.json", data={"csrf": csrf_token(SECRET)}, files=files)
    cid = response.json()["imports"][0]["chat_id"]
    sources = set(store.messages(cid)["source_file"])
    assert len(sources) == 1
    assert next(iter(sources)).startswith("Chat export.zip/")
    assert store.imports(cid)["source"].to_list() == ["Chat export.zip"]


def test_upload_page_counts_in_the_files_unit(client: TestClient) -> None:
    whatsapp = b"not a message\n21/03/2025, 10:00 - Maya: hi\n21/03/2025, 10:01 - Leo: hey\n"
    telegram = (FIXTURES / "telegram" / "personal_chat.json").read_bytes()
    for name, data, counted in [
        ("WhatsApp Chat with Leo.txt", whatsapp, "1 line skipped"),
        ("result.json", telegram, "1 record skipped"),
    ]:
        files = {"files": (name, data, "application/octet-stream")}
        response = client.post(BASE + "/import", data={"csrf": csrf_token(SECRET)}, files=files)
        assert response.status_code == 200, response.text
        assert counted in response.text
    # Each of the two senders wrote one message: no "1 messages" anywhere.
    two = b"21/03/2025, 10:00 - Maya: hi\n21/03/2025, 10:01 - Sam: hey\n"
    page = client.post(
        BASE + "/import",
        data={"csrf": csrf_token(SECRET)},
        files={"files": ("WhatsApp Chat with Sam.txt", two, "text/plain")},
    ).text
    assert "2 messages read" in page
    assert 'Sam <span class="muted small">1 message</span>' in page
    assert "1 messages" not in page


def test_upload_of_an_unknown_file_says_why(client: TestClient) -> None:
    files = {"files": ("notes.txt", b"just some notes\n", "text/plain")}
    response = client.post(BASE + "/import", data={"csrf": csrf_token(SECRET)}, files=files)
    assert response.status_code == 200
    assert "not a chat export" in response.text


# ---------------------------------------------------------------- untrusted text


def test_xss_chat_is_shown_as_text(tmp_path: Path) -> None:
    payload = " ".join(XSS)
    store = open_store(tmp_path, chat_messages(chat=XSS[0], extra=XSS), name=XSS[0])
    try:
        app = create_app(
            store,
            SECRET,
            analyze_chat=fake_analyze(text=payload, concern=True),
            clock=lambda: CLOCK,
        )
        client = TestClient(app, base_url="http://127.0.0.1:8765")
        cid = chat_id(store)
        set_me(client, cid)
        post(
            client,
            f"/chats/{cid}/journal",
            {"mood": "3", "urge": "2", "self_care": payload, "note": payload},
        )
        post(client, f"/chats/{cid}/draft/hold", {"text": payload, "hold": "1h"})
        pages = ["/", *[f"/chats/{cid}{p}" for p in PAGES]]
        for page in pages:
            text = client.get(BASE + page).text
            assert "<script>alert" not in text, page
            assert "<img src=x" not in text, page
            assert 'href="javascript:' not in text, page
            assert "1337" not in text, page  # {{ 7*191 }} never evaluated
            assert (
                "&lt;script&gt;alert(1)&lt;/script&gt;" in text
                or page == "/chats/" + cid + "/compare"
            ), page
        draft = post(client, f"/chats/{cid}/draft", {"text": payload}).text
        assert "&lt;img src=x onerror=alert(1)&gt;" in draft
        assert "{{ 7*191 }}" in draft
        assert "{% raw %}" in draft
    finally:
        store.close()


def test_chart_json_cannot_close_its_script_tag(client: TestClient, store: Store) -> None:
    cid = chat_id(store)
    set_me(client, cid)
    text = client.get(f"{BASE}/chats/{cid}/timeline").text
    block = text.split('<script type="application/json" id="chart-main">', 1)[1].split("</script>")[
        0
    ]
    assert "<" not in block
    assert ">" not in block


# ---------------------------------------------------------------- the real analysis, the cache


def test_pages_with_the_real_analysis(tmp_path: Path) -> None:
    from pullaway.simulate import simulate

    sim = simulate(seed=6, days=160, strategies=("let_go", "chased"))
    name = sim.messages["chat"][0]
    store = open_store(tmp_path, sim.messages, name=name)
    try:
        client = TestClient(create_app(store, SECRET), base_url="http://127.0.0.1:8765")
        cid = chat_id(store)
        set_me(client, cid)
        for page in PAGES:
            assert client.get(f"{BASE}/chats/{cid}{page}").status_code == 200, page
            assert client.get(f"{BASE}/chats/{cid}{page}.json").status_code == 200, page
        timeline = client.get(f"{BASE}/chats/{cid}/timeline.json").json()
        assert len(timeline["chart"]["days"]) == 160
        assert len(timeline["episodes"]) == len(timeline["chart"]["episodes"])
    finally:
        store.close()


def test_analysis_is_cached_until_the_chat_or_settings_change(store: Store) -> None:
    calls: list[str] = []
    inner = fake_analyze()

    def counting(s: Store, cid: str) -> Analysis:
        calls.append(cid)
        result: Analysis = inner(s, cid)
        return result

    client = TestClient(
        create_app(store, SECRET, analyze_chat=counting, clock=lambda: CLOCK),
        base_url="http://127.0.0.1:8765",
    )
    cid = chat_id(store)
    set_me(client, cid)
    for page in ("/now", "/timeline", "/compare", "/episodes/1"):
        client.get(f"{BASE}/chats/{cid}{page}")
    assert len(calls) == 1
    post(client, f"/chats/{cid}/settings", {"withdrawal_start_probability": "0.002"})
    client.get(f"{BASE}/chats/{cid}/now")
    assert len(calls) == 2


def test_analysis_is_redone_when_another_process_names_the_partner(tmp_path: Path) -> None:
    """The CLI, run while the app is open, imports an export that names him where the store
    had his number: the same messages, new names, so a new analysis."""
    number = "+1 555-123-4567"
    by_number = chat_messages(chat=number).with_columns(pl.col("sender").replace(THEM, number))
    store = open_store(tmp_path, with_message_ids(by_number), name=number)
    calls: list[str] = []

    def counting(s: Store, cid: str) -> Analysis:
        calls.append(s.chat(cid).name)
        result: Analysis = fake_analyze()(s, cid)
        return result

    try:
        client = TestClient(
            create_app(store, SECRET, analyze_chat=counting, clock=lambda: CLOCK),
            base_url="http://127.0.0.1:8765",
        )
        cid = chat_id(store)
        set_me(client, cid)
        client.get(f"{BASE}/chats/{cid}/now")
        with Store.open(tmp_path / "store.db") as cli:
            named = ImportResult(messages=chat_messages(), chats=(ChatMeta(name=THEM),), units=1)
            imported = cli.add_import(
                named, source=tmp_path / "new.txt", file_hash="new", format="whatsapp"
            )
        assert (imported[0].chat_id, imported[0].added) == (cid, 0)
        client.get(f"{BASE}/chats/{cid}/now")
    finally:
        store.close()
    assert calls == [number, THEM]


def test_a_bug_gives_a_calm_500_with_the_security_headers(store: Store) -> None:
    def broken(s: Store, cid: str) -> Analysis:
        raise RuntimeError("boom")

    client = TestClient(
        create_app(store, SECRET, analyze_chat=broken, clock=lambda: CLOCK),
        base_url="http://127.0.0.1:8765",
    )
    cid = chat_id(store)
    set_me(client, cid)
    response = client.get(f"{BASE}/chats/{cid}/now")
    assert response.status_code == 500
    assert "boom" not in response.text
    assert "went wrong inside pullaway" in response.text
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_warm_start_analyses_in_the_background(store: Store) -> None:
    calls: list[str] = []
    inner = fake_analyze()

    def counting(s: Store, cid: str) -> Analysis:
        calls.append(cid)
        result: Analysis = inner(s, cid)
        return result

    cid = chat_id(store)
    store.set_me(cid, ME)
    app = create_app(store, SECRET, analyze_chat=counting, clock=lambda: CLOCK, warm=True)
    deadline = time.monotonic() + 10
    while not calls and time.monotonic() < deadline:
        time.sleep(0.02)
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    assert client.get(f"{BASE}/chats/{cid}/timeline").status_code == 200
    assert calls == [cid]


# ---------------------------------------------------------------- merging two chats


def test_two_chats_of_one_conversation_are_merged_from_the_settings_page(
    store: Store, client: TestClient, tmp_path: Path
) -> None:
    """The SMS backup of the same couple: chosen on the settings page, who is who suggested
    (her guessed "Me" is her, his contact name is him) and confirmed, merged; its later
    exports go into the chat. Names are escaped on both pages."""
    from test_merge import SMS

    cid = chat_id(store)
    backup = tmp_path / "sms.xml"
    backup.write_text(
        SMS.replace('contact_name="Leo"', 'contact_name="&lt;b&gt;Leo&lt;/b&gt;"'), "utf-8"
    )
    import_file(store, backup, timezone="UTC")
    set_me(client, cid)
    sms = next(c for c in store.chats() if c.format == "sms_xml")
    page = client.get(BASE + f"/chats/{cid}/settings")
    assert "Merge another chat into this one" in page.text
    assert (
        f'<option value="{sms.chat_id}">&lt;b&gt;Leo&lt;/b&gt; (sms_xml, 2 messages)' in page.text
    )
    before = store.messages(cid).height
    choose = client.get(BASE + f"/chats/{cid}/merge", params={"other": sms.chat_id})
    assert choose.status_code == 200
    assert "<b>Leo</b>" not in choose.text
    assert "&lt;b&gt;Leo&lt;/b&gt;" in choose.text
    data = client.get(BASE + f"/chats/{cid}/merge.json", params={"other": sms.chat_id}).json()
    assert [(s["name"], s["choice"]) for s in data["senders"]] == [
        ("<b>Leo</b>", "Leo"),  # the other person is the other person
        ("Me", ME),  # the backup's guess for her (not chosen yet) is her
    ]
    answers = {"other": sms.chat_id, "sender-0": "Leo", "sender-1": ME}
    done = post(client, f"/chats/{cid}/merge", answers)
    assert done.status_code == 303
    assert "/settings?merged=" in done.headers["location"]
    assert [c.chat_id for c in store.chats()] == [cid]
    merged = store.messages(cid)
    assert merged.height == before + 2
    assert set(merged["sender"]) <= {ME, "Leo"}
    after = client.get(done.headers["location"]).text
    assert "Merged &lt;b&gt;Leo&lt;/b&gt; (2 new messages)" in after
    assert "Merged into this chat: “&lt;b&gt;Leo&lt;/b&gt;” (sms_xml)" in after
    again = import_file(store, backup, timezone="UTC")
    assert [(c.chat_id, c.added) for c in again.chats] == [(cid, 0)]


def test_the_chat_and_its_senders_are_renamed_from_the_settings_page(
    store: Store, client: TestClient
) -> None:
    cid = chat_id(store)
    set_me(client, cid)
    page = client.get(BASE + f"/chats/{cid}/settings")
    assert 'class="rename-form"' in page.text
    senders = [name for name, _ in store.senders(cid)]
    form = {"name": "<i>L</i>"} | {f"was-{i}": name for i, name in enumerate(senders)}
    form |= {f"sender-{i}": name for i, name in enumerate(senders)}
    form[f"sender-{senders.index(THEM)}"] = "<i>L</i>"
    done = post(client, f"/chats/{cid}/rename", form)
    assert done.status_code == 303
    after = client.get(done.headers["location"]).text
    assert "Renamed: Leo → &lt;i&gt;L&lt;/i&gt;, Leo → &lt;i&gt;L&lt;/i&gt;." in after
    assert "<i>L</i>" not in after
    row = store.chat(cid)
    assert (row.chat_id, row.name, row.me, row.them) == (cid, "<i>L</i>", ME, "<i>L</i>")
    now = [name for name, _ in store.senders(cid)]
    same = {"name": "<i>L</i>"} | {f"was-{i}": name for i, name in enumerate(now)}
    same |= {f"sender-{i}": name for i, name in enumerate(now)}
    unchanged = post(client, f"/chats/{cid}/rename", same)
    assert unchanged.status_code == 303
    assert "renamed=" not in unchanged.headers["location"]
    emptied = post(client, f"/chats/{cid}/rename.json", same | {"sender-0": " "})
    assert emptied.status_code == 400
    assert emptied.json()["error"] == "a name cannot be empty"
    assert store.chat(cid).name == "<i>L</i>"


def test_a_merge_needs_every_sender_answered(
    store: Store, client: TestClient, tmp_path: Path
) -> None:
    from test_merge import SMS

    backup = tmp_path / "sms.xml"
    backup.write_text(SMS, "utf-8")
    import_file(store, backup, timezone="UTC")
    cid = chat_id(store)
    sms = next(c for c in store.chats() if c.format == "sms_xml")
    response = post(client, f"/chats/{cid}/merge.json", {"other": sms.chat_id, "sender-0": "Leo"})
    assert response.status_code == 400
    assert response.json()["error"] == "say who 'Me' is in this chat (or keep the name)"
    assert len(store.chats()) == 2


# ---------------------------------------------------------------- a path on this computer, a zone


def test_a_folder_on_this_computer_is_imported_by_its_path(
    store: Store, client: TestClient, tmp_path: Path
) -> None:
    """An iPhone backup folder is too big to upload: its path is given instead."""
    from test_imessage import _backup

    page = client.get(BASE + "/import")
    assert 'name="path"' in page.text
    assert '<option value="Europe/Madrid">' in page.text
    backup = _backup(tmp_path / "00008030-001A2B3C4D5E802E")
    body = client.post(
        BASE + "/import.json", data={"csrf": csrf_token(SECRET), "path": str(backup)}
    ).json()
    assert body["errors"] == []
    assert [(i["file"], i["format"], i["name"]) for i in body["imports"]] == [
        (backup.name, "imessage", "+15551234567")
    ]
    missing = client.post(
        BASE + "/import.json", data={"csrf": csrf_token(SECRET), "path": "/no/such/<b>file"}
    ).json()
    assert missing["errors"] == [
        {"file": "/no/such/<b>file", "error": "no such file or folder on this computer"}
    ]
    html = post(client, "/import", {"path": "/no/such/<b>file"})
    assert "/no/such/&lt;b&gt;file" in html.text


def test_the_import_page_takes_a_time_zone(
    store: Store, client: TestClient, tmp_path: Path
) -> None:
    from test_merge import SMS

    files = {"files": ("sms.xml", SMS.encode(), "application/xml")}
    form = {"csrf": csrf_token(SECRET), "timezone": "America/New_York"}
    body = client.post(BASE + "/import.json", data=form, files=files).json()
    (sms,) = body["imports"]
    offsets = set(store.messages(sms["chat_id"])["utc_offset"])
    assert offsets == {-5 * 3600}  # March 2024, before daylight saving time began
    bad = client.post(BASE + "/import.json", data=form | {"timezone": "Mars/Olympus"}, files=files)
    assert bad.status_code == 400
    assert bad.json()["error"].startswith("unknown time zone 'Mars/Olympus'")


def test_the_import_page_takes_the_date_order_and_its_errors_name_the_field(
    client: TestClient,
) -> None:
    ambiguous = (FIXTURES / "whatsapp" / "ambiguous.txt").read_bytes()
    files = {"files": ("WhatsApp Chat with Daniel.txt", ambiguous, "text/plain")}
    form = {"csrf": csrf_token(SECRET)}
    refused = client.post(BASE + "/import.json", data=form, files=files).json()
    (error,) = refused["errors"]
    assert (
        "choose the Date order (day/month/year or month/day/year) under More options"
        in (error["error"])
    )
    assert "--" not in error["error"]
    html = client.post(BASE + "/import", data=form, files=files).text
    assert '<details class="more-ways" open>' in html  # where the error points
    read = client.post(BASE + "/import.json", data=form | {"date_order": "mdy"}, files=files)
    (chat,) = read.json()["imports"]
    assert "date order month/day/year: chosen under More options" in chat["file_notes"]
    again = client.post(BASE + "/import", data=form | {"date_order": "mdy"}, files=files).text
    assert '<option value="mdy" selected>' in again
    # A date impossible in the order chosen is skipped, its reason naming the field.
    text = "13/01/24, 10:00 - Maya: hi\n01/02/24, 10:01 - Daniel: hey\n"
    other = {"files": ("WhatsApp Chat with Daniel.txt", text.encode(), "text/plain")}
    (chat,) = client.post(
        BASE + "/import.json", data=form | {"date_order": "mdy"}, files=other
    ).json()["imports"]
    (skipped,) = chat["skipped_examples"]
    assert "choose another Date order under More options" in skipped["reason"]
    assert "--" not in skipped["reason"]
    bad = client.post(BASE + "/import.json", data=form | {"date_order": "dym"}, files=files)
    assert bad.status_code == 400
    assert bad.json()["error"] == "unknown date order 'dym'; expected one of dmy, mdy, ymd"


def test_the_import_page_takes_an_encoding_and_a_format(client: TestClient) -> None:
    text = "timestamp,sender,text\n2024-01-10 10:00,Zoë,hé\n2024-01-10 10:05,Leo,ça va\n"
    files = {"files": ("chat.csv", text.encode("cp1252"), "text/csv")}
    form = {"csrf": csrf_token(SECRET)}
    (error,) = client.post(BASE + "/import.json", data=form, files=files).json()["errors"]
    assert "try the Text encoding cp1252 under More options" in error["error"]
    read = client.post(BASE + "/import.json", data=form | {"encoding": "cp1252"}, files=files)
    (chat,) = read.json()["imports"]
    assert [s["name"] for s in chat["senders"]] == ["Leo", "Zoë"]
    wrong = form | {"encoding": "cp1252", "format": "telegram"}
    (error,) = client.post(BASE + "/import.json", data=wrong, files=files).json()["errors"]
    assert "--" not in error["error"]
    unknown = client.post(BASE + "/import.json", data=form | {"format": "fax"}, files=files)
    assert unknown.status_code == 400
    assert unknown.json()["error"].startswith("no format named 'fax'; expected one of csv, ")


SRC = ROOT / "src" / "pullaway"
_CLI_OPTIONS = re.compile(r"--(?:date-order|encoding|timezone|format(?! Json))\b")
"""The command line's import options (DiscordChatExporter's own ``--format Json`` aside)."""


def test_every_import_message_naming_an_option_is_worded_for_the_page() -> None:
    # Errors and notes the import page shows name its fields, not the command line's options.
    sources = [*(SRC / "importers").glob("*.py"), *(SRC / n for n in ("ingest.py", "errors.py"))]
    sources.append(SRC / "store" / "db.py")
    found = [
        text for source in sources for text in _string_literals(source) if _CLI_OPTIONS.search(text)
    ]
    assert len(found) >= 10
    assert [text for text in found if _CLI_OPTIONS.search(in_app_words(text))] == []


def _string_literals(source: Path) -> list[str]:
    """Every string in ``source``'s code (not its docstrings), an f-string's fields written
    as ``{}``."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    texts = []
    for node in ast.walk(tree):
        if id(node) in docstrings:
            continue
        if isinstance(node, ast.JoinedStr):
            parts = [p.value if isinstance(p, ast.Constant) else "{}" for p in node.values]
            texts.append("".join(map(str, parts)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            texts.append(node.value)
    return texts


def test_the_import_page_says_what_was_skipped_outside_the_chats_read(client: TestClient) -> None:
    backup = (FIXTURES / "sms_xml" / "mms_parts_group.xml").read_bytes()
    files = {"files": ("sms.xml", backup, "application/xml")}
    form = {"csrf": csrf_token(SECRET)}
    (chat,) = client.post(BASE + "/import.json", data=form, files=files).json()["imports"]
    assert chat["skipped"] == 0  # the group MMS is not Jake's
    assert (
        "1 record skipped outside the chats read, such as record 4 (in "
        "+15551234567~+15559876543~+15550001111): group MMS: "
    ) in chat["file_notes"][-1]


def test_the_import_page_reads_one_chat_of_many(client: TestClient) -> None:
    export = (FIXTURES / "telegram" / "full_export.json").read_bytes()
    files = {"files": ("result.json", export, "application/json")}
    form = {"csrf": csrf_token(SECRET)}
    every = client.post(BASE + "/import.json", data=form, files=files).json()["imports"]
    assert len(every) > 1
    name = every[0]["name"]
    (one,) = client.post(BASE + "/import.json", data=form | {"chat": name}, files=files).json()[
        "imports"
    ]
    assert one["name"] == name
    missing = client.post(BASE + "/import.json", data=form | {"chat": "Nobody"}, files=files)
    (error,) = missing.json()["errors"]
    assert "no chat named 'Nobody'; chats in this export: " in error["error"]
