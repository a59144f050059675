"""Page-wide layout for the table pages (målekort, kvalitet, the meeting): room for the tables on a laptop, and
an A4 landscape print without the app's chrome.

Streamlit offers no setting for its side margins or for print, so this is CSS drawn with `st.html` on the pages
that need it; it leaves the page with them. It addresses Streamlit's containers by their `data-testid`, the same
hooks Streamlit's own tests use; if a release renames them, the margins and the print fall back to Streamlit's
defaults and nothing else breaks.
"""

from __future__ import annotations

PAGE_CSS = """
<style>
/* A laptop with the sidebar open: Streamlit's 5 rem side margins would leave 560 px of a 1024 px screen. */
@media (max-width: 1300px) {
  [data-testid="stMainBlockContainer"] {padding-left: 1.25rem; padding-right: 1.25rem;}
}
@page {size: A4 landscape; margin: 10mm;}
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stSidebarCollapsedControl"], [data-testid="stExpander"], [data-testid="stBottom"],
  [data-testid="stStatusWidget"], .nd-noprint {display: none !important;}
  /* Streamlit scrolls inside its main pane; for paper everything flows on the page. */
  html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"] {
    position: static !important; overflow: visible !important; height: auto !important;
    min-height: 0 !important; max-height: none !important;
  }
  [data-testid="stMainBlockContainer"] {padding: 0 !important; max-width: none !important; width: 100% !important;}
  [data-testid="stMain"] {margin-left: 0 !important; width: 100% !important;}
  .nd-scroll {overflow: visible !important;}
  .nd-table {font-size: 7.5pt !important;}
  .nd-table tr, .nd-table th, .nd-table td {break-inside: avoid;}
  .nd-table thead {display: table-header-group;}
  .nd-table a {color: #000000 !important; text-decoration: none;}
  details.nd-why > summary::after {content: "" !important;}
  .nd-table .nd-print {display: block !important; font-size: 6.5pt; white-space: normal;}
  .nd-table .nd-badge {font-size: 7pt !important;}
  .nd-table .n {font-size: 6.5pt !important;}
  .nd-table td.name {width: 24% !important;}
  .nd-table caption {break-after: avoid;}
  h1 {font-size: 16pt !important; padding: 0 0 4pt 0 !important;}
  h2, h3 {font-size: 12pt !important; padding: 6pt 0 2pt 0 !important; break-after: avoid;}
}
</style>
"""
