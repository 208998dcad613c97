"""axe-core on the live board: the npm package's script injected into a page through
Playwright (an evaluation from the test, so the page's strict CSP stays on), run
against WCAG 2.1 A and AA, and its violations turned into lines a person can read."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => (
      {target: n.target.join(" "), summary: n.failureSummary}
    )),
  }));
}"""


@cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[str]:
    """Every WCAG 2.1 AA violation axe finds on the page as it is now, one line per
    element: `rule (impact): help — selector: what fails`."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE, WCAG_21_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']}: "
        + " ".join(str(node["summary"]).split())
        for v in found
        for node in v["nodes"]
    ]
