"""Realistic demo data: companies, contacts, sales, follow-ups and history like a real pipeline.

Names come from Faker in the database's language; everything is drawn from one seeded random generator, so the
same seed (and anchor date) gives the same data. Rows are inserted set-based in chunks: fast enough for
benchmarks with many thousands of companies.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.model.enums import CategoryGroup, Role, SaleStatus
from leadtui.services.actor import Actor
from leadtui.services.contact_rules import contact_keys, search_key
from leadtui.services.errors import PermissionDenied, RuleViolation

FAKER_LOCALES = {"en": "en_GB", "da": "da_DK", "nl": "nl_NL", "nb": "no_NO"}
CHUNK = 5000
MAX_COMPANIES = 2_000_000

# share of companies per category (by rank in the default list; extra categories share the rest)
CATEGORY_WEIGHTS = [15, 10, 10, 5, 35, 15, 10]
# share of lead statuses (by rank): Open, Contacting, Disqualified, Re-nurture, Qualified
STATUS_WEIGHTS = [30, 25, 10, 15, 20]


class DemoOut(BaseModel):
    users: int
    companies: int
    contacts: int
    sales: int
    follow_ups: int
    history: int


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isalnum() and c.isascii()).lower()


async def _ids(session: AsyncSession, model: type[Any], **where: Any) -> list[Any]:
    query = select(model).where(model.deleted.is_(False)).order_by(model.rank, model.id)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return list((await session.scalars(query)).all())


async def generate(
    db: Database,
    actor: Actor,
    *,
    companies: int = 200,
    seed: int = 1,
    anchor: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> DemoOut:
    """Add `companies` demo companies with their contacts, sales, follow-ups and history (administrators)."""
    if not actor.is_admin:
        raise PermissionDenied(
            _("Only administrators may load demo data (missing right: General administrator)."),
            right="General administrator",
        )
    if companies < 1 or companies > MAX_COMPANIES:
        raise RuleViolation(_("Companies: must be between 1 and {n}.").format(n=MAX_COMPANIES), field="companies")
    from faker import Faker

    from leadtui.services.database import database_language

    lang = await database_language(db)
    fake = Faker(FAKER_LOCALES.get(lang, "en_GB"))
    fake.seed_instance(seed)
    rng = random.Random(seed)
    today = anchor or date.today()
    now = datetime.combine(today, time(12, 0))
    counts = dict(users=0, companies=0, contacts=0, sales=0, follow_ups=0, history=0)

    async with db.write(actor) as session:
        categories = await _ids(session, t.Category)
        statuses = await _ids(session, t.LeadStatus)
        stages = await _ids(session, t.SaleStage)
        sale_types = await _ids(session, t.SaleType)
        reasons_sold = await _ids(session, t.ReasonSold)
        reasons_lost = await _ids(session, t.ReasonLost)
        reasons_stalled = await _ids(session, t.ReasonStalled)
        sources = await _ids(session, t.SaleSource)
        follow_up_types = await _ids(session, t.FollowUpType)
        businesses = await _ids(session, t.Business)
        if not categories or not statuses or not sale_types:
            raise RuleViolation(_("The lists are empty: run leadtui init first."))
        default_status = next((s for s in statuses if s.is_default), statuses[0])

        # a small sales team, unless the database already has one
        owners = list((await session.scalars(select(t.Associate.id).where(t.Associate.active.is_(True)))).all())
        if len(owners) < 3:
            taken = set((await session.scalars(select(t.Associate.login))).all())
            for _n in range(4):
                first, last = fake.first_name(), fake.last_name()
                login = f"{_ascii(first)}.{_ascii(last)}"[:40] or f"rep{_n}"
                if login in taken:
                    continue
                taken.add(login)
                user = t.Associate(login=login, full_name=f"{first} {last}", role=Role.SALES_REP.value)
                session.add(user)
                counts["users"] += 1
            await session.flush()
            owners = list((await session.scalars(select(t.Associate.id).where(t.Associate.active.is_(True)))).all())

        weights = [CATEGORY_WEIGHTS[i] if i < len(CATEGORY_WEIGHTS) else 5 for i in range(len(categories))]
        status_weights = [STATUS_WEIGHTS[i] if i < len(STATUS_WEIGHTS) else 5 for i in range(len(statuses))]
        first_id = (await session.scalar(select(func.coalesce(func.max(t.Company.id), 0))) or 0) + 1
        first_contact = (await session.scalar(select(func.coalesce(func.max(t.Contact.id), 0))) or 0) + 1
        first_sale = (await session.scalar(select(func.coalesce(func.max(t.Sale.id), 0))) or 0) + 1
        company_rows: list[dict[str, Any]] = []
        contact_rows: list[dict[str, Any]] = []
        sale_rows: list[dict[str, Any]] = []
        activity_rows: list[dict[str, Any]] = []
        history_rows: list[dict[str, Any]] = []
        contact_id = first_contact
        sale_id = first_sale

        async def flush_rows(final: bool = False) -> None:
            for model, rows in (
                (t.Company, company_rows),
                (t.Contact, contact_rows),
                (t.Sale, sale_rows),
                (t.Activity, activity_rows),
                (t.History, history_rows),
            ):
                if rows and (final or len(rows) >= CHUNK):
                    await session.execute(insert(model), rows)
                    rows.clear()

        for n in range(companies):
            company_id = first_id + n
            category = rng.choices(categories, weights)[0]
            lead_enabled = category.enable_lead_status and category.category_group == CategoryGroup.POTENTIAL_CUSTOMER
            name = fake.company()
            domain = fake.domain_name()
            owner = rng.choice(owners)
            registered = now - timedelta(days=rng.randint(0, 540), minutes=rng.randint(0, 600))
            company_rows.append(
                dict(
                    id=company_id,
                    name=name,
                    name_key=search_key(name),
                    category_id=category.id,
                    business_id=rng.choice(businesses).id if businesses else None,
                    our_contact_id=owner,
                    number=str(10000 + company_id),
                    city=fake.city(),
                    zip_code=fake.postcode(),
                    address=fake.street_address(),
                    country=fake.current_country() if hasattr(fake, "current_country") else "",
                    phone=fake.phone_number()[:60],
                    email=f"info@{domain}",
                    website=f"https://www.{domain}",
                    domain=domain,
                    registered_at=registered,
                    registered_by_id=owner,
                    version=1,
                )
            )
            for _c in range(rng.choices([1, 2, 3, 4, 5], [20, 30, 25, 15, 10])[0]):
                first, last = fake.first_name(), fake.last_name()
                email = f"{_ascii(first)}.{_ascii(last)}@{domain}"
                contact_registered = registered + timedelta(days=rng.randint(0, 30))
                name_key, last_key = contact_keys(first, last)
                row: dict[str, Any] = dict(
                    id=contact_id,
                    company_id=company_id,
                    first_name=first,
                    last_name=last,
                    name_key=name_key,
                    last_key=last_key,
                    title=fake.job()[:100],
                    email=email,
                    email_normalized=email,
                    mobile=fake.phone_number()[:60],
                    email_opt_in=rng.random() < 0.6,
                    registered_at=contact_registered,
                    registered_by_id=owner,
                    version=1,
                )
                if lead_enabled:
                    status = rng.choices(statuses, status_weights)[0]
                    path = [default_status] if status.id == default_status.id else [default_status, status]
                    if status.rank > 2 and rng.random() < 0.5:  # many went through Contacting first
                        middle = statuses[1] if len(statuses) > 1 else default_status
                        if middle.id not in (default_status.id, status.id):
                            path = [default_status, middle, status]
                    moment = contact_registered
                    previous = None
                    for step in path:
                        history_rows.append(
                            dict(
                                entity="contact",
                                entity_id=contact_id,
                                field="lead_status",
                                from_id=previous.id if previous else None,
                                from_text=previous.name if previous else "",
                                to_id=step.id,
                                to_text=step.name,
                                at=moment,
                                by_id=owner,
                            )
                        )
                        previous = step
                        moment = min(now, moment + timedelta(days=rng.randint(1, 40)))
                    row["lead_status_id"] = status.id
                    row["lead_status_since"] = history_rows[-1]["at"]
                contact_rows.append(row)
                contact_id += 1
            counts["contacts"] = contact_id - first_contact
            if (
                category.category_group in (CategoryGroup.CUSTOMER, CategoryGroup.POTENTIAL_CUSTOMER)
                and rng.random() < 0.55
            ):
                for _s in range(rng.choices([1, 2, 3], [60, 30, 10])[0]):
                    sale_type = rng.choice(sale_types)
                    stage = rng.choice(stages) if stages else None
                    status = rng.choices(list(SaleStatus), [55, 20, 15, 10])[0]
                    amount = Decimal(rng.randrange(5, 500) * 1000)
                    cost = (amount * Decimal(rng.randint(30, 80)) / 100).quantize(Decimal("0.01"))
                    registered_sale = registered + timedelta(days=rng.randint(0, 60))
                    sale_date = today + timedelta(days=rng.randint(-90, 120))
                    row = dict(
                        id=sale_id,
                        number=str(sale_id),
                        heading=f"{fake.bs().capitalize()[:200]}",
                        sale_type_id=sale_type.id,
                        stage_id=stage.id if stage else None,
                        status=int(status),
                        probability=stage.probability if stage else 0,
                        amount=amount,
                        cost=cost,
                        company_id=company_id,
                        owner_id=owner,
                        sale_date=sale_date,
                        source_id=rng.choice(sources).id if sources else None,
                        registered_at=registered_sale,
                        registered_by_id=owner,
                        stage_since=registered_sale,
                        version=1,
                    )
                    if status == SaleStatus.SOLD:
                        row.update(
                            probability=100,
                            reason_sold_id=rng.choice(reasons_sold).id if reasons_sold else None,
                            sale_date=today - timedelta(days=rng.randint(0, 200)),
                            stage_when_closed_id=row["stage_id"],
                            completed=rng.random() < 0.5,
                        )
                    elif status == SaleStatus.LOST:
                        row.update(
                            probability=0,
                            reason_lost_id=rng.choice(reasons_lost).id if reasons_lost else None,
                            sale_date=today - timedelta(days=rng.randint(0, 200)),
                            stage_when_closed_id=row["stage_id"],
                        )
                    elif status == SaleStatus.STALLED:
                        row.update(
                            reopen_date=today + timedelta(days=rng.randint(7, 90)),
                            reason_stalled_id=rng.choice(reasons_stalled).id if reasons_stalled else None,
                        )
                    row["closed_at"] = (
                        datetime.combine(row["sale_date"], time(12))
                        if status in (SaleStatus.SOLD, SaleStatus.LOST)
                        else None
                    )
                    sale_rows.append(row)
                    history_rows.append(
                        dict(
                            entity="sale",
                            entity_id=sale_id,
                            field="stage",
                            from_id=None,
                            from_text="",
                            to_id=row["stage_id"],
                            to_text=stage.name if stage else "",
                            at=registered_sale,
                            by_id=owner,
                        )
                    )
                    if status == SaleStatus.OPEN and follow_up_types:
                        kind = rng.choice(follow_up_types)
                        activity_rows.append(
                            dict(
                                kind=kind.kind,
                                follow_up_type_id=kind.id,
                                title=f"{kind.name}: {name}"[:200],
                                text=fake.sentence(),
                                owner_id=owner,
                                company_id=company_id,
                                sale_id=sale_id,
                                start_at=datetime.combine(today + timedelta(days=rng.randint(-10, 30)), time(9, 0)),
                                completed=False,
                                registered_at=registered_sale,
                                registered_by_id=owner,
                                version=1,
                            )
                        )
                    sale_id += 1
            if len(company_rows) >= CHUNK:
                await flush_rows()
                if progress:
                    progress(CHUNK)
        await flush_rows(final=True)
        if progress:
            progress(companies % CHUNK or min(companies, CHUNK))
        counts["companies"] = companies
        counts["sales"] = sale_id - first_sale
        counts["follow_ups"] = await session.scalar(select(func.count()).select_from(t.Activity)) or 0
        counts["history"] = await session.scalar(select(func.count()).select_from(t.History)) or 0
        if db.dialect == "postgresql":
            # explicit ids were inserted: move the sequences past them
            for table in ("company", "contact", "sale"):
                await session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                    )
                )
    return DemoOut(**counts)
