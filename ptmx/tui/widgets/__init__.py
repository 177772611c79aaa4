"""Reusable widgets: the paged virtual table, the title bar, the status line, the error panel."""
