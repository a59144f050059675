"""Exports: the meeting pack, the målekort, the comparison table, the monthly statistics package and the tertial
reports, as Excel workbooks and PDF documents.

The core modules compute; this package only renders what they computed (`navdash.snapshot` rows, comparison
points). Every sheet and page carries the data version and, for demo data, a clear demo mark. Text from users and
files goes into spreadsheets through `navdash.text.spreadsheet_cell`; the PDFs draw text, never markup, and every
text passes `pdf.Document.safe` first.

* `pdf`: the PDF document (fpdf2, A4 landscape, the bundled DejaVu Sans for æøå and –), tables and running stamp;
* `xlsx`: workbooks with Norwegian number formats (shares as fractions with a % format, counts as integers);
* `sections`: a unit's styringsparametere with signals, reasons, comments and follow-up points, in both formats;
* `meeting`, `scorecard`, `comparison`, `package`: the documents built from those parts;
* `tertial_report`: an office's tertial report and the fylke's reports as PDF (the workbook is
  `navdash.tertial.export_xlsx`).
"""
