"""report.html opened in a real headless Chromium: it renders, every figure decodes, the
ledger lays out every row. Skips (with the reason) when no Chromium is installed;
``.ci/install-chromium`` installs one."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from influtiers import report

TIMEOUT = 60  # seconds per Chromium run
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]


def _chromium() -> str | None:
    """INFLUTIERS_CHROMIUM (a path, or "none" to skip), else chromium on PATH or /usr/bin."""
    env = os.environ.get("INFLUTIERS_CHROMIUM")
    if env:
        return None if env.lower() == "none" else env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on PATH or at /usr/bin/chromium, or INFLUTIERS_CHROMIUM=none "
    "(run .ci/install-chromium to install it)",
)


def _fixture_module():
    """tests/test_report.py, for its fake run directory (tests is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "_influtiers_report_fixture", Path(__file__).with_name("test_report.py")
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _run_chromium(args: list[str], profile: Path) -> tuple[str, str, float]:
    """Run Chromium in its own process group; kill the whole group on timeout."""
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"chromium did not finish within {TIMEOUT} s: {' '.join(cmd)}")
    finally:
        if proc.poll() is None:  # pragma: no cover
            os.killpg(proc.pid, signal.SIGKILL)
    if proc.returncode != 0:
        pytest.fail(f"chromium exited {proc.returncode}: {err[-2000:]}")
    return out, err, time.perf_counter() - t0


class _Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs: list[dict] = []
        self.sections: dict[str, dict] = {}
        self.html_attrs: dict = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a)
        elif tag == "section" and a.get("id"):
            self.sections[a["id"]] = a
        elif tag == "html":
            self.html_attrs = a


def _dump_dom(page: Path, profile: Path) -> _Dom:
    out, _, _ = _run_chromium(
        ["--virtual-time-budget=5000", "--dump-dom", page.resolve().as_uri()], profile
    )
    dom = _Dom()
    dom.feed(out)
    dom.close()
    return dom


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    fx = _fixture_module()
    run = fx.make_fake_run(root)
    page = report.build_report(run, citation_path=root / "CITATION.cff")
    return run, page, root, fx


def test_screenshot_is_not_blank(built):
    import matplotlib.image as mpimg

    run, page, root, _ = built
    shot = root / "shot.png"
    _, _, secs = _run_chromium(
        [f"--screenshot={shot}", "--window-size=1280,4000", page.resolve().as_uri()],
        root / "profile-shot",
    )
    assert shot.is_file() and shot.stat().st_size > 10_000, "screenshot missing or tiny"
    img = mpimg.imread(shot)
    assert img.shape[:2] == (4000, 1280)
    rgb = img[..., :3]
    assert rgb.std() > 0.05, f"screenshot looks blank (pixel sd {rgb.std():.4f})"
    # the top of the page has text on it, and so does the part holding the figures
    assert rgb[:400].std() > 0.05 and rgb[1000:3000].std() > 0.05
    print(f"screenshot: {secs:.1f} s")


def test_every_figure_decodes_and_every_ledger_row_renders(built):
    run, page, root, fx = built
    dom = _dump_dom(page, root / "profile-dom")
    assert dom.html_attrs.get("data-checked") == "1", "the page's check script did not run"
    n_figures = len(fx.FIGURES)
    assert len(dom.imgs) == n_figures
    bad = [(i.get("alt"), i.get("data-ok")) for i in dom.imgs if i.get("data-ok") != "1"]
    assert not bad, f"images that did not decode: {bad}"
    ledger = dom.sections["ledger"]
    n_rows = sum(1 for _ in open(run / "claims.csv", encoding="utf-8")) - 1
    assert ledger["data-rows"] == ledger["data-rendered-rows"] == str(n_rows)
    assert ledger["data-claims"] == ledger["data-rendered-claims"] == str(n_rows)


def test_check_catches_a_broken_image(built):
    """Negative control: the check marks an undecodable image data-ok="0"."""
    run, page, root, _ = built
    broken = run / "broken.html"
    html = page.read_text(encoding="utf-8")
    html = html.replace("</main>", '<img src="data:image/png;base64,AAAA" alt="broken"></main>', 1)
    broken.write_text(html, encoding="utf-8")
    dom = _dump_dom(broken, root / "profile-broken")
    marks = {i.get("alt"): i.get("data-ok") for i in dom.imgs}
    assert marks["broken"] == "0"
    assert sum(v == "1" for v in marks.values()) == len(marks) - 1


def test_page_makes_no_network_requests(built):
    """With every network request refused, the page still renders all its figures."""
    run, page, root, fx = built
    out, _, _ = _run_chromium(
        [
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=http://127.0.0.1:9",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        root / "profile-offline",
    )
    assert len(re.findall(r'<img [^>]*data-ok="1"', out)) == len(fx.FIGURES)


# ------------------------------------------------------------------ widths, print
class _DevTools:
    """Chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
    it reads commands from fd 3 and answers on fd 4), so that the test sets the exact
    viewport (headless windows are at least 500 px wide), measures the layout with its own
    script, takes screenshots and prints to PDF. No third-party client is needed."""

    def __init__(self, profile: Path):
        import fcntl

        def high(fd: int) -> int:  # out of the way of fds 3 and 4 in the child
            new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
            os.close(fd)
            return new

        r_cmd, w_cmd = (high(fd) for fd in os.pipe())
        r_ans, w_ans = (high(fd) for fd in os.pipe())

        def child():
            os.dup2(r_cmd, 3)
            os.dup2(w_ans, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=child,
            close_fds=False,  # else fds 3 and 4 would be closed after preexec_fn
            start_new_session=True,
        )
        os.close(r_cmd)
        os.close(w_ans)
        self.w = os.fdopen(w_cmd, "wb", buffering=0)
        self.r = os.fdopen(r_ans, "rb", buffering=0)
        self.buf, self.n, self.events = b"", 0, []
        self.deadline = time.monotonic() + TIMEOUT * 3

    def _recv(self) -> dict:
        import select

        while b"\0" not in self.buf:
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self.r], [], [], left)[0]:
                pytest.fail("chromium did not answer over the DevTools pipe in time")
            chunk = self.r.read(1 << 16)
            if not chunk:
                pytest.fail("chromium closed the DevTools pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.w.write(json.dumps(msg).encode() + b"\0")
        while True:
            m = self._recv()
            if m.get("id") == self.n:
                if "error" in m:
                    pytest.fail(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait(self, event: str, session: str) -> None:
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == event and e.get("sessionId") == session:
                    del self.events[i]
                    return
            self.events.append(self._recv())

    def open(self, page: Path, width: int, height: int, media: str = "") -> str:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        sid = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        sid = sid["sessionId"]
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            sid,
        )
        if media:
            self.send("Emulation.setEmulatedMedia", {"media": media}, sid)
        self.send("Page.enable", {}, sid)
        self.send("Page.navigate", {"url": page.resolve().as_uri()}, sid)
        self.wait("Page.loadEventFired", sid)
        return sid

    def js(self, sid: str, expression: str):
        res = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, sid)
        if "exceptionDetails" in res:
            pytest.fail(f"script failed: {res['exceptionDetails']}")
        return res["result"].get("value")

    def screenshot(self, sid: str, path: Path) -> Path:
        import base64

        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", {}, sid)["data"]))
        return path

    def pdf(self, sid: str) -> bytes:
        import base64

        return base64.b64decode(self.send("Page.printToPDF", {}, sid)["data"])

    def close(self) -> None:
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=TIMEOUT)
        except Exception:  # pragma: no cover - a hung browser is killed below
            pass
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            self.w.close()
            self.r.close()


#: The layout, measured by the test (not by the page): every element wider inside than its
#: box (content cut off, or a box that scrolls sideways), and the page's width; with every
#: collapsed details block opened (the ledger rows, the file list).
MEASURE = """(function () {
  var d = document, de = d.documentElement;
  var opened = Array.prototype.filter.call(d.querySelectorAll("details:not([open])"),
                                           function () { return true; });
  opened.forEach(function (x) { x.open = true; });
  var bad = [], all = d.body.getElementsByTagName("*");
  for (var i = 0; i < all.length; i++) {
    var e = all[i];
    if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) {
      bad.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
               (e.getAttribute("class") ? "." + e.getAttribute("class") : "") +
               " " + e.scrollWidth + ">" + e.clientWidth);
    }
  }
  var out = {viewport: de.clientWidth, page: Math.max(de.scrollWidth, d.body.scrollWidth),
             bad: bad, rows: d.querySelectorAll("table.ledger-rows tbody tr").length};
  opened.forEach(function (x) { x.open = false; });
  out.closed = Math.max(de.scrollWidth, d.body.scrollWidth);
  return out;
})()"""


@pytest.fixture(scope="module")
def devtools(tmp_path_factory):
    dt = _DevTools(tmp_path_factory.mktemp("devtools") / "profile")
    yield dt
    dt.close()


def _not_blank(shot: Path, width: int, height: int) -> None:
    import matplotlib.image as mpimg

    img = mpimg.imread(shot)
    assert img.shape[:2] == (height, width)
    rgb = img[..., :3]
    assert rgb.std() > 0.05, f"{shot.name} looks blank"


def test_reproduced_run_at_1400px_no_box_scrolls_or_cuts(devtools, reproduced_run, tmp_path):
    page = reproduced_run / "report.html"
    sid = devtools.open(page, 1400, 900)
    m = devtools.js(sid, MEASURE)
    assert m["viewport"] == 1400 and m["rows"] > 16
    assert m["page"] <= 1400 and m["closed"] <= 1400, m
    assert m["bad"] == [], m["bad"]
    # the first screen answers: the first claim's sentence is above the fold
    top = devtools.js(sid, "document.querySelector('p.answer').getBoundingClientRect().top")
    assert top < 900
    _not_blank(devtools.screenshot(sid, tmp_path / "report-1400.png"), 1400, 900)


def test_reproduced_run_at_390px_never_scrolls_sideways(devtools, reproduced_run, tmp_path):
    page = reproduced_run / "report.html"
    sid = devtools.open(page, 390, 844)
    m = devtools.js(sid, MEASURE)
    assert m["viewport"] == 390
    assert m["page"] <= 390 and m["closed"] <= 390, m
    # the ledger reflows: one card per claim (title above its sentences), each ledger row a
    # block of label: value lines instead of a table row
    layout = devtools.js(
        sid,
        """(function () {
          var card = document.querySelector("article.claim"), d = card.querySelector("details");
          d.open = true;
          var tr = d.querySelector("tbody tr"), td = tr.querySelector("td");
          var out = {title: card.querySelector("h4").getBoundingClientRect().left,
                     answers: card.querySelector(".answers").getBoundingClientRect().left,
                     below: card.querySelector(".answers").getBoundingClientRect().top >=
                            card.querySelector("h4").getBoundingClientRect().bottom,
                     tr: getComputedStyle(tr).display,
                     head: getComputedStyle(d.querySelector("thead")).display,
                     label: getComputedStyle(td, "::before").content};
          d.open = false;
          return out;
        })()""",
    )
    assert layout["title"] == layout["answers"] and layout["below"], layout
    assert layout["tr"] == "block" and layout["head"] == "none", layout
    assert layout["label"] == '"verdict"', layout
    _not_blank(devtools.screenshot(sid, tmp_path / "report-390.png"), 390, 844)


def test_width_check_catches_overflow(devtools, reproduced_run):
    """Negative control: a cell whose content is cut, and a box wider than a phone."""
    sid = devtools.open(reproduced_run / "report.html", 390, 844)
    m = devtools.js(
        sid,
        """(function () {
          var box = document.createElement("div");
          box.id = "too-narrow";
          box.style.width = "50px"; box.style.overflow = "hidden"; box.style.whiteSpace = "nowrap";
          box.textContent = "a line far longer than fifty pixels";
          var wide = document.createElement("div");
          wide.style.width = "600px"; wide.textContent = "wide";
          document.querySelector("main").append(box, wide);
          return 1;
        })()""",
    )
    m = devtools.js(sid, MEASURE)
    assert m["page"] > 390
    assert any(b.startswith("div#too-narrow ") for b in m["bad"])


def test_print_gives_a_clean_pdf(devtools, reproduced_run):
    page = reproduced_run / "report.html"
    heights = """(function () {
      var h = function (q) { return document.querySelector(q).getBoundingClientRect().height; };
      return {nav: h("nav.toc"), rows: h("details.rows:not([open])"),
              files: h("details.print-closed:not([open])")};
    })()"""
    sid = devtools.open(page, 1000, 900)
    screen = devtools.js(sid, heights)
    assert screen["nav"] > 0 and screen["rows"] < 40  # on screen: collapsed
    sid = devtools.open(page, 1000, 900, media="print")
    paper = devtools.js(sid, heights)
    assert paper["nav"] == 0  # no navigation on paper
    assert paper["rows"] > 200  # the method, intervals and sources print, though collapsed
    assert paper["files"] < 40  # the long file list stays in manifest.json
    pdf = devtools.pdf(sid)
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 3
