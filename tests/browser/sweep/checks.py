"""What the sweep checks on every page, at each width: the document no wider than the viewport,
axe-core with no violations at all, a screenshot; and the HTML kept for the Nu HTML Checker."""

import json
import re
import subprocess
from pathlib import Path

from tests.browser.support import axe_violations, screenshot

HTML = Path(__file__).resolve().parents[3] / "test-artifacts" / "sweep-html"

# The widest element whose right edge passes the viewport, as a CSS-like path. An element
# inside a container that scrolls sideways counts too (a table a phone must scroll through is
# still wider than the phone) and is reported with its container; one clipped away by an
# ancestor (overflow hidden or clip: a visually hidden label) is not seen and not counted.
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) return s + '#' + el.id;
    const cls = [...el.classList].slice(0, 3).join('.');
    return cls ? s + '.' + cls : s;
  };
  const path = (el) => {
    const parts = [];
    for (let n = el; n && n.nodeType === 1 && parts.length < 4; n = n.parentElement) {
      parts.unshift(name(n));
      if (n.id) break;
    }
    return parts.join(' > ');
  };
  const container = (el) => {
    for (let n = el.parentElement; n && n !== document.body; n = n.parentElement) {
      const o = getComputedStyle(n).overflowX;
      if (o === 'hidden' || o === 'clip') return {clipped: true};
      if (o === 'auto' || o === 'scroll') return {scroller: path(n)};
    }
    return {};
  };
  let worst = null;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= width + 0.5) continue;
    const c = container(el);
    if (c.clipped) continue;
    if (!worst || r.right > worst.right) {
      worst = {right: Math.round(r.right), width: Math.round(r.width), selector: path(el), scroller: c.scroller || null};
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, worst};
}"""


def too_wide(page) -> str | None:
    """None when the page fits its viewport; else what sticks out, the widest offender first."""
    found = page.evaluate(OVERFLOW_JS)
    worst = found["worst"]
    if found["scrollWidth"] <= found["innerWidth"] and worst is None:
        return None
    if worst is None:
        where = "no single element found (a margin or a transform?)"
    else:
        where = (
            f"widest offender {worst['selector']} ({worst['width']} px wide, right edge at "
            f"{worst['right']} px)"
        )
        if worst["scroller"]:
            where += f", scrolling sideways inside {worst['scroller']}"
    return (
        f"document {found['scrollWidth']} px wide in a {found['innerWidth']} px viewport; {where}"
    )


def axe_findings(page) -> list[str]:
    """Every axe violation, whatever its impact, one line per rule with its first targets."""
    lines = []
    for v in axe_violations(page):
        targets = ", ".join(" ".join(n.get("target", ["?"])) for n in v["nodes"][:3])
        more = f" (+{len(v['nodes']) - 3} more)" if len(v["nodes"]) > 3 else ""
        lines.append(f"axe {v['id']} [{v['impact']}]: {v['help']} — {targets}{more}")
    return lines


def check_at(page, size: dict, shot: str, label: str) -> list[str]:
    """Resize (one page load serves both widths), then measure, audit and screenshot."""
    if page.viewport_size != size:
        page.set_viewport_size(size)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
    problems = []
    wide = too_wide(page)
    if wide:
        problems.append(f"too wide: {wide}")
    problems += axe_findings(page)
    screenshot(page, shot, label)
    return problems


def save_html(page, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.html"
    path.write_text(page.content(), encoding="utf-8")
    return path


def vnu_errors(jar: str, files: list[Path]) -> dict[Path, list[str]]:
    """The Nu HTML Checker's errors, per file, in one run over all the files."""
    if not files:
        return {}
    done = subprocess.run(  # noqa: S603 - a fixed command on files this test wrote
        ["java", "-jar", jar, "--errors-only", "--format", "json", *map(str, files)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(done.stderr or done.stdout or '{"messages": []}')
    errors: dict[Path, list[str]] = {}
    for message in report.get("messages", []):
        url = message.get("url", "")
        path = Path(re.sub(r"^file:", "", url))
        line = message.get("lastLine", "?")
        extract = (message.get("extract") or "").replace("\n", " ").strip()[:100]
        errors.setdefault(path, []).append(
            f"vnu line {line}: {message.get('message', '')} [{extract}]"
        )
    return errors
