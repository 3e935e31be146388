"""What the household holds, by allocation class: per account and in total, pre- or after-tax,
read from the household's :class:`~householder.valuation.facts.Facts` (one definition of the
allocation, :meth:`Facts.exposure`, for every command and the optimizer).

After-tax mode (Reichenstein's tax-adjusted allocation): a traditional dollar counts
``1 - retirement_rate``; Roth and HSA dollars count 1; a taxable holding counts its market value
less the tax on its embedded gain, :math:`v - \\rho_{lt}\\,(v - \\text{basis})`.
"""

from __future__ import annotations

from collections import defaultdict

from householder.model.book import AccountBook, Book
from householder.valuation.facts import Facts, household_facts


def _on_basis(facts: Facts, after_tax: bool | None) -> Facts:
    return facts.pre_tax if after_tax is False else facts


def account_exposure(
    book: Book | Facts, account: AccountBook, *, after_tax: bool | None = None
) -> dict[str, float]:
    """Allocation class → dollars in ``account`` (after-tax dollars in after-tax mode; pre-tax
    with ``after_tax=False``); classes it holds nothing of are left out."""
    facts = _on_basis(household_facts(book), after_tax)
    y = facts.account_exposure(facts.accounts.index(account.id))
    return {c: float(v) for c, v in zip(facts.classes, y, strict=True) if v}


def household_exposure(book: Book | Facts, *, after_tax: bool | None = None) -> dict[str, float]:
    """Allocation class → dollars across the household, every allocation class present."""
    facts = _on_basis(household_facts(book), after_tax)
    y = facts.exposure_before
    out = dict.fromkeys(facts.book.allocation_classes, 0.0)
    for c, v in zip(facts.classes, y, strict=True):
        if c in out or v:
            out[c] = float(v)
    return out


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
