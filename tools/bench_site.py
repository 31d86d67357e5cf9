"""Weight of the course website (part of `make bench`): each page and the whole site.

A page's weight is its HTML plus every file of the site it loads: scripts, stylesheets,
images, the files that maps inside it link (Leaflet, jQuery), and fonts named by those
stylesheets and scripts (the widget manager's icon font). Shared files count on every
page that loads them; a browser fetches them once per site. "gzip" is what a server that
compresses (GitHub Pages and most others do) sends over the network.
Targets: a lesson page under 2 MB and the home page under 1 MB as Chromium receives them from
``python -m http.server`` (wire_sizes), the whole site under 15 MB.

    python tools/bench_site.py            # builds build/site first if it is missing
"""

from __future__ import annotations

import gzip
import html
import re
import subprocess
import sys
import time
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "build" / "site"
PAGE_MB, HOME_MB, SITE_MB = 2.0, 1.0, 15.0
REFS = re.compile(r"""<(?:script|img|iframe)\b[^>]*?\bsrc=["']([^"']+)|<link\b[^>]*?\bhref=["']([^"']+)[^>]*>""", re.I)
SRCDOC = re.compile(r'srcdoc="([^"]*)"')
FONTS = re.compile(r"""url\(["']?([^"')]+\.woff2)""")


@cache
def sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, 6))


def local(base: Path, ref: str) -> Path | None:
    parts = urlsplit(html.unescape(ref))
    if parts.scheme or ref.startswith("//") or not parts.path:
        return None
    target = (base / unquote(parts.path)).resolve()
    return target if target.is_file() else None


def page_files(page: Path) -> set[Path]:
    text = page.read_text(encoding="utf-8")
    chunks = [text, *(html.unescape(doc) for doc in SRCDOC.findall(text))]
    files = {page}
    for chunk in chunks:
        for match in REFS.finditer(chunk):
            ref = match.group(1) or match.group(2)
            tag = match.group(0)
            if tag.startswith("<link") and not re.search(r'rel="(stylesheet|preload|icon)', tag):
                continue  # rel="next", "prev", "index", "search": links to other pages, not loaded
            if ref.endswith((".ipynb", ".zip", ".csv")):
                continue
            target = local(page.parent, ref)
            if target:
                files.add(target)
    for asset in [f for f in files if f.suffix in {".css", ".js"}]:
        for font in FONTS.findall(asset.read_text(encoding="utf-8", errors="replace")):
            target = local(asset.parent, font)
            if target:
                files.add(target)
                break  # a browser fetches one format of a font, not all of them
    return files


class WireMeter:
    """Counts the bytes Chromium receives for one page (see wire_sizes): attach it to a page before
    that page navigates; ``total()`` then brings what loads lazily into view and sums the responses."""

    def __init__(self, page):
        self.page = page
        self.received, self.pending = [], set()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.requestWillBeSent", lambda event: self.pending.add(event["requestId"]))
        cdp.on("Network.loadingFinished", lambda event: (self.received.append(event["encodedDataLength"]),
                                                         self.pending.discard(event["requestId"])))
        cdp.on("Network.loadingFailed", lambda event: self.pending.discard(event["requestId"]))

    def total(self) -> int:
        # what loads lazily (map frames, lazy images) is brought into view one by one, each for two
        # animation frames (the browser decides then whether to load it), then the page's end: the same
        # requests as scrolling through the whole page. One wait for the network at the end, not one
        # per element (the same bytes, measured on every lesson page; 0.4 s instead of 2.6 s a page).
        page = self.page
        page.evaluate(SCROLL_THROUGH_LAZY)
        quiet = 0
        for _ in range(240):  # until no request has been in flight for two looks in a row
            page.wait_for_timeout(125)
            quiet = quiet + 1 if not self.pending else 0
            if quiet == 2:
                break
        return int(sum(self.received))


SCROLL_THROUGH_LAZY = """async () => {
    const painted = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    window.scrollTo(0, 0);
    await painted();
    for (const element of document.querySelectorAll('iframe, img[loading=lazy]')) {
        element.scrollIntoView();
        await painted();
    }
    window.scrollTo(0, document.documentElement.scrollHeight);
    await painted();
}"""


def page_wire_bytes(browser, url: str) -> int:
    """Bytes Chromium receives for ``url`` and all it loads (see wire_sizes), with an empty cache."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    meter = WireMeter(page)
    page.goto(url, wait_until="load")
    total = meter.total()
    context.close()
    return total


def wire_sizes(site: Path, pages: list[str], chromium: str = "/usr/bin/chromium", browser=None) -> dict[str, int]:
    """Bytes each page really takes on the wire, in Chromium, served by Python's ``http.server``
    (which sends files uncompressed): the page, everything it loads, and everything its map
    frames load, counted once per request the browser makes (a file fetched again by another
    frame counts again; one taken from the browser's cache does not). Each page starts with an
    empty cache and is scrolled to its end, so frames that load lazily are counted too."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    sizes_on_wire = {}
    try:
        if browser is not None:  # a Playwright browser already running (the tests' session browser)
            for name in pages:
                sizes_on_wire[name] = page_wire_bytes(browser, base + name)
        else:
            with sync_playwright() as playwright:
                launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--headless=new"])
                for name in pages:
                    sizes_on_wire[name] = page_wire_bytes(launched, base + name)
                launched.close()
    finally:
        server.shutdown()
        server.server_close()
    return sizes_on_wire


def main() -> None:
    if not (SITE / "index.html").exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "tools" / "build_site.py")], check=True)
        print(f"site build: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    print(f"\n{'website page':<48} {'MB':>6} {'gzip MB':>8}  verdict")
    pages = sorted(SITE.rglob("*.html"))
    for page in pages:
        name = str(page.relative_to(SITE))
        if not (name.startswith(("notebooks/", "exercises/")) or name in {"index.html", "downloads.html"}):
            continue
        raw = sum(sizes(f)[0] for f in page_files(page)) / 1e6
        packed = sum(sizes(f)[1] for f in page_files(page)) / 1e6
        lesson = name.startswith("notebooks/")
        verdict = (f"{'ok' if packed < PAGE_MB else 'OVER'} sent gzipped; "
                   f"{'ok' if raw < PAGE_MB else 'over'} uncompressed") if lesson else ""
        print(f"{name:<48} {raw:6.2f} {packed:8.2f}  {verdict}")
    everything = [p for p in SITE.rglob("*") if p.is_file()]
    total = sum(sizes(p)[0] for p in everything) / 1e6
    total_gz = sum(sizes(p)[1] for p in everything) / 1e6
    downloads = sum(sizes(p)[0] for p in everything if "_downloads" in p.parts) / 1e6
    wired = ["index.html", *sorted(str(p.relative_to(SITE)) for p in (SITE / "notebooks").glob("*.html"))]
    print(f"\n{'on the wire, in Chromium, from python -m http.server':<52} {'MB':>6}  budget")
    for name, size in wire_sizes(SITE, wired).items():
        budget = HOME_MB if name == "index.html" else PAGE_MB
        print(f"{name:<52} {size / 1e6:6.2f}  {'ok' if size <= budget * 1e6 else 'OVER'} (<= {budget:.0f} MB)")
    print(f"\nwebsite total: {total:.1f} MB ({total_gz:.1f} MB gzipped; downloads {downloads:.1f} MB of it), "
          f"{len(everything)} files  (target < {SITE_MB:.0f} MB)  {'ok' if total < SITE_MB else 'OVER'}")


if __name__ == "__main__":
    main()
