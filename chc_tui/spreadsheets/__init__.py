"""Moving in from a spreadsheet and exporting to one: the importer, the exporter and the rule
that keeps a cell from running as a formula."""
