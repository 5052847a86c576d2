"""The Sales section tab of a company or contact card (SPEC.md 4.9, STAB).

`SalesTab(company_id=...)` or `SalesTab(contact_id=...)` lists that company's or contact's sales (the Sales list's
columns, with the sums of amount and weighted amount computed in the database). Enter opens the sale card;
n creates a new sale prefilled with the company / contact; x deletes (with the owner / right check).
"""

from __future__ import annotations

from leadtui.widgets.sale_list import SaleList


class SalesTab(SaleList):
    DEFAULT_CSS = """
    SalesTab { height: 1fr; }
    """

    def __init__(
        self,
        company_id: int | None = None,
        contact_id: int | None = None,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(company_id=company_id, contact_id=contact_id, id=id, classes=classes)
        # a contact's tab still shows the company column: a contact's sales may belong to its company only
        self.with_company = company_id is None

    # a card opens with its first tab in front: the sales are read when this tab is first shown, not with the card
    _shown = False
    _reload_pending: tuple[int | None] | None = None

    def reload(self, select_id: int | None = None) -> None:
        if not self._shown:
            self._reload_pending = (select_id,)
            return
        super().reload(select_id)

    def on_show(self) -> None:
        if not self._shown:
            self._shown = True
            if self._reload_pending is not None:
                super().reload(self._reload_pending[0])
