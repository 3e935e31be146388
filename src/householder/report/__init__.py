"""Reports: plain data for the terminal tables and the ``--json`` documents.

Nothing here recomputes a result; it reads the result objects and shapes them. The CLI renders
the rows with rich.
"""
