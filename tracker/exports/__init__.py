"""Files out: the engagement CSV, DfE declarations, spreadsheets of the current view."""
