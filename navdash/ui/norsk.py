"""Norwegian for the interface texts that Streamlit and Plotly write themselves.

Our own texts are Norwegian where they are written. Streamlit (1.67) has no language setting for its widgets'
fixed texts (the selectbox placeholder, the file uploader's "Browse files", the dataframe's toolbar and column menu,
"Skip to main content", the sidebar's "Collapse sidebar"), and Plotly's modebar titles are English unless a locale
bundle is loaded, which Streamlit does not ship. Where a widget takes a parameter for its text we set it
(placeholders, the uploader's label); the rest is translated here, in the browser: one fixed dictionary from
Streamlit's and Plotly's English strings to bokmål, applied to text nodes and to the attributes people and screen
readers meet (aria-label, title, placeholder, Plotly's data-title), and re-applied when the page changes.

Only exact, known library strings are replaced: nothing a user or a file supplies is read or written here, and the
script is a constant. The test `tests/e2e/test_norsk.py` scans every page for English interface words, so a
Streamlit upgrade that adds or renames a string shows up as a failing test, to be added here.
"""

from __future__ import annotations

import json

# English (exact text, trimmed) -> bokmål.
TEXTS: dict[str, str] = {
    # the app shell
    "Skip to main content": "Gå til hovedinnholdet",
    "Collapse sidebar": "Skjul sidemenyen",
    "Expand sidebar": "Vis sidemenyen",
    "Show more": "Vis flere",
    "Show less": "Vis færre",
    "Link to heading": "Lenke til overskriften",
    "Running...": "Kjører …",
    "Stop": "Stopp",
    "Close": "Lukk",
    "Open": "Åpne",
    "Main menu": "Hovedmeny",
    "Page not found": "Fant ikke siden",
    "The page that you have requested does not seem to exist. Running the app's main page.":
        "Siden finnes ikke, eller rollen din gir ikke tilgang til den. Du ser forsiden i stedet.",
    "Connection error": "Tilkoblingsfeil",
    "Copy to clipboard": "Kopier",
    "Show suggestions": "Vis forslag",
    "Suggestions": "Forslag",
    # selectbox and multiselect
    "Choose an option": "Velg",
    "Choose options": "Velg én eller flere",
    "No results": "Ingen treff",
    "No options to select": "Ingen valg",
    "No options to select.": "Ingen valg.",
    "Select all": "Velg alle",
    "Clear all": "Fjern alle",
    "Clear": "Fjern",
    "Remove": "Fjern",
    "Delete": "Slett",
    # forms and inputs
    "Press Enter to apply": "Trykk Enter for å bruke",
    "Press Enter to submit form": "Trykk Enter for å sende skjemaet",
    "Press ⌘+Enter to apply": "Trykk ⌘+Enter for å bruke",
    "Press Ctrl+Enter to apply": "Trykk Ctrl+Enter for å bruke",
    "Show password text": "Vis passordet",
    "Hide password text": "Skjul passordet",
    "DD.MM.YYYY": "dd.mm.åååå",
    "YYYY/MM/DD": "åååå/mm/dd",
    "Previous month.": "Forrige måned.",
    "Next month.": "Neste måned.",
    "Choose a date": "Velg en dato",
    "Choose date": "Velg dato",
    # file uploader
    "Upload": "Last opp",
    "Browse files": "Velg fil",
    "Drag and drop file here": "Dra og slipp filen her",
    "Drag and drop files here": "Dra og slipp filene her",
    "file upload": "filopplasting",
    "Remove file": "Fjern filen",
    # dataframe toolbar and column menu
    "Download as CSV": "Last ned som CSV",
    "Search": "Søk",
    "Fullscreen": "Fullskjerm",
    "Close fullscreen": "Lukk fullskjerm",
    "Exit fullscreen": "Lukk fullskjerm",
    "View fullscreen": "Vis i fullskjerm",
    "Show/hide columns": "Vis eller skjul kolonner",
    "Sort ascending": "Sorter stigende",
    "Sort descending": "Sorter synkende",
    "Autosize": "Tilpass bredden",
    "Pin column": "Fest kolonnen",
    "Unpin column": "Løsne kolonnen",
    "Hide column": "Skjul kolonnen",
    "Format": "Format",
    "Automatic": "Automatisk",
    "Localized": "Norsk",
    "Plain": "Uformatert",
    "Compact": "Kompakt",
    "Scientific": "Vitenskapelig",
    "Percent": "Prosent",
    "Accounting": "Regnskap",
    "Relative": "Relativ",
    # Plotly's modebar
    "Download plot as a PNG": "Last ned diagrammet som PNG",
    "Download plot": "Last ned diagrammet",
    "Zoom": "Forstørr et område",
    "Pan": "Flytt",
    "Box Select": "Velg et område",
    "Lasso Select": "Velg med lasso",
    "Zoom in": "Zoom inn",
    "Zoom out": "Zoom ut",
    "Autoscale": "Tilpass aksene",
    "Reset axes": "Tilbakestill aksene",
    "Reset view": "Tilbakestill visningen",
    "Toggle Spike Lines": "Hjelpelinjer av/på",
    "Show closest data on hover": "Vis nærmeste punkt",
    "Compare data on hover": "Sammenlign punktene",
    "Produced with Plotly.js": "Laget med Plotly.js",
    "Double-click to zoom back out": "Dobbeltklikk for å zoome ut igjen",
}

# Strings with a number in them: (JavaScript regular expression, replacement with $1 ...).
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^Limit (\d+)\s?MB per file(.*)$", "Maks $1 MB per fil$2"),
    (r"^(\d+)\s?MB per file$", "Maks $1 MB per fil"),
    (r"^(\d+)\.(\d+)\s?(B|KB|MB|GB)$", "$1,$2 $3"),  # an uploaded file's size on its chip: "197.0B"
    (r"^(\d+) of (\d+) rows?$", "$1 av $2 rader"),
    (r"^1 option available\.$", "1 valg tilgjengelig."),
    (r"^(\d+) options available\.$", "$1 valg tilgjengelig."),
    (r"^(.+), selected$", "$1, valgt"),
    (r"^Remove (.+)$", "Fjern $1"),
    (r"^Select (\d+) matches$", "Velg $1 treff"),
    (r"^View (\d+) more$", "Vis $1 til"),
    (r"^Shortcut (.+)$", "Hurtigtast $1"),
)

ATTRIBUTES = ("aria-label", "title", "placeholder", "data-title", "alt")

_SCRIPT = """<script>
(() => {
  const texts = __TEXTS__;
  const patterns = __PATTERNS__.map(([re, to]) => [new RegExp(re), to]);
  const attributes = __ATTRIBUTES__;
  const translate = (value) => {
    const key = value.trim();
    if (!key) return null;
    if (Object.prototype.hasOwnProperty.call(texts, key)) return value.replace(key, texts[key]);
    for (const [re, to] of patterns) if (re.test(key)) return value.replace(key, key.replace(re, to));
    return null;
  };
  const fix = (node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const to = translate(node.nodeValue);
      if (to !== null && to !== node.nodeValue) node.nodeValue = to;
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    for (const element of [node, ...node.querySelectorAll('*')]) {
      for (const name of attributes) {
        const value = element.getAttribute(name);
        if (value === null) continue;
        const to = translate(value);
        if (to !== null && to !== value) element.setAttribute(name, to);
      }
      if (element.childNodes.length) for (const child of element.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) fix(child);
      }
    }
  };
  if (window.__navdashNorsk) { fix(document.body); return; }
  window.__navdashNorsk = true;
  fix(document.body);
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === 'characterData') fix(change.target);
      else if (change.type === 'attributes') fix(change.target);
      else for (const added of change.addedNodes) fix(added);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                              attributeFilter: attributes});
})();
</script>"""


def script() -> str:
    """The translation script for `st.html(..., unsafe_allow_javascript=True)`: constants only."""
    return (_SCRIPT.replace("__TEXTS__", json.dumps(TEXTS, ensure_ascii=False))
            .replace("__PATTERNS__", json.dumps(PATTERNS))
            .replace("__ATTRIBUTES__", json.dumps(ATTRIBUTES)))


PLOTLY_CONFIG: dict[str, object] = {
    "displaylogo": False,
    # The buttons a reader of a results chart needs; selection tools and spike lines only confuse.
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toggleSpikelines", "hoverClosestCartesian",
                               "hoverCompareCartesian", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "filename": "navdash-diagram"},
}
"""The config every plotly chart is drawn with (`st.plotly_chart(..., config=PLOTLY_CONFIG)`)."""
