"""Screenshots of the app for docs/app.md: a simulated chat, the real server, real Chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Starts ``pullaway.web.server.serve`` in a subprocess on a temporary store, imports a
simulated WhatsApp export through the upload form, and photographs every page at desktop
width (the merge page with the couple's SMS backup as a second chat), plus the Now and
Timeline pages at phone width. Nothing is downloaded: Chromium is
the system one at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from pullaway.analysis import analyze
from pullaway.report.html import render_report
from pullaway.simulate import simulate
from pullaway.simulate.writers import write_export
from pullaway.testing import CHROMIUM, CHROMIUM_ARGS

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def start_server(store: Path) -> tuple[subprocess.Popen[str], str]:
    code = (
        "import sys; from pathlib import Path; from pullaway.web.server import serve; "
        "serve(Path(sys.argv[1]), port=None, open_browser=False)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        msg = f"server did not print its address (got {url!r})"
        raise RuntimeError(msg)
    return proc, url


def shoot(page: Page, out: Path, name: str, *, full_page: bool = True) -> None:
    page.wait_for_load_state("load")
    page.wait_for_timeout(150)
    page.screenshot(path=str(out / f"{name}.png"), full_page=full_page)
    print(f"wrote {out / name}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sim = simulate(
            seed=args.seed,
            days=600,
            strategies=("let_go", "chased", "let_go", "mixed", "let_go", "chased"),
        )
        export = write_export(sim, folder / "export", format="whatsapp_android")
        sms = write_export(sim, folder / "sms", format="sms")  # the same couple's texts
        proc, url = start_server(folder / "store.db")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
                page = browser.new_page(viewport=DESKTOP)
                page.goto(url + "import")
                page.click(".more-ways summary")  # the options open, to show them
                shoot(page, out, "import")
                page.set_input_files("#files", str(export))
                page.click("#upload-form button[type=submit]")
                page.wait_for_load_state("load")
                if not page.query_selector(".import-result"):
                    print(page.url, page.inner_text("body")[:2000])
                page.wait_for_selector(".import-result")
                page.check("input[name=me][value=Maya]")
                shoot(page, out, "import-result")
                page.click(".who-form button[type=submit]")
                page.wait_for_url("**/now")
                chat = page.url.rsplit("/", 2)[-2]
                base = f"{url}chats/{chat}/"
                shoot(page, out, "now")
                page.goto(url)
                shoot(page, out, "home")
                page.goto(base + "timeline")
                shoot(page, out, "timeline")
                page.goto(base + "episodes/1")
                page.click("article.mech-card details summary >> nth=0")
                shoot(page, out, "episode")
                page.goto(base + "compare")
                shoot(page, out, "compare")
                page.goto(base + "journal")
                page.fill("input[name=self_care]", "Long walk with Ana, cooked dinner")
                page.fill("textarea[name=note]", "Wanted to text him twice. Didn't.")
                page.click(".journal-form button[type=submit]")
                shoot(page, out, "journal")
                page.goto(base + "draft")
                page.fill("#draft-text", "hello?? are you ignoring me")
                page.click(".draft-form button[type=submit]")
                page.click(".hold-form button[type=submit]")
                page.fill("#draft-text", "did you see my message??")
                page.click(".draft-form button[type=submit]")
                shoot(page, out, "draft")
                page.goto(url + "import")
                page.set_input_files("#files", str(sms))
                page.click("#upload-form button[type=submit]")
                page.wait_for_selector(".import-result")
                action = page.get_attribute(".import-result .who-form", "action") or ""
                other = action.rsplit("/", 2)[-2]
                page.goto(base + "settings")
                shoot(page, out, "settings")
                page.goto(base + f"merge?other={other}")
                shoot(page, out, "merge")
                report = folder / "report.html"
                report.write_text(render_report(analyze(sim.messages, me="Maya")), encoding="utf-8")
                offline = browser.new_page(viewport={"width": 1280, "height": 1400})
                problems: list[str] = []
                offline.on(
                    "console", lambda m: problems.append(m.text) if m.type == "error" else None
                )
                offline.goto(report.as_uri())
                shoot(offline, out, "report", full_page=False)  # the top; the file is long
                if problems:
                    print("report console errors:", problems)
                phone = browser.new_page(viewport=PHONE, device_scale_factor=2)
                phone.goto(base + "now")
                shoot(phone, out, "phone-now")
                phone.goto(base + "timeline")
                shoot(phone, out, "phone-timeline")
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
