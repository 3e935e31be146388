"""What the household holds, by allocation class: per account and in total, pre- or after-tax.

Exposure looks through each fund (a target-date fund counts in stocks and bonds), at the level
the target names; an account's uninvested cash counts in ``cash``.

After-tax mode (Reichenstein's tax-adjusted allocation): a traditional dollar counts
``1 - retirement_rate``; Roth and HSA dollars count 1; a taxable holding counts its market value
less the tax on its embedded gain, :math:`v - \\rho_{lt}\\,(v - \\text{basis})`.
"""

from __future__ import annotations

from collections import defaultdict

from householder.model.book import AccountBook, Book, Position
from householder.model.types import Treatment


def position_after_tax_value(book: Book, account: AccountBook, position: Position) -> float:
    """The allocation value of ``position`` on the book's basis (pre-tax: its market value)."""
    if not book.after_tax:
        return position.value
    if account.treatment is Treatment.TAXABLE and position.lots:
        return position.value - book.gain_tax_rate() * position.embedded_gain
    return book.dollar_weight(account) * position.value


def account_exposure(
    book: Book, account: AccountBook, *, after_tax: bool | None = None
) -> dict[str, float]:
    """Allocation class → dollars in ``account`` (after-tax dollars in after-tax mode)."""
    use_after_tax = book.after_tax if after_tax is None else after_tax
    out: dict[str, float] = defaultdict(float)
    for pos in account.positions:
        value = position_after_tax_value(book, account, pos) if use_after_tax else pos.value
        for cls, frac in book.fund_exposure[pos.fund].items():
            out[cls] += frac * value
    if account.cash:
        weight = book.dollar_weight(account) if use_after_tax else 1.0
        out[book.cash_class] += weight * account.cash
    return dict(out)


def household_exposure(book: Book, *, after_tax: bool | None = None) -> dict[str, float]:
    """Allocation class → dollars across the household, every allocation class present."""
    total: dict[str, float] = dict.fromkeys(book.allocation_classes, 0.0)
    for acct in book.accounts:
        for cls, value in account_exposure(book, acct, after_tax=after_tax).items():
            total[cls] = total.get(cls, 0.0) + value
    return total


def tree_exposure(book: Book) -> dict[str, float]:
    """Class → pre-tax dollars at every level of the class tree (a parent sums its children)."""
    out: dict[str, float] = defaultdict(float)
    for acct in book.accounts:
        for pos in acct.positions:
            for cls, frac in book.funds[pos.fund].classes.items():
                for anc in book.taxonomy.ancestors(cls):
                    out[anc] += frac * pos.value
        if acct.cash:
            for anc in book.taxonomy.ancestors("cash"):
                out[anc] += acct.cash
    return dict(out)
