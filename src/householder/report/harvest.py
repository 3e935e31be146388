"""The harvest's tables and messages (read from the :class:`Harvest`, never recomputed)."""

from __future__ import annotations

from householder.plan.harvest import Harvest
from householder.plan.rounding import number_text
from householder.report.calendar import calendar_messages, calendar_table
from householder.report.common import Block, Message, Styled, Table, money, note, pct


def harvest_tables(h: Harvest) -> list[Table]:
    """The candidates with their replacements, what is not harvested, the tax, the calendar."""
    tables: list[Table] = []
    if h.candidates:
        table = Table(
            title=f"{h.household}: harvest on {h.as_of} (losses of {money(h.min_loss)} or more)",
            headers=["account", "sell", "lots", "loss", "buy instead", "cash left"],
            justify=["left", "left", "left", "right", "left", "right"],
        )
        for c in h.candidates:
            shares = f"{number_text(c.shares)} " if c.shares is not None else ""
            lots = ", ".join(f"{lot.id} ({lot.term})" for lot in c.lots)
            r = c.replacement
            if r is None:
                buy = "nothing (see below)"
            else:
                count = f"{number_text(r.shares)} " if r.shares is not None else ""
                whose = "yours" if r.source == "substitutes" else "bundled pair"
                buy = f"{count}{r.fund} {money(r.amount)} ({whose})"
            table.rows.append([
                c.account,
                f"{shares}{c.fund} {money(c.proceeds)}",
                lots,
                Styled(money(c.loss), "good"),
                buy,
                money(c.cash_left),
            ])
        tables.append(table)
    if h.blocked:
        table = Table(
            title="Not harvested",
            headers=["account", "fund", "lots", "loss", "because of", "harvest from"],
            justify=["left", "left", "left", "right", "left", "left"],
        )
        for b in h.blocked:
            if b.restriction is not None:
                cause = b.restriction
            else:
                cause = ", ".join(f"{p.source} {p.fund} in {p.account} {p.date}"
                                  for p in b.purchases)
            table.rows.append([b.account, b.fund, ", ".join(b.lots), money(b.loss), cause,
                               b.harvest_from or "see below"])
        tables.append(table)
    if h.candidates:
        e = h.economics
        tax = Table(title="What the harvest is worth",
                    headers=["", "amount", "rate", "tax today"],
                    justify=["left", "right", "right", "right"])
        for line in h.tax.by_character:
            label = (f"loss carried forward (worth {pct(line.rate)} a dollar)"
                     if line.offsets == "carried forward" else f"offsets {line.offsets}")
            tax.rows.append([label, money(line.amount),
                             "" if line.offsets == "carried forward" else pct(line.rate),
                             money(line.tax)])
        tax.rows.append([
            f"basis given up: taxed when the replacement is sold "
            f"({pct(e.sold_at_horizon, 0)} in {e.horizon_years} years)",
            money(e.basis_given_up),
            pct(e.future_tax / e.basis_given_up) if e.basis_given_up else "",
            money(-e.future_tax_present_value),
        ])
        tax.rows.append(["net present benefit", "", "",
                         Styled(money(e.net_present_benefit), "good")])
        tax.caption = f"tax saved this year: {money(h.tax.tax_saved)}"
        tables.append(tax)
    if h.wash_sale_calendar:
        tables.append(calendar_table(h.wash_sale_calendar))
    return tables


def harvest_messages(h: Harvest) -> list[Message]:
    out: list[Message] = []
    if h.candidates:
        out.append(Message(h.economics.summary, lead="In all: ", style="strong"))
    for c in h.candidates:
        r = c.replacement
        if r is not None and r.allocation_change:
            moved = ", ".join(f"{cls} {'+' if v > 0 else '-'}{money(abs(v))}"
                              for cls, v in r.allocation_change.items())
            out.append(note(f"{c.fund} → {r.fund} in {c.account} moves {moved}"))
        if r is not None:
            out.append(note(f"{r.fund} for {c.fund}: {r.judgement}"))
        if c.note:
            out.append(Message(c.note, style="warn"))
    for b in h.blocked:
        out.append(Message(f"{b.fund} in {b.account}: {b.reason}", lead="Not harvested: "))
        for p in b.purchases:
            if p.source in ("payroll", "dividends"):
                out.append(Message(p.fix, lead="To harvest it: ", style="warn"))
    out += calendar_messages(h.wash_sale_calendar)
    out += [note(n) for n in h.notes]
    return out


def harvest_report(h: Harvest) -> list[Block]:
    return [*harvest_tables(h), *harvest_messages(h)]
