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
COUNTRIES = {"en": "United Kingdom", "da": "Danmark", "nl": "Nederland", "nb": "Norge"}  # Faker names them in English
CHUNK = 5000
MAX_COMPANIES = 2_000_000

# share of companies per category (by rank in the default list; extra categories share the rest)
CATEGORY_WEIGHTS = [15, 10, 10, 5, 35, 15, 10]
# share of lead statuses (by rank): Open, Contacting, Disqualified, Re-nurture, Qualified
STATUS_WEIGHTS = [30, 25, 10, 15, 20]

# the demo team: fixed logins (README, "Demo data"), names from Faker in the database's language
DEMO_TEAM: tuple[tuple[str, Role, int], ...] = (  # login, role, group (0 or 1)
    ("office", Role.ADMINISTRATOR, 0),
    ("manager1", Role.SALES_MANAGER, 0),
    ("manager2", Role.SALES_MANAGER, 1),
    ("rep1", Role.SALES_REP, 0),
    ("rep2", Role.SALES_REP, 0),
    ("rep3", Role.SALES_REP, 0),
    ("rep4", Role.SALES_REP, 1),
    ("rep5", Role.SALES_REP, 1),
)
DEMO_LOGINS = frozenset(login for login, _role, _group in DEMO_TEAM)
# how many records each role owns, relatively: reps carry the pipeline
OWNER_WEIGHTS = {Role.SALES_REP.value: 6, Role.SALES_MANAGER.value: 2, Role.ADMINISTRATOR.value: 1}
# open deals sit this many days in their stage; closed deals closed this many days ago at most
STAGE_DAYS = (3, 120)
CLOSED_DAYS = 150


class Vocabulary(BaseModel):
    """Products and services of a small B2B supplier in one language: sale headings, notes, job titles."""

    groups: tuple[str, str]
    products: list[str]
    services: list[str]  # "{p}" is a product
    for_site: str  # "{P}" a product (capitalised), "{site}" a site
    sites: list[str]
    titles: list[str]
    notes: list[str]
    tasks: list[str]


VOCABULARY: dict[str, Vocabulary] = {
    "en": Vocabulary(
        groups=("North", "South"),
        products=[
            "laptops",
            "office chairs",
            "server racks",
            "CRM licences",
            "network switches",
            "label printers",
            "cloud backup",
            "access control",
            "till systems",
            "forklifts",
            "solar panels",
            "coffee machines",
            "security cameras",
            "video conferencing kits",
            "LED lighting",
            "electric vans",
        ],
        services=[
            "Delivery of {p}",
            "Installation of {p}",
            "Service agreement for {p}",
            "Upgrade of {p}",
            "Leasing of {p}",
            "Replacement of {p}",
            "Annual maintenance of {p}",
            "Trial of {p}",
        ],
        for_site="{P} for the {site}",
        sites=["head office", "warehouse", "new branch", "production hall", "customer service", "reception"],
        titles=[
            "Managing Director",
            "Purchasing Manager",
            "Finance Director",
            "IT Manager",
            "Office Manager",
            "Operations Manager",
            "Sales Director",
            "Facilities Manager",
            "Head of Marketing",
            "Buyer",
            "Controller",
            "HR Manager",
        ],
        notes=[
            "Interested in {p}; wants a price before the budget round.",
            "Uses a competitor for {p}; the contract ends this year.",
            "Asked for references on {p}.",
            "The board decides next month.",
            "Prefers email; call only before noon.",
        ],
        tasks=[
            "Go through the offer for {p}.",
            "Confirm the delivery date for {p}.",
            "Send a revised quote for {p}.",
            "Book a demonstration of {p}.",
        ],
    ),
    "da": Vocabulary(
        groups=("Nord", "Syd"),
        products=[
            "bærbare computere",
            "kontorstole",
            "serverskabe",
            "CRM-licenser",
            "netværksswitche",
            "labelprintere",
            "cloud-backup",
            "adgangskontrol",
            "kasseterminaler",
            "gaffeltrucks",
            "solceller",
            "kaffemaskiner",
            "overvågningskameraer",
            "videomødeudstyr",
            "LED-belysning",
            "elvarebiler",
        ],
        services=[
            "Levering af {p}",
            "Installation af {p}",
            "Serviceaftale på {p}",
            "Opgradering af {p}",
            "Leasing af {p}",
            "Udskiftning af {p}",
            "Årligt eftersyn af {p}",
            "Prøveperiode med {p}",
        ],
        for_site="{P} til {site}",
        sites=["hovedkontoret", "lageret", "den nye afdeling", "produktionshallen", "kundeservice", "receptionen"],
        titles=[
            "Administrerende direktør",
            "Indkøbschef",
            "Økonomichef",
            "IT-chef",
            "Kontorchef",
            "Driftschef",
            "Salgsdirektør",
            "Ejendomsansvarlig",
            "Marketingchef",
            "Indkøber",
            "Controller",
            "HR-chef",
        ],
        notes=[
            "Interesseret i {p}; vil have en pris før budgetrunden.",
            "Bruger en konkurrent til {p}; aftalen udløber i år.",
            "Har bedt om referencer på {p}.",
            "Bestyrelsen beslutter sig næste måned.",
            "Foretrækker e-mail; ring kun før middag.",
        ],
        tasks=[
            "Gennemgå tilbuddet på {p}.",
            "Bekræft leveringsdatoen for {p}.",
            "Send et revideret tilbud på {p}.",
            "Aftal en demonstration af {p}.",
        ],
    ),
    "nl": Vocabulary(
        groups=("Noord", "Zuid"),
        products=[
            "laptops",
            "bureaustoelen",
            "serverkasten",
            "CRM-licenties",
            "netwerkswitches",
            "labelprinters",
            "cloudopslag",
            "toegangscontrole",
            "kassasystemen",
            "heftrucks",
            "zonnepanelen",
            "koffieautomaten",
            "beveiligingscamera's",
            "vergaderapparatuur",
            "ledverlichting",
            "elektrische bestelwagens",
        ],
        services=[
            "Levering van {p}",
            "Installatie van {p}",
            "Serviceovereenkomst voor {p}",
            "Vernieuwing van {p}",
            "Huur van {p}",
            "Vervanging van {p}",
            "Jaarlijks onderhoud van {p}",
            "Proefperiode met {p}",
        ],
        for_site="{P} voor {site}",
        sites=[
            "het hoofdkantoor",
            "het magazijn",
            "de nieuwe vestiging",
            "de productiehal",
            "de klantenservice",
            "de receptie",
        ],
        titles=[
            "Algemeen directeur",
            "Inkoopmanager",
            "Financieel directeur",
            "IT-manager",
            "Officemanager",
            "Bedrijfsleider",
            "Commercieel directeur",
            "Facilitair manager",
            "Hoofd marketing",
            "Inkoper",
            "Controller",
            "HR-manager",
        ],
        notes=[
            "Geïnteresseerd in {p}; wil een prijs vóór de begrotingsronde.",
            "Gebruikt een concurrent voor {p}; het contract loopt dit jaar af.",
            "Vroeg om referenties voor {p}.",
            "Het bestuur beslist volgende maand.",
            "Liever e-mail; alleen vóór twaalf uur bellen.",
        ],
        tasks=[
            "Offerte voor {p} doornemen.",
            "Leverdatum voor {p} bevestigen.",
            "Herziene offerte voor {p} sturen.",
            "Demonstratie van {p} inplannen.",
        ],
    ),
    "nb": Vocabulary(
        groups=("Nord", "Sør"),
        products=[
            "bærbare PC-er",
            "kontorstoler",
            "serverskap",
            "CRM-lisenser",
            "nettverkssvitsjer",
            "etikettskrivere",
            "skylagring",
            "adgangskontroll",
            "kasseterminaler",
            "gaffeltrucker",
            "solcellepaneler",
            "kaffemaskiner",
            "overvåkingskameraer",
            "videomøteutstyr",
            "LED-belysning",
            "elektriske varebiler",
        ],
        services=[
            "Levering av {p}",
            "Installasjon av {p}",
            "Serviceavtale for {p}",
            "Oppgradering av {p}",
            "Leasing av {p}",
            "Utskifting av {p}",
            "Årlig vedlikehold av {p}",
            "Prøveperiode med {p}",
        ],
        for_site="{P} til {site}",
        sites=["hovedkontoret", "lageret", "den nye avdelingen", "produksjonshallen", "kundeservice", "resepsjonen"],
        titles=[
            "Daglig leder",
            "Innkjøpssjef",
            "Økonomisjef",
            "IT-sjef",
            "Kontorsjef",
            "Driftssjef",
            "Salgsdirektør",
            "Eiendomsansvarlig",
            "Markedssjef",
            "Innkjøper",
            "Controller",
            "HR-sjef",
        ],
        notes=[
            "Interessert i {p}; vil ha en pris før budsjettrunden.",
            "Bruker en konkurrent for {p}; avtalen går ut i år.",
            "Har bedt om referanser på {p}.",
            "Styret bestemmer seg neste måned.",
            "Foretrekker e-post; ring bare før lunsj.",
        ],
        tasks=[
            "Gå gjennom tilbudet på {p}.",
            "Bekreft leveringsdatoen for {p}.",
            "Send et revidert tilbud på {p}.",
            "Avtal en demonstrasjon av {p}.",
        ],
    ),
}


def _heading(rng: random.Random, words: Vocabulary) -> str:
    product = rng.choice(words.products)
    if rng.random() < 0.7:
        return rng.choice(words.services).format(p=product)
    return words.for_site.format(P=product[:1].upper() + product[1:], site=rng.choice(words.sites))


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


async def _add_team(session: AsyncSession, fake: Any, words: Vocabulary) -> int:
    """The demo team (DEMO_TEAM) with two user groups, unless its logins exist already; how many were added."""
    taken = {login.casefold() for login in (await session.scalars(select(t.Associate.login))).all()}
    if DEMO_LOGINS & taken:
        return 0
    groups = []
    for name in words.groups:
        group = await session.scalar(select(t.UserGroup).where(t.UserGroup.name_key == t.name_key(name)))
        if group is None:
            group = t.UserGroup(name=name)
            session.add(group)
            await session.flush()
        groups.append(group.id)
    for login, role, group_index in DEMO_TEAM:
        session.add(
            t.Associate(
                login=login,
                full_name=f"{fake.first_name()} {fake.last_name()}",
                role=role.value,
                primary_group_id=groups[group_index],
                delete_others_sales=role in (Role.ADMINISTRATOR, Role.SALES_MANAGER),
            )
        )
    await session.flush()
    return len(DEMO_TEAM)


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

        words = VOCABULARY.get(lang, VOCABULARY["en"])
        counts["users"] = await _add_team(session, fake, words)
        # every active user owns a share of the records: sales reps the most (OWNER_WEIGHTS)
        team = (
            await session.execute(
                select(t.Associate.id, t.Associate.role).where(t.Associate.active.is_(True)).order_by(t.Associate.id)
            )
        ).all()
        owners = [user_id for user_id, _role in team]
        owner_weights = [OWNER_WEIGHTS.get(role, 1) for _id, role in team]

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
            owner = rng.choices(owners, owner_weights)[0]
            registered = now - timedelta(days=rng.randint(0, 150), minutes=rng.randint(0, 600))
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
                    country=COUNTRIES.get(lang, COUNTRIES["en"]),
                    phone=fake.phone_number()[:60],
                    email=f"info@{domain}",
                    website=f"https://www.{domain}",
                    domain=domain,
                    note=rng.choice(words.notes).format(p=rng.choice(words.products)) if rng.random() < 0.4 else "",
                    registered_at=registered,
                    registered_by_id=owner,
                    version=1,
                )
            )
            for _c in range(rng.choices([1, 2, 3, 4, 5], [20, 30, 25, 15, 10])[0]):
                first, last = fake.first_name(), fake.last_name()
                email = f"{_ascii(first)}.{_ascii(last)}@{domain}"
                contact_registered = min(now, registered + timedelta(days=rng.randint(0, 14)))
                name_key, last_key = contact_keys(first, last)
                row: dict[str, Any] = dict(
                    id=contact_id,
                    company_id=company_id,
                    first_name=first,
                    last_name=last,
                    name_key=name_key,
                    last_key=last_key,
                    title=rng.choice(words.titles),
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
                        moment = min(now, moment + timedelta(days=rng.randint(1, 20)))
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
                    # weeks in the stage, not years: some fresh, some stalled near the top of STAGE_DAYS
                    stage_since = now - timedelta(days=rng.randint(*STAGE_DAYS), minutes=rng.randint(0, 600))
                    registered_sale = max(registered, stage_since - timedelta(days=rng.randint(0, 30)))
                    stage_since = max(stage_since, registered_sale)
                    sale_date = today + timedelta(days=rng.randint(-20, 120))
                    row = dict(
                        id=sale_id,
                        number=str(sale_id),
                        heading=_heading(rng, words),
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
                        stage_since=stage_since,
                        version=1,
                    )
                    if status == SaleStatus.SOLD:
                        row.update(
                            probability=100,
                            reason_sold_id=rng.choice(reasons_sold).id if reasons_sold else None,
                            sale_date=max(registered_sale.date(), today - timedelta(days=rng.randint(0, CLOSED_DAYS))),
                            stage_when_closed_id=row["stage_id"],
                            completed=rng.random() < 0.5,
                        )
                    elif status == SaleStatus.LOST:
                        row.update(
                            probability=0,
                            reason_lost_id=rng.choice(reasons_lost).id if reasons_lost else None,
                            sale_date=max(registered_sale.date(), today - timedelta(days=rng.randint(0, CLOSED_DAYS))),
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
                            at=stage_since,
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
                                text=rng.choice(words.tasks).format(p=rng.choice(words.products)),
                                owner_id=owner,
                                company_id=company_id,
                                sale_id=sale_id,
                                # some overdue (before today, not done), some today, most ahead
                                start_at=datetime.combine(
                                    today + timedelta(days=rng.randint(-10, 30)), time(rng.randint(8, 15), 0)
                                ),
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
