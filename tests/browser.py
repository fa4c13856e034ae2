"""Headless Chromium for browser tests, and an accessibility check with axe-core.

Chromium comes from Debian's package (/usr/bin/chromium); Playwright drives it.
"""

from pathlib import Path

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


def axe_violations(page) -> list[str]:
    """Run axe-core on the page for WCAG 2.2 A and AA; one line per violation and element."""
    page.add_script_tag(content=AXE_SCRIPT)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA_TAGS)
    return [f"{v['id']}: {v['help']} — {node['target']}" for v in result["violations"] for node in v["nodes"]]


def serious_axe_violations(page) -> list[str]:
    """The axe violations of WCAG 2.2 A and AA whose impact is serious or critical, one line per element."""
    page.add_script_tag(content=AXE_SCRIPT)
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
