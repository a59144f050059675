"""Exports: the meeting pack, the målekort, the comparison table and the monthly statistics package, as Excel
workbooks and PDF documents.

The core modules compute; this package only renders what they computed (`navdash.snapshot` rows, comparison
points). Every sheet and page carries the data version and, for demo data, a clear demo mark. Text from users and
files goes into spreadsheets through `navdash.text.spreadsheet_cell`; the PDFs draw text, never markup.

* `pdf`: the PDF document (fpdf2, A4 landscape, the bundled DejaVu Sans for æøå and –), tables and running stamp;
* `xlsx`: workbooks with Norwegian number formats (shares as fractions with a % format, counts as integers);
* `units`: a unit's styringsparametere with signals, reasons, comments and follow-up points, in both formats;
* `meeting`, `scorecard`, `comparison`, `package`: the documents built from those parts.
"""
