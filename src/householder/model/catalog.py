"""Resolved reference data: the asset-class tree and the household's fund universe.

The bundled taxonomy and catalog merged with the household file's ``classes:`` and ``funds:``
entries (a file entry overrides a bundled row field by field).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from householder.model.types import WHOLE_SHARE_KINDS, FundKind, Income, WholeShares


@dataclass(frozen=True)
class ClassInfo:
    """An asset class with its assumptions (fractions per year)."""

    id: str
    parent: str | None
    name: str
    expected_return: float
    yield_: float
    income: Income
    turnover: float = 0.0
    foreign_tax: float = 0.0


@dataclass(frozen=True)
class Taxonomy:
    """The class tree. Targets and funds may name any level."""

    classes: dict[str, ClassInfo]
    _children: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        children: dict[str, list[str]] = {cid: [] for cid in self.classes}
        for info in self.classes.values():
            if info.parent in children:
                children[info.parent].append(info.id)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    def __contains__(self, class_id: object) -> bool:
        return class_id in self.classes

    def __iter__(self) -> Iterator[str]:
        return iter(self.classes)

    def __getitem__(self, class_id: str) -> ClassInfo:
        return self.classes[class_id]

    def children(self, class_id: str) -> tuple[str, ...]:
        return self._children.get(class_id, ())

    def ancestors(self, class_id: str) -> list[str]:
        """``class_id`` and its ancestors up to the root, nearest first."""
        chain: list[str] = []
        current: str | None = class_id
        while current is not None and current in self.classes and current not in chain:
            chain.append(current)
            current = self.classes[current].parent
        return chain

    def is_under(self, class_id: str, ancestor: str) -> bool:
        """True when ``class_id`` is ``ancestor`` or lies below it."""
        return ancestor in self.ancestors(class_id)

    def depth(self, class_id: str) -> int:
        return len(self.ancestors(class_id)) - 1

    def descendants(self, class_id: str) -> list[str]:
        out: list[str] = []
        stack = [class_id]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(self.children(node))
        return out


@dataclass(frozen=True)
class FundInfo:
    """A fund of the household's universe, resolved."""

    ticker: str
    name: str
    expense_ratio: float
    classes: dict[str, float]
    """Exposure as fractions summing to 1, by class id (any level of the tree)."""
    kind: FundKind
    from_catalog: bool = False

    def whole_shares(self, policy: WholeShares, price: float | None) -> bool:
        """Whether this fund trades in whole shares under ``policy`` (needs a known price)."""
        if policy is WholeShares.NEVER:
            return False
        if policy is WholeShares.ALWAYS:
            return price is not None
        return self.kind in WHOLE_SHARE_KINDS

    @property
    def is_cash_like(self) -> bool:
        return self.kind is FundKind.MONEY_MARKET or set(self.classes) == {"cash"}
