"""axe-core (npm, node_modules/axe-core) run inside a page opened by Playwright, at
WCAG 2.1 AA. The script is evaluated through the browser's debugging protocol, which
the page's Content-Security-Policy does not govern, so the page under test keeps its
own strict policy. Violations come back as readable lines (rule, help, the elements)
for an assertion's message."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const results = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(" ")),
  }));
}"""


@cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[str]:
    """What axe finds at WCAG 2.1 AA on the page as it is now, one line per rule."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE, WCAG_AA)
    return [
        f"{item['id']}: {item['help']} at {', '.join(item['targets'][:5])}"
        for item in found
    ]
