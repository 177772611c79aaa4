"""`ptmx browse`: the Textual explorer. The only package in ptmx that imports Textual.

It renders what the store and the capability packages return and never runs SQL of its own;
every query runs in a worker thread so the interface never blocks.
"""
