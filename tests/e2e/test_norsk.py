"""No English where a user looks: every page, for every demo persona, scanned for English interface words.

Scans text and the attributes people and screen readers meet (aria-label, title, placeholder, Plotly's data-title,
alt), after the page has rendered and after a picker's list has been opened. Streamlit's and Plotly's own strings
are put into bokmål by navdash/ui/norsk.py; a new English string after an upgrade fails here.
"""

from __future__ import annotations

import re

import pytest

from navdash import access
from tests.e2e.conftest import goto_app, screenshot

PAGES = ("oversikt", "malekort", "mal", "kvalitet", "sammenligning", "undersokelser", "styringsdialog",
         "tertialrapport", "erfaringer", "last-opp")
# Words of Streamlit's and Plotly's interfaces that are not Norwegian. Not "to" (two), "Zoom" or "Enter", which
# bokmål uses too.
ENGLISH = re.compile(
    r"\b(Choose|Select|Clear|Download|Upload|Browse|Sort|Hide|Show|Reset|Autoscale|Collapse|Expand|Skip|"
    r"Fullscreen|Search|Close|Open|Running|Stop|Deploy|Rerun|Settings|Print|Copy|Remove|Delete|Drag|Limit|Press|"
    r"Pan|Page not found|does not|the|and|of|with|file|files|option|options|column|columns|plot|results|main "
    r"content|sidebar|heading)\b"
)
SCAN = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const node = walk.currentNode, parent = node.parentElement;
    if (!parent || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(parent.tagName)) continue;
    const text = node.nodeValue.trim();
    if (text) out.push(['tekst', text]);
  }
  for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[data-title],[alt]'))
    for (const name of ['aria-label', 'title', 'placeholder', 'data-title', 'alt']) {
      const value = el.getAttribute(name);
      if (value) out.push([name, value]);
    }
  return out;
}"""


def _english(page) -> list[str]:
    return sorted({f"{where}: {text[:120]}" for where, text in page.evaluate(SCAN) if ENGLISH.search(text)})


@pytest.mark.parametrize("persona", sorted(access.DEMO_PERSONAS))
def test_every_page_speaks_norwegian(page, server, persona):
    found: dict[str, list[str]] = {}
    for path in PAGES:
        goto_app(page, f"{server}/{path}?persona={persona}", allow_dialog=True)
        english = _english(page)
        combo = page.get_by_role("combobox").first
        dialog = page.locator('[role="dialog"]:visible').count()  # a page this role may not open says so
        if combo.count() and not dialog:  # a picker's open list and its placeholder
            combo.click()
            page.wait_for_timeout(200)
            english += _english(page)
            page.keyboard.press("Escape")
        if english:
            found[path] = sorted(set(english))
    if persona == "fylkesleder":
        goto_app(page, f"{server}/last-opp?persona={persona}", allow_dialog=True)  # not a page for this role
        screenshot(page, "norsk-ingen-tilgang")
    assert not found, "Engelsk tekst i grensesnittet:\n" + "\n".join(
        f"{path}: {line}" for path, lines in found.items() for line in lines)


def test_an_uploaded_files_size_has_a_decimal_comma(page, server, tmp_path):
    # Streamlit writes the size on the chip of a chosen file as "197.0B".
    chosen = tmp_path / "verdier.csv"
    chosen.write_text("enhet;indikator;periode;teller;nevner;verdi\n0312;B.31;2022-12;;;14\n", encoding="utf-8")
    goto_app(page, f"{server}/last-opp?persona=analytiker", text="Last opp data")
    page.locator('input[type="file"]').set_input_files(str(chosen))
    chip = page.get_by_test_id("stFileChipName")
    chip.wait_for(state="visible")
    size = f"{chosen.stat().st_size},0 B"
    page.get_by_test_id("stFileUploader").get_by_text(size, exact=True).wait_for(state="visible")
    texts = page.get_by_test_id("stFileUploader").inner_text()
    assert not re.search(r"\d\.\d\s?[KMG]?B\b", texts), texts
