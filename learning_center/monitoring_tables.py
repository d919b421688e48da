"""The tables of the monitoring views, and their download as CSV or XLSX through Wagtail's export.

A view lists its tables (``Table``: a key, a caption, columns, rows); the
page shows them and ``?export=csv&tabel=<key>`` (or ``xlsx``) downloads one
of them with the same headings, values and order. The spreadsheet itself is
Wagtail's ``SpreadsheetExportMixin`` (the one its reports use), fed with the
table's columns instead of a model's fields; the CSV starts with a byte
order mark so that spreadsheet programs read the accents as UTF-8.
"""

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.http import Http404
from wagtail.admin.views.mixins import SpreadsheetExportMixin


@dataclass(frozen=True)
class Column:
    """A column: its heading, its value in a download, and how rows sort by it (None: they don't)."""

    label: str
    value: Callable[[object], object]
    sort_key: Callable[[object], object] | None = None


@dataclass
class Table:
    key: str
    caption: str
    columns: dict[str, Column]
    rows: Sequence
    # The download's file name, without the extension.
    filename: str


class TableExportMixin(SpreadsheetExportMixin):
    """Answers ``?export=csv|xlsx&tabel=<key>`` with that table of ``tables()``; 404 for an unknown key."""

    table_parameter = "tabel"

    def tables(self) -> list[Table]:
        raise NotImplementedError

    def exported_table(self) -> Table:
        wanted = self.request.GET.get(self.table_parameter, "")
        for table in self.tables():
            if table.key == wanted:
                return table
        raise Http404("No such table")

    def export_response(self):
        self.table = self.exported_table()
        self.list_export = list(self.table.columns)
        self.export_headings = {key: str(column.label) for key, column in self.table.columns.items()}
        return self.as_spreadsheet(self.table.rows, self.request.GET["export"])

    def get_filename(self) -> str:
        return self.table.filename

    def to_row_dict(self, item) -> dict:
        return {key: column.value(item) for key, column in self.table.columns.items()}

    def get_heading(self, queryset, field) -> str:
        return self.export_headings[field]

    def stream_csv(self, queryset):
        return itertools.chain(["\ufeff"], super().stream_csv(queryset))

    def download_links(self, table: Table) -> dict[str, str]:
        """The CSV and XLSX addresses of a table, for the page."""
        links = {}
        for spreadsheet_format in (self.FORMAT_CSV, self.FORMAT_XLSX):
            query = self.request.GET.copy()
            query["export"] = spreadsheet_format
            query[self.table_parameter] = table.key
            links[spreadsheet_format] = f"{self.request.path}?{query.urlencode()}"
        return links
