"""French number and date formatting (1 234,56 €, 05/03/2026), shared by templates and exports."""

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u202f"  # narrow no-break space, the French thousands separator


def format_number(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return "—"
    if decimals == 0 and type(value) is int:  # the counts of the dashboards' tables: thousands per page
        return f"{value:,}".replace(",", NBSP)
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    integer, _, fraction = f"{abs(number):.{decimals}f}".partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = NBSP.join(groups)
    return f"{sign}{text},{fraction}" if decimals else f"{sign}{text}"


def format_euros(value, decimals: int = 2) -> str:
    if value is None or value == "":
        return "—"
    return f"{format_number(value, decimals)}\u00a0€"


def format_percent(fraction, decimals: int = 1) -> str:
    if fraction is None or fraction == "":
        return "—"
    return f"{format_number(Decimal(str(fraction)) * 100, decimals)}\u00a0%"


def format_date(day) -> str:
    """DD/MM/YYYY. Faster than ``strftime``, for the thousands of rows of the metropolitan dashboard."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def format_composition(adults, children) -> str:
    """A household's composition as the field writes it: « 2 adultes, sans enfant », « 1 adulte,
    3 enfants ». The one wording of every page, export line and explanation."""
    if adults is None and children is None:
        return "—"
    adults, children = adults or 0, children or 0
    adults_text = f"{adults} adulte{'s' if adults > 1 else ''}"
    if not children:
        return f"{adults_text}, sans enfant"
    return f"{adults_text}, {children} enfant{'s' if children > 1 else ''}"
