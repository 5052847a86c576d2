"""Property-based: random input thrown at the sale, follow-up and guide services gives a clean domain error or a
valid save, never a crash, and a refused call changes nothing."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadtui.services import activities, database, guides, sales
from leadtui.services.errors import DomainError
from tests.sales_helpers import add_company

ANY_TEXT = st.text(max_size=40)
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    ANY_TEXT,
    st.decimals(allow_nan=True),
    st.sampled_from(["today", "+3", "2030-02-30", "Sold", "lost", "1", "Price", "-1", "1e400", "9" * 30]),
    st.lists(st.integers(), max_size=2),
)
SALE_FIELDS = st.sampled_from(
    [
        "heading",
        "description",
        "sale_type",
        "stage",
        "status",
        "probability",
        "amount",
        "cost",
        "profit",
        "percentage",
        "company_id",
        "contact_id",
        "owner",
        "sale_date",
        "reopen_date",
        "reason",
        "reason_sold",
        "reason_lost",
        "reason_stalled",
        "source",
        "competitor",
        "credited",
        "completed",
        "version",
        "id",
    ]
)
FOLLOW_UP_FIELDS = st.sampled_from(
    ["date", "time", "type", "text", "title", "sale_id", "contact_id", "company_id", "guide_item_id"]
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def sale_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sale-props") / "props.db"

    async def seed() -> None:
        db, _created = await database.open_or_create(f"sqlite+aiosqlite:///{path}", lang="en", login="admin")
        try:
            admin = await database.resolve_actor(db, "admin")
            company = await add_company(db)
            await sales.create_sale(
                db, admin, {"heading": "Base", "sale_type": "General sale", "company_id": company, "amount": "100"}
            )
        finally:
            await db.dispose()

    asyncio.run(seed())
    return path


def run_with_db(path: Path, action) -> None:  # noqa: ANN001
    async def go() -> None:
        db, _created = await database.open_or_create(f"sqlite+aiosqlite:///{path}", lang="en", login="admin")
        try:
            await action(db, await database.resolve_actor(db, "admin"))
        finally:
            await db.dispose()

    asyncio.run(go())


def check_sale(out: sales.SaleOut) -> None:
    assert out.heading.strip() and out.status in ("open", "sold", "lost", "stalled")
    assert 0 <= out.probability <= 100 and out.amount >= 0 and out.cost >= 0
    assert out.amount == out.amount.quantize(Decimal("0.01")) and out.profit == out.amount - out.cost
    assert not out.completed or out.status in ("sold", "lost")
    assert (out.status == "stalled") == (out.reopen_date is not None)


@SETTINGS
@given(data=st.dictionaries(SALE_FIELDS, ANY_VALUE, max_size=6))
def test_creating_sales_is_clean_or_valid(sale_db, data):
    async def action(db, admin):  # noqa: ANN001, ANN202
        before = (await sales.list_sales(db, admin)).total
        try:
            out = await sales.create_sale(db, admin, data)
        except DomainError as exc:
            assert str(exc)
            assert (await sales.list_sales(db, admin)).total == before
        else:
            check_sale(out)

    run_with_db(sale_db, action)


@SETTINGS
@given(data=st.dictionaries(SALE_FIELDS, ANY_VALUE, max_size=6), sale_id=st.one_of(st.just(1), st.integers()))
def test_changing_a_sale_is_clean_or_valid(sale_db, data, sale_id):
    async def action(db, admin):  # noqa: ANN001, ANN202
        before = (await sales.get_sale(db, 1)).model_dump()
        try:
            out = await sales.update_sale(db, admin, sale_id, data)
        except DomainError as exc:
            assert str(exc)
            assert (await sales.get_sale(db, 1)).model_dump() == before
        else:
            check_sale(out)

    run_with_db(sale_db, action)


@SETTINGS
@given(data=st.dictionaries(FOLLOW_UP_FIELDS, ANY_VALUE, max_size=5))
def test_follow_ups_are_clean_or_valid(sale_db, data):
    async def action(db, admin):  # noqa: ANN001, ANN202
        try:
            out = await activities.create_follow_up(db, admin, data)
        except DomainError as exc:
            assert str(exc)
        else:
            assert out.text.strip()

    run_with_db(sale_db, action)


@SETTINGS
@given(
    sale_type=ANY_VALUE,
    stages=st.lists(ANY_VALUE, max_size=3),
    item=st.dictionaries(
        st.sampled_from(
            [
                "name",
                "purpose",
                "follow_up_type",
                "start_offset_days",
                "duration_minutes",
                "default_text",
                "auto_suggest",
            ]
        ),
        ANY_VALUE,
        max_size=4,
    ),
)
def test_guide_administration_is_clean_or_valid(sale_db, sale_type, stages, item):
    async def action(db, admin):  # noqa: ANN001, ANN202
        for call in (
            lambda: guides.set_sale_type_stages(db, admin, sale_type, stages),
            lambda: guides.set_guide(db, admin, sale_type, True),
            lambda: guides.add_guide_item(db, admin, sale_type, stages[0] if stages else "Lead", item),
            lambda: guides.set_sale_type_options(db, admin, sale_type, item),
        ):
            try:
                await call()
            except DomainError as exc:
                assert str(exc)

    run_with_db(sale_db, action)
