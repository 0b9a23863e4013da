"""Open the index and one pack in headless Chromium: every image loads, nothing from the network.

Drives Chromium through the DevTools protocol on a pipe (``--remote-debugging-pipe``: fd 3 in,
fd 4 out, NUL-separated JSON), records every request the page makes, asks the page whether each
``<img>`` decoded (``complete && naturalWidth > 0``) and saves a screenshot. The packs hold no
``<script>``; the check runs in the browser's own evaluation context.

Then runs axe-core (npm package ``axe-core``, installed by .ci/run into ``node_modules/``; another
copy with ``STP_AXE_CORE=/path/to/axe.min.js``) on the same two pages and fails on any serious or
critical violation.

Skips when Chromium or axe-core is missing, unless ``STP_REQUIRE_BROWSER=1`` (set by .ci/run),
then fails.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from build_fixtures import helpers

pytestmark = [pytest.mark.browser, pytest.mark.reliability, pytest.mark.slow]

BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--hide-scrollbars", "--remote-debugging-pipe"]
IMAGES_LOADED = ("(() => { const imgs = Array.from(document.images); return {count: imgs.length, "
                 "broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length}; })()")


#: axe-core's script: STP_AXE_CORE, else node_modules/ at the repository root (.ci/run)
AXE_DEFAULT = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = ("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
           "({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map("
           "n => n.target.join(' '))})))")
#: the impacts that fail the check
AXE_FAILING = ("serious", "critical")


def axe_source() -> str:
    """The axe-core script (skip, or fail under STP_REQUIRE_BROWSER=1, when it is missing)."""
    path = Path(os.environ.get("STP_AXE_CORE") or AXE_DEFAULT)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    reason = f"axe-core not found at {path} (npm install --no-save axe-core)"
    if os.environ.get("STP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"STP_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    reason = "headless Chromium not installed (apt-get install -y chromium)"
    if os.environ.get("STP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"STP_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


class DevTools:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_fds() -> None:  # copy first: a pipe end may already sit on fd 3 or 4
            reader, writer = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(reader, 3)
            os.dup2(writer, 4)

        self.process = subprocess.Popen(
            [executable, *BROWSER_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=wire_fds, pass_fds=(), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the debugging pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 60) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        for index, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(index)
        while True:
            event = self._read_message(deadline)
            if event.get("method") == method:
                return event
            self.events.append(event)

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


def open_page(tools: DevTools, path: Path, screenshot: Path) -> tuple[dict, list[str]]:
    """Load a file, return (image counts, every URL requested) and save a screenshot."""
    target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"]
    tools.send("Network.enable", session=session)
    tools.send("Page.enable", session=session)
    tools.events.clear()
    tools.send("Page.navigate", {"url": path.as_uri()}, session=session)
    tools.wait_for("Page.loadEventFired")
    images = tools.send("Runtime.evaluate", {"expression": IMAGES_LOADED, "returnByValue": True,
                                             "awaitPromise": False}, session=session)
    shot = tools.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                      session=session)
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    requested = [event["params"]["request"]["url"] for event in tools.events
                 if event.get("method") == "Network.requestWillBeSent"]
    tools.send("Target.closeTarget", {"targetId": target})
    return images["result"]["value"], requested


def test_index_and_pack_load_every_image_and_nothing_from_the_network(tmp_path):
    executable = chromium_path()
    pack_dir, result = helpers.shared_build()
    assert result.exit_code == 0
    pages = [pack_dir / "index.html", sorted(pack_dir.glob("*/pack.html"))[0]]
    tools = DevTools(executable, tmp_path / "profile")
    try:
        for number, page in enumerate(pages):
            screenshot = tmp_path / f"page{number}.png"
            images, requested = open_page(tools, page, screenshot)
            assert images["broken"] == 0, f"{page}: {images['broken']} broken images"
            external = [url for url in requested
                        if not url.startswith(("file:", "data:", "about:"))]
            assert external == [], f"{page} requested {external}"
            assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert screenshot.stat().st_size > 1000
        assert images["count"] >= 1  # the pack shows its chart
    finally:
        tools.close()


def axe_violations(tools: DevTools, path: Path, axe: str) -> list[dict]:
    """axe-core's violations on a loaded page (id, impact, help, first nodes)."""
    target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"]
    tools.send("Page.enable", session=session)
    tools.events.clear()
    tools.send("Page.navigate", {"url": path.as_uri()}, session=session)
    tools.wait_for("Page.loadEventFired")
    tools.send("Runtime.evaluate", {"expression": axe}, session=session)
    result = tools.send("Runtime.evaluate", {"expression": AXE_RUN, "awaitPromise": True,
                                             "returnByValue": True}, session=session,
                        timeout=120)
    tools.send("Target.closeTarget", {"targetId": target})
    return result["result"]["value"]


def test_axe_core_finds_no_serious_or_critical_violation_on_the_index_and_a_pack(tmp_path):
    executable, axe = chromium_path(), axe_source()
    pack_dir, result = helpers.shared_build()
    assert result.exit_code == 0
    pages = [pack_dir / "index.html", sorted(pack_dir.glob("*/pack.html"))[0]]
    tools = DevTools(executable, tmp_path / "profile")
    try:
        for page in pages:
            assert page.is_file()
            violations = axe_violations(tools, page, axe)
            failing = [v for v in violations if v["impact"] in AXE_FAILING]
            assert failing == [], f"{page.name}: {failing}"
    finally:
        tools.close()
