"""Property-based: random strings, numbers and unicode thrown at the service layer give a clean domain error or
a valid save, never a crash, and a refused call changes nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadtui.services import database, lists, users
from leadtui.services.errors import DomainError

ANY_TEXT = st.text(max_size=120)
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    ANY_TEXT,
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
LIST_KINDS = st.sampled_from([*lists.KINDS, "colour", "", "lead status"])
FIELDS = st.sampled_from(
    [
        "name",
        "description",
        "category_group",
        "enable_lead_status",
        "probability",
        "is_default",
        "rank",
        "deleted",
        "id",
    ]
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def property_db(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("props") / "props.db"


def run(coro):
    return asyncio.run(coro)


async def _open(path: Path):
    db, _created = await database.open_or_create(f"sqlite+aiosqlite:///{path}", lang="en", login="admin")
    return db, await database.resolve_actor(db, "admin")


async def _snapshot(db) -> list:
    return [
        (kind, [i.model_dump() for i in await lists.list_items(db, kind, include_deleted=True)]) for kind in lists.KINDS
    ]


@SETTINGS
@given(kind=LIST_KINDS, data=st.dictionaries(FIELDS, ANY_VALUE, max_size=4))
def test_adding_list_items_is_clean_or_valid(property_db, kind, data):
    async def go():
        db, admin = await _open(property_db)
        try:
            before = await _snapshot(db)
            try:
                item = await lists.add_item(db, admin, kind, data)
            except DomainError as exc:
                assert str(exc)
                assert await _snapshot(db) == before
            else:
                assert item.name.strip() and len(item.name) <= 80
        finally:
            await db.dispose()

    run(go())


@SETTINGS
@given(kind=LIST_KINDS, ref=st.one_of(ANY_TEXT, st.integers()), data=st.dictionaries(FIELDS, ANY_VALUE, max_size=4))
def test_editing_list_items_is_clean_or_valid(property_db, kind, ref, data):
    async def go():
        db, admin = await _open(property_db)
        try:
            before = await _snapshot(db)
            try:
                await lists.edit_item(db, admin, kind, ref, data)
            except DomainError as exc:
                assert str(exc)
                assert await _snapshot(db) == before
        finally:
            await db.dispose()

    run(go())


@SETTINGS
@given(
    data=st.dictionaries(
        st.sampled_from(["login", "full_name", "role", "group", "delete_others_sales", "x"]), ANY_VALUE, max_size=4
    )
)
def test_adding_users_is_clean_or_valid(property_db, data):
    async def go():
        db, admin = await _open(property_db)
        try:
            try:
                user = await users.add_user(db, admin, data)
            except DomainError as exc:
                assert str(exc)
            else:
                assert user.login and " " not in user.login
        finally:
            await db.dispose()

    run(go())


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=30), lang=st.sampled_from(["en", "da", "nl", "nb"]))
def test_date_and_number_input_never_crash(text, lang):
    from leadtui.i18n import set_language
    from leadtui.i18n.format import parse_date, parse_decimal

    set_language(lang)
    try:
        for parse in (parse_date, parse_decimal):
            try:
                parse(text)
            except ValueError as exc:
                assert str(exc)
    finally:
        set_language("en")
