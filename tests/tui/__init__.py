"""Tests of the Textual explorer (ptmx browse)."""
