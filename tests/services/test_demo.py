"""Demo data: realistic, in the database's language, spread like a pipeline, deterministic for a seed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from leadtui.model import tables as t
from leadtui.services import database, demo
from leadtui.services.errors import PermissionDenied, RuleViolation

ANCHOR = date(2026, 6, 1)


async def snapshot(db) -> list[tuple]:
    async with db.read() as session:
        companies = (await session.execute(select(t.Company.name, t.Company.category_id).order_by(t.Company.id))).all()
        contacts = (
            await session.execute(
                select(t.Contact.first_name, t.Contact.last_name, t.Contact.lead_status_id).order_by(t.Contact.id)
            )
        ).all()
        sales = (await session.execute(select(t.Sale.heading, t.Sale.amount, t.Sale.status).order_by(t.Sale.id))).all()
    return [*companies, *contacts, *sales]


async def test_the_same_seed_gives_the_same_data(db_url, tmp_path):
    results = []
    for _ in range(2):
        db = await database.init_database(db_url, lang="en", login="admin", force=True)
        try:
            await demo.generate(db, await database.resolve_actor(db, "admin"), companies=40, seed=5, anchor=ANCHOR)
            results.append(await snapshot(db))
        finally:
            await db.dispose()
    assert results[0] == results[1] and len(results[0]) > 80


async def test_another_seed_gives_other_data(db, admin):
    await demo.generate(db, admin, companies=20, seed=1, anchor=ANCHOR)
    first = await snapshot(db)
    await demo.generate(db, admin, companies=20, seed=2, anchor=ANCHOR)
    assert (await snapshot(db))[:20] == first[:20]
    assert (await snapshot(db))[20:40] != first[:20]


async def test_demo_data_spreads_over_categories_statuses_and_sale_statuses(db, admin):
    result = await demo.generate(db, admin, companies=300, seed=3, anchor=ANCHOR)
    assert result.companies == 300 and result.contacts > 300 and result.sales > 50
    async with db.read() as session:
        categories = (await session.execute(select(func.count(func.distinct(t.Company.category_id))))).scalar()
        statuses = (await session.execute(select(func.count(func.distinct(t.Contact.lead_status_id))))).scalar()
        sale_statuses = (await session.execute(select(func.count(func.distinct(t.Sale.status))))).scalar()
        history = await session.scalar(select(func.count()).select_from(t.History))
    assert categories >= 6 and statuses == 5 and sale_statuses == 4 and history > 300


async def test_lead_status_only_on_contacts_of_lead_enabled_companies(db, admin):
    await demo.generate(db, admin, companies=200, seed=4, anchor=ANCHOR)
    async with db.read() as session:
        wrong = await session.scalar(
            select(func.count())
            .select_from(t.Contact)
            .join(t.Company)
            .join(t.Category)
            .where(t.Contact.lead_status_id.is_not(None), t.Category.enable_lead_status.is_(False))
        )
        missing = await session.scalar(
            select(func.count())
            .select_from(t.Contact)
            .join(t.Company)
            .join(t.Category)
            .where(t.Contact.lead_status_id.is_(None), t.Category.enable_lead_status.is_(True))
        )
    assert wrong == 0 and missing == 0


@pytest.mark.parametrize("lang,suffixes", [("da", ("A/S", "ApS", "I/S")), ("nb", ("AS", "ASA", "& co.", "DA", "ANS"))])
async def test_names_come_in_the_databases_language(db_url, lang, suffixes):
    db = await database.init_database(db_url, lang=lang, login="admin", force=True)
    try:
        await demo.generate(db, await database.resolve_actor(db, "admin"), companies=60, seed=1, anchor=ANCHOR)
        async with db.read() as session:
            names = (await session.scalars(select(t.Company.name))).all()
    finally:
        await db.dispose()
    assert sum(name.endswith(suffixes) for name in names) > 10


async def test_only_administrators_load_demo_data(db, rep):
    with pytest.raises(PermissionDenied):
        await demo.generate(db, rep, companies=1)


async def test_company_count_must_be_positive(db, admin):
    with pytest.raises(RuleViolation) as error:
        await demo.generate(db, admin, companies=0)
    assert error.value.field == "companies"


# --------------------------------------------------------------------------- issue 13: a team, words, weeks

ENGLISH = {"of", "for", "the", "and", "delivery", "installation", "service", "agreement", "upgrade", "leasing"}
ENGLISH |= {"replacement", "annual", "maintenance", "trial", "office", "warehouse", "solutions", "synergies"}
ENGLISH |= {"leverage", "seamless", "e-markets", "deliverables", "interfaces", "platforms", "web-enabled"}


async def test_the_demo_team_has_several_users_of_each_role_who_own_their_share(db, admin):
    from leadtui.services import rights

    await demo.generate(db, admin, companies=120, seed=1, anchor=ANCHOR)
    async with db.read() as session:
        roles = dict((await session.execute(select(t.Associate.login, t.Associate.role))).all())
        owned = dict(
            (
                await session.execute(select(t.Company.our_contact_id, func.count()).group_by(t.Company.our_contact_id))
            ).all()
        )
        sales = dict((await session.execute(select(t.Sale.owner_id, func.count()).group_by(t.Sale.owner_id))).all())
    assert sorted(roles.values()).count("sales-rep") >= 3 and sorted(roles.values()).count("sales-manager") >= 2
    assert sorted(roles.values()).count("administrator") >= 2
    rep1 = await database.resolve_actor(db, "rep1")
    assert rep1.role.value == "sales-rep" and owned.get(rep1.id, 0) >= 5 and sales.get(rep1.id, 0) >= 1
    manager = await database.resolve_actor(db, "manager1")
    assert owned.get(manager.id, 0) >= 1
    # rights in force: rep1 may change what rep1 owns and nothing of rep4's
    rep4 = await database.resolve_actor(db, "rep4")
    assert rights.may_edit(rep1, rep1.id, None) and not rights.may_edit(rep1, rep4.id, rep4.primary_group_id)
    again = await demo.generate(db, admin, companies=5, seed=9, anchor=ANCHOR)
    assert again.users == 0  # the team is added once


async def test_open_deals_sit_weeks_in_their_stage_and_some_follow_ups_are_overdue(db, admin):
    from datetime import datetime, timedelta

    await demo.generate(db, admin, companies=200, seed=2, anchor=ANCHOR)
    noon = datetime(ANCHOR.year, ANCHOR.month, ANCHOR.day, 12)
    async with db.read() as session:
        open_since = (await session.scalars(select(t.Sale.stage_since).where(t.Sale.status == 1))).all()
        status_since = (await session.scalars(select(t.Contact.lead_status_since))).all()
        stalled = await session.scalar(select(func.count()).select_from(t.Sale).where(t.Sale.status == 4))
        overdue = await session.scalar(
            select(func.count())
            .select_from(t.Activity)
            .where(t.Activity.completed.is_(False), t.Activity.start_at < noon - timedelta(days=1))
        )
    ages = [(noon - since).days for since in open_since]
    assert ages and max(ages) <= 150 and min(ages) >= 0
    assert max((noon - since).days for since in status_since if since is not None) <= 200
    assert stalled > 0 and overdue > 0


async def test_dutch_demo_speaks_dutch(db_url):
    db = await database.init_database(db_url, lang="nl", login="admin", force=True)
    try:
        await demo.generate(db, await database.resolve_actor(db, "admin"), companies=80, seed=1, anchor=ANCHOR)
        async with db.read() as session:
            headings = (await session.scalars(select(t.Sale.heading))).all()
            titles = (await session.scalars(select(t.Contact.title))).all()
            notes = (await session.scalars(select(t.Activity.text))).all()
            countries = set((await session.scalars(select(t.Company.country))).all())
    finally:
        await db.dispose()
    words = {word.strip(".,;:()").lower() for text in [*headings, *titles, *notes] for word in text.split()}
    assert len(headings) > 20 and not (words & ENGLISH), words & ENGLISH
    assert countries == {"Nederland"}  # not Faker's "Kingdom of the Netherlands"
    assert any(heading.startswith(("Levering van", "Installatie van", "Huur van")) for heading in headings)
