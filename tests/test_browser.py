"""The real server in a subprocess and a real headless Chromium (the system one, never downloaded).

Import by upload, choose "me", the timeline and an episode, a journal entry that survives a
restart, the draft check; an XSS chat that runs nothing; no request leaving 127.0.0.1; the
secret gate; and no listener on any other interface.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import polars as pl
import pytest

from conftest import FIXTURES
from pullaway.simulate import simulate
from pullaway.testing import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

XSS_LINES = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">click me</a>',
    "{{ 7*7 }}",
    "{% raw %}",
    "</script><script>alert(2)</script>",
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs the system Chromium at /usr/bin/chromium"
    ),
]


class Server:
    """``pullaway.web.server.serve`` in a subprocess; ``url`` is the first line it prints."""

    def __init__(self, store: Path) -> None:
        code = (
            "import sys; from pathlib import Path; from pullaway.web.server import serve; "
            "serve(Path(sys.argv[1]), port=None, open_browser=False)"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, str(store)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        assert self.url.startswith("http://127.0.0.1:"), self.url
        self.port = int(urlsplit(self.url).port or 0)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def whatsapp_xss_export(folder: Path) -> Path:
    """A hand-written WhatsApp Android export whose messages and a sender name are payloads."""
    lines = ["01/03/2025, 09:00 - Messages and calls are end-to-end encrypted."]
    them = "Sam <img src=x onerror=alert(3)>"
    for day in range(1, 29):
        for k, payload in enumerate(XSS_LINES):
            sender = "Maya" if k % 2 == 0 else them
            lines.append(f"{day:02d}/03/2025, {10 + k:02d}:00 - {sender}: {payload} {day}")
    path = folder / "WhatsApp Chat with Sam.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser")


def whatsapp_android(messages: pl.DataFrame, path: Path) -> Path:
    """The text messages of a simulated chat as a WhatsApp Android export (24 h, d/m/y)."""
    lines = messages.filter(pl.col("kind") == "text").select(
        pl.format(
            "{} - {}: {}",
            pl.col("timestamp").dt.strftime("%d/%m/%Y, %H:%M"),
            "sender",
            "text",
        )
    )
    path.write_text("\n".join(lines.to_series().to_list()) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sim_messages() -> pl.DataFrame:
    return simulate(seed=6, days=160, strategies=("let_go", "chased")).messages


@pytest.fixture(scope="module")
def export(workdir: Path, sim_messages: pl.DataFrame) -> Path:
    return whatsapp_android(sim_messages, workdir / "WhatsApp Chat with Leo.txt")


class Running:
    """The module's one running server; the restart test swaps in a new one."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.server = Server(store)

    def restart(self) -> Server:
        self.server.stop()
        self.server = Server(self.store)
        return self.server


@pytest.fixture(scope="module")
def running(workdir: Path) -> Iterator[Running]:
    r = Running(workdir / "store.db")
    yield r
    r.server.stop()


@pytest.fixture(scope="module")
def requests_seen() -> list[str]:
    return []


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, requests_seen: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    context.on("request", lambda request: requests_seen.append(request.url))
    p = context.new_page()
    p.set_default_timeout(15_000)
    yield p
    context.close()


def import_and_choose_me(page: Page, url: str, export: Path, me: str = "Maya") -> str:
    """Upload ``export`` through the form, pick ``me``; return the chat's base URL."""
    page.goto(url + "import")
    page.set_input_files("#files", str(export))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector(".import-result")
    page.check(f"input[name=me][value='{me}']")
    page.click(".who-form button[type=submit]")
    page.wait_for_url("**/now")
    return page.url.rsplit("/", 1)[0] + "/"


def test_import_timeline_episode_journal_draft(page: Page, running: Running, export: Path) -> None:
    chat = import_and_choose_me(page, running.server.url, export)
    assert page.locator("h1.phase").inner_text()
    page.goto(chat + "timeline")
    episodes = page.locator(".chart svg a.episode-link")
    episodes.first.wait_for()
    assert episodes.count() >= 1
    page.locator(".chart svg a.episode-link rect").first.click()
    page.wait_for_url("**/episodes/*")
    assert page.locator("article.mech-card").count() == 9

    page.goto(chat + "journal")
    choose(page, "mood", "4")
    page.fill("input[name=self_care]", "Swimming with Ana")
    page.fill("textarea[name=note]", "Kept my phone in the other room.")
    page.click(".journal-form button[type=submit]")
    page.wait_for_selector("text=Swimming with Ana")

    page.goto(chat + "draft")
    page.fill("#draft-text", "hello?? are you ignoring me")
    page.click(".draft-form button[type=submit]")
    verdict = page.locator(".result h2").inner_text()
    assert "checking" in verdict or "pleading" in verdict
    choose(page, "hold", "3d")
    page.click(".hold-form button[type=submit]")
    held = page.locator(".held-item blockquote")
    assert held.first.inner_text() == "hello?? are you ignoring me"


def choose(page: Page, name: str, value: str) -> None:
    """Pick a chip as a person does, by clicking its visible label (its radio is invisible:
    a forced click on the radio itself left it unchecked once in three runs)."""
    radio = f"input[name={name}][value='{value}']"
    page.click(f"label.chip:has({radio}) span")
    assert page.is_checked(radio)


def test_import_says_it_is_reading_while_the_upload_runs(
    page: Page, running: Running, export: Path
) -> None:
    page.goto(running.server.url + "import")
    page.set_input_files("#files", str(export))
    # Keep the page here after the app's own submit handler has run, to see what it shows.
    page.evaluate(
        "document.getElementById('upload-form')"
        ".addEventListener('submit', (ev) => ev.preventDefault())"
    )
    page.click("#upload-form button[type=submit]")
    button = page.locator("#upload-form button[type=submit]")
    assert button.is_disabled()
    assert button.inner_text() == "Reading…"
    size = export.stat().st_size
    expected = f"Reading 1 file ({round(size / 1e6)} MB)" if size >= 1e6 else "Reading 1 file ("
    assert page.locator("#upload-status").inner_text().startswith(expected)


def test_journal_survives_a_restart(page: Page, running: Running) -> None:
    before = running.server.url
    again = running.restart()
    assert again.url != before  # a new secret each launch
    assert page.goto(before.replace(str(urlsplit(before).port), str(again.port))).status == 403
    page.goto(again.url)
    page.click(".chat-link")
    page.click("nav.tabs a:has-text('Journal')")
    page.wait_for_selector("text=Swimming with Ana")
    assert "Kept my phone in the other room." in page.inner_text("body")


def test_xss_chat_runs_nothing(
    browser: Browser, running: Running, workdir: Path, requests_seen: list[str]
) -> None:
    server = running.server
    events: list[str] = []
    context = browser.new_context()
    context.on("request", lambda request: requests_seen.append(request.url))
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda d: (events.append(f"dialog {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: events.append(f"pageerror {e}"))
    page.on("console", lambda m: events.append(f"console {m.text}") if m.type == "error" else None)
    try:
        folder = workdir / "xss"
        folder.mkdir()
        chat = import_and_choose_me(page, server.url, whatsapp_xss_export(folder))
        body = page.inner_text("body")
        for tab in ("now", "timeline", "compare", "journal", "draft", "settings"):
            response = page.goto(chat + tab)
            assert response is not None
            body += page.inner_text("body")
        page.goto(chat + "journal")
        page.fill("textarea[name=note]", XSS_LINES[0])
        page.click(".journal-form button[type=submit]")
        page.wait_for_selector(".entries")
        body += page.inner_text("body")
        page.goto(chat + "draft")
        page.fill("#draft-text", XSS_LINES[1])
        page.click(".draft-form button[type=submit]")
        page.wait_for_selector(".result")
        assert page.input_value("#draft-text") == XSS_LINES[1]
        page.goto(server.url)
        body += page.inner_text("body")
        page.wait_for_timeout(300)
        assert events == []
        assert (
            page.evaluate(
                "document.querySelectorAll('img[src=x], script:not([src]):not([type])').length"
            )
            == 0
        )
        assert XSS_LINES[0] in body  # the journal note, shown as text
        assert "Sam <img src=x onerror=alert(3)>" in body  # the sender's name, as text
    finally:
        context.close()


def test_offline_report_draws_its_charts_under_its_csp(
    browser: Browser, workdir: Path, sim_messages: pl.DataFrame, requests_seen: list[str]
) -> None:
    from pullaway.analysis import analyze
    from pullaway.report.html import render_report

    path = workdir / "report.html"
    path.write_text(render_report(analyze(sim_messages, me="Maya")), encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests_seen.append(r.url))
    try:
        page.goto(path.as_uri())
        page.wait_for_selector("#timeline .chart svg")
        assert page.locator(".chart svg").count() >= 2  # timeline and at least one curve
        assert problems == []  # a CSP violation would show up as a console error
    finally:
        context.close()


def test_merge_an_sms_backup_into_the_chat(page: Page, running: Running, workdir: Path) -> None:
    """The couple's SMS backup, uploaded, is one more chat; merged from Leo's settings page
    (who is who chosen in the form), it is gone from the list and Leo has its messages."""
    from test_merge import SMS

    backup = workdir / "sms-backup.xml"
    backup.write_text(SMS, encoding="utf-8")
    page.goto(running.server.url)
    leo = page.locator(".chat-link", has_text="Leo").first.get_attribute("href")
    assert leo is not None
    import_and_choose_me(page, running.server.url, backup, me="Me")
    page.goto(running.server.url)
    before = page.locator(".chat-link").count()
    root = running.server.url.split("/s/", 1)[0]
    page.goto(root + leo.rsplit("/", 1)[0] + "/settings")
    page.select_option(".merge-choose select[name=other]", label="Leo (sms_xml, 2 messages)")
    page.click(".merge-choose button[type=submit]")
    page.wait_for_selector(".merge-form")
    page.select_option(".merge-form select[name=sender-0]", label="“Leo” here")
    page.select_option(".merge-form select[name=sender-1]", label="“Maya” here")
    page.click(".merge-form button[type=submit]")
    page.wait_for_selector("#merge .notice")
    assert page.inner_text("#merge .notice") == "Merged Leo (2 new messages)."
    page.goto(running.server.url)
    assert page.locator(".chat-link").count() == before - 1


def test_rename_a_contact_known_by_number(page: Page, running: Running, workdir: Path) -> None:
    """An SMS contact saved only as a number: the chat and his messages take a name typed on
    the settings page; the chat list shows it."""
    from test_merge import SMS

    backup = workdir / "numbers" / "sms-backup.xml"
    backup.parent.mkdir()
    number = "+15557654321"
    text = SMS.replace('contact_name="Leo"', 'contact_name="(Unknown)"')
    backup.write_text(text.replace("+15551234567", number), encoding="utf-8")
    chat = import_and_choose_me(page, running.server.url, backup, me="Me")
    page.goto(chat + "settings")
    page.fill(".rename-form input[name=name]", "Sam")
    senders = page.locator(".rename-form input[name^=sender-]")
    for index in range(senders.count()):
        if senders.nth(index).input_value() == number:
            senders.nth(index).fill("Sam")
    page.click(".rename-form button[type=submit]")
    page.wait_for_selector("#names .notice")
    assert page.inner_text("#names .notice") == f"Renamed: {number} → Sam, {number} → Sam."
    page.goto(running.server.url)
    names = page.locator(".chat-name").all_inner_texts()
    assert "Sam" in names
    assert number not in names


def test_contacts_read_later_lead_to_the_merges_that_make_one_chat(
    page: Page, running: Running, workdir: Path
) -> None:
    """His number's and his Apple ID's chats uploaded before Contacts; uploaded again with
    Contacts, the one new chat links to merging each, and the merge page knows who is who."""
    from pullaway.simulate.chat_db import write_iphone_contacts
    from test_contacts import CARDS, LEO_MAIL, LEO_PHONE, write_talk

    database = write_talk(workdir / "contacts-later" / "chat.db", (LEO_PHONE, LEO_MAIL))
    page.goto(running.server.url + "import")
    page.set_input_files("#files", str(database))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector(".import-result")
    contacts = write_iphone_contacts(database.with_name("AddressBook.sqlitedb"), CARDS)
    page.goto(running.server.url + "import")
    page.set_input_files("#files", [str(database), str(contacts)])
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector(".merge-candidates")
    links = page.locator(".merge-candidates a")
    assert links.all_inner_texts() == [
        "Merge “+15551234567” (imessage) into this chat",
        "Merge “leo@icloud.com” (imessage) into this chat",
    ]
    links.first.click()
    page.wait_for_selector(".merge-form")
    chosen = page.locator(".merge-form select[name=sender-0] option:checked").inner_text()
    assert chosen == "“Leo Martin” here"
    page.click(".merge-form button[type=submit]")
    page.wait_for_selector("#merge .notice")
    assert page.inner_text("#merge .notice") == "Merged +15551234567 (0 new messages)."


def test_a_file_on_this_computer_is_imported_by_its_path(
    page: Page, running: Running, workdir: Path
) -> None:
    from test_merge import SMS

    backup = workdir / "path-import" / "sms-backup.xml"
    backup.parent.mkdir()
    backup.write_text(SMS.replace("running late", "by its path"), encoding="utf-8")
    page.goto(running.server.url + "import")
    page.click(".more-ways summary")
    page.fill("#local-path", str(backup))
    page.fill("input[name=timezone]", "Europe/Madrid")
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector(".import-result")
    assert "from sms-backup.xml (sms_xml)" in page.inner_text(".import-result")


def test_an_ambiguous_export_is_read_with_the_date_order_the_page_asks_for(
    page: Page, running: Running, workdir: Path
) -> None:
    export = workdir / "ambiguous" / "WhatsApp Chat with Daniel.txt"
    export.parent.mkdir()
    shutil.copy(FIXTURES / "whatsapp" / "ambiguous.txt", export)
    page.goto(running.server.url + "import")
    page.set_input_files("#files", str(export))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector(".error-box")
    assert "choose the Date order" in page.inner_text(".error-box")
    assert page.locator("#date-order").is_visible()  # the options are open where it points
    page.select_option("#date-order", "mdy")
    page.set_input_files("#files", str(export))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector(".import-result")
    page.click(".import-result summary:has-text('How the file was read')")
    notes = page.inner_text(".import-result details")
    assert "date order month/day/year: chosen under More options" in notes


def test_import_says_it_is_reading_a_path(page: Page, running: Running) -> None:
    page.goto(running.server.url + "import")
    page.click(".more-ways summary")
    page.fill("#local-path", "/Users/maya/Backup/00008030")
    page.evaluate(
        "document.getElementById('upload-form')"
        ".addEventListener('submit', (ev) => ev.preventDefault())"
    )
    page.click("#upload-form button[type=submit]")
    assert page.locator("#upload-form button[type=submit]").is_disabled()
    status = page.locator("#upload-status").inner_text()
    assert status.startswith("Reading /Users/maya/Backup/00008030 on this computer.")


def test_no_request_leaves_loopback(requests_seen: list[str]) -> None:
    assert requests_seen, "the browser tests above made no requests"
    local = ("data:", "about:", "file:")
    hosts = {urlsplit(u).hostname for u in requests_seen if not u.startswith(local)}
    assert hosts == {"127.0.0.1"}


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_requests_without_the_secret_get_403(running: Running, page: Page) -> None:
    server = running.server
    root = f"http://127.0.0.1:{server.port}"
    secret = urlsplit(server.url).path.split("/")[2]
    assert _status(server.url) == 200
    for path in (
        "/",
        "/import",
        "/index.json",
        "/static/app.js",
        "/s/",
        "/s/nope/",
        f"/s/{secret[:-1]}/",
        f"/s/{secret}x/static/app.js",
    ):
        assert _status(root + path) == 403, path
    response = page.goto(root + "/chats.json")
    assert response is not None
    assert response.status == 403


def _other_addresses() -> list[str]:
    found: set[str] = set()
    try:
        out = subprocess.run(
            ["hostname", "-I"], capture_output=True, text=True, timeout=5, check=False
        )
        found.update(a for a in out.stdout.split() if ":" not in a)
    except OSError:
        pass
    with contextlib.suppress(OSError):
        found.update(
            i[4][0] for i in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        )
    return sorted(a for a in found if not a.startswith("127."))


def test_not_reachable_on_other_interfaces(running: Running) -> None:
    addresses = _other_addresses()
    if not addresses:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        assert sock.connect_ex(("127.0.0.1", running.server.port)) == 0  # it is listening ...
    for address in addresses:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            assert sock.connect_ex((address, running.server.port)) != 0, address  # ... only there
