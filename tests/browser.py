"""Headless Chromium for browser tests, and an accessibility check with axe-core.

Chromium comes from Debian's package (/usr/bin/chromium); Playwright drives it.
"""

import time
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = (Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js").read_text()
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 800}


# Every page a browser test opens keeps to the site's Content-Security-Policy: each context the
# session's browsers open reports a violation (the page's `securitypolicyviolation` event, and
# Chromium's own "Refused to ..." console message) into CSP_VIOLATIONS, and the autouse fixture
# `_no_csp_violations` (tests/conftest.py) fails the test that caused it.
CSP_REPORTER = """
addEventListener("securitypolicyviolation", (event) => console.error(
  `CSP violation: ${event.effectiveDirective} refused ${event.blockedURI || "inline"} on ${event.documentURI}` +
  (event.sourceFile ? ` at ${event.sourceFile}:${event.lineNumber}` : "") +
  (event.sample ? `: ${event.sample}` : "")
), true);
"""
CSP_VIOLATIONS: list[str] = []


def _note_csp_violation(message) -> None:
    text = message.text
    if text.startswith("CSP violation: ") or "Content Security Policy" in text:
        CSP_VIOLATIONS.append(f"{text} [{message.location.get('url', '')}]")


def watch_csp(context):
    """Report every CSP violation in ``context``'s pages and frames to CSP_VIOLATIONS; the context."""
    context.add_init_script(CSP_REPORTER)
    context.on("console", _note_csp_violation)
    return context


class CspWatchedBrowser:
    """A Playwright browser whose every new context (and page) is watched by ``watch_csp``."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        return watch_csp(self._browser.new_context(**options))

    def new_page(self, **options):
        page = self._browser.new_page(**options)
        watch_csp(page.context)
        return page

    def __getattr__(self, name):
        return getattr(self._browser, name)


def wait_for(page, expression: str, *, arg=None, timeout: float = 30_000) -> None:
    """Wait until ``expression`` (or the function, given ``arg``) is true in the page.

    Playwright's ``wait_for_function`` builds its predicate with ``new Function`` inside the page,
    which the site's CSP refuses (no eval); this asks through the DevTools protocol, which the
    page's CSP does not govern, every 50 ms.
    """
    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            if page.evaluate(expression, arg):
                return
        except PlaywrightError as error:
            if "context was destroyed" not in str(error):  # a navigation mid-question: ask again
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"{page.url}: still false after {timeout:.0f} ms: {expression}")
        page.wait_for_timeout(50)


# Colours half-way through a fade (a dialog opening, a button's hover) are not the page's colours:
# axe measures contrast as it finds it, so it waits for the page's finite animations and transitions
# to end (at most two seconds; a spinner that runs for ever is not waited for).
SETTLE = """() => Promise.race([
  Promise.all(document.getAnimations()
    .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map(a => a.finished.catch(() => null))),
  new Promise(done => setTimeout(done, 2000)),
])"""


def inject_axe(page) -> None:
    """Load axe-core into the page from the test, not as an inline <script> the page's CSP refuses,
    once the page's animations have settled."""
    page.evaluate(SETTLE)
    page.evaluate(AXE_SCRIPT)


def axe_violations(page) -> list[str]:
    """Run axe-core on the page for WCAG 2.2 A and AA; one line per violation and element."""
    inject_axe(page)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA_TAGS)
    return [f"{v['id']}: {v['help']} — {node['target']}" for v in result["violations"] for node in v["nodes"]]


def serious_axe_violations(page) -> list[str]:
    """The axe violations of WCAG 2.2 A and AA whose impact is serious or critical, one line per element."""
    inject_axe(page)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA_TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


def assert_accessible(page) -> None:
    """The page as it stands has no serious or critical axe violation (WCAG 2.2 A and AA)."""
    found = serious_axe_violations(page)
    assert found == [], f"{page.url}: {found}"
