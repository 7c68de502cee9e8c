"""Cells a spreadsheet must never run: what the CSV and XLSX exports of the intranet share."""

#: What makes a spreadsheet read a cell as a formula (OWASP's "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """A text cell that a spreadsheet would run as a formula, kept as text with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
