"""Find: criteria on contacts, companies and sales, turned into one SQL query (SPEC.md 4.4, Q5).

A criterion is (field, operator, values). Operators by kind (the names the CLI and JSON use):
- text: contains, starts_with, ends_with, eq, ne, not_contains, not_starts_with, not_ends_with
- number/money: eq, ne (<>), gt, ge, lt, le, between
- date: before, eq, after, between, before_today, today, after_today, this / next / previous with `N:unit`
  (days, weeks, months, quarters, years; `this:week`, `next:3:months`), ne
- list: one_of, not_one_of (eq/ne accepted as those); bool: eq (ne kept); every kind: empty, not_empty.
Criteria are ANDed; criteria with a `group` form OR groups (ANDed inside a group, groups ORed, criteria without
a group ANDed with all of it). An empty value list deactivates a criterion (as in SuperOffice). The same criteria
serve the Find screen, dynamic selections, the board, the dashboard tiles and `leadtui find --where F:OP:V1,V2`
(`--or` starts a group).

Semantics, the same on SQLite and PostgreSQL:
- text: ignoring case; the positive operators match when any of the values matches, the negative ones (ne,
  not_...) when none does, records without a value included. Names, company names and emails are compared on
  their stored casefolded keys (Å/Ø fold on SQLite too). contains/ends_with on the indexed text fields (contact
  name and email, company name, sale heading) go through a trigram index (model/text_index.py) for 3+ characters.
- list: values are item ids or names (any case; deleted items too, L17). `not_one_of` includes records without a
  value. Our contact / Owner take `me` (also `current_user`): whoever runs the search, resolved at run time.
- number/money: gt/lt strict, ge/le/between inclusive. date: whole UTC days; relative operators are kept as
  operators (a saved selection stays relative) and resolved against today when run; weeks are Monday-Sunday.
- bool: yes/no. `empty` / `not_empty` on every kind.
- "Lead status reached" (+ "... reached on" dates) looks in the history: contacts that entered a status.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field as dc_field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Unpack

from pydantic import BaseModel, model_serializer
from sqlalchemy import (
    ColumnElement,
    DateTime,
    Select,
    SQLColumnExpression,
    and_,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    text as sql_text,
    true,
)
from sqlalchemy.sql import column as sql_column, table as sql_table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from leadtui.i18n import N_, _, ngettext
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.model.enums import CategoryGroup, SaleStatus
from leadtui.services import contact_rules as rules
from leadtui.services.actor import Actor
from leadtui.services.errors import RuleViolation
from leadtui.services.validation import check_text

if TYPE_CHECKING:
    AnySelect = Select[Unpack[tuple[Any, ...]]]  # a SELECT of any columns

TARGETS = ("contact", "company", "sale")
TARGET_ALIASES = {
    "persons": "contact",
    "person": "contact",
    "contacts": "contact",
    "contact": "contact",
    "companies": "company",
    "company": "company",
    "sales": "sale",
    "sale": "sale",
}
TARGET_LABELS = {"contact": N_("Contacts"), "company": N_("Companies"), "sale": N_("Sales")}
TEXT_OPERATORS = (
    "contains",
    "starts_with",
    "ends_with",
    "eq",
    "ne",
    "not_contains",
    "not_starts_with",
    "not_ends_with",
    "empty",
    "not_empty",
)
NUMBER_OPERATORS = ("eq", "ne", "gt", "ge", "lt", "le", "between", "empty", "not_empty")
RELATIVE_OPERATORS = ("this", "next", "previous")  # with a value `N:unit` (or `unit`: N = 1)
DATE_OPERATORS = (
    "before",
    "eq",
    "after",
    "between",
    "before_today",
    "today",
    "after_today",
    *RELATIVE_OPERATORS,
    "ne",
    "empty",
    "not_empty",
)
BOOL_OPERATORS = ("eq", "ne", "empty", "not_empty")
LIST_OPERATORS = ("one_of", "not_one_of", "empty", "not_empty")
OPERATORS = tuple(dict.fromkeys(LIST_OPERATORS + TEXT_OPERATORS + NUMBER_OPERATORS + DATE_OPERATORS))
NO_VALUE_OPERATORS = ("empty", "not_empty", "before_today", "today", "after_today")
# other names accepted for an operator (symbols, older names); per kind where the meaning depends on it
OPERATOR_ALIASES = {
    "<>": "ne",
    "!=": "ne",
    "=": "eq",
    "==": "eq",
    ">": "gt",
    ">=": "ge",
    "<": "lt",
    "<=": "le",
    "equals": "eq",
    "does_not_contain": "not_contains",
    "in": "one_of",
    "not_in": "not_one_of",
}
KIND_ALIASES = {
    "list": {"eq": "one_of", "ne": "not_one_of"},
    "date": {"gt": "after", "lt": "before"},  # older versions' names: saved selections keep working
}
OPERATOR_LABELS = {
    "one_of": N_("Is one of"),
    "not_one_of": N_("Is not one of"),
    "eq": N_("Equals"),
    "ne": N_("Is not"),
    "contains": N_("Contains"),
    "starts_with": N_("Starts with"),
    "ends_with": N_("Ends with"),
    "not_contains": N_("Does not contain"),
    "not_starts_with": N_("Does not begin with"),
    "not_ends_with": N_("Does not end with"),
    "gt": N_("Greater than"),
    "ge": N_("Greater than or equal to"),
    "lt": N_("Less than"),
    "le": N_("Less than or equal to"),
    "between": N_("Between"),
    "before": N_("Before"),
    "after": N_("After"),
    "before_today": N_("Before today"),
    "today": N_("Today"),
    "after_today": N_("After today"),
    "this": N_("This"),
    "next": N_("Next"),
    "previous": N_("Previous"),
    "empty": N_("Is empty"),
    "not_empty": N_("Is not empty"),
}
UNITS = ("days", "weeks", "months", "quarters", "years")
UNIT_NAMES = {  # singular, plural (for the descriptions)
    "days": (N_("day"), N_("days")),
    "weeks": (N_("week"), N_("weeks")),
    "months": (N_("month"), N_("months")),
    "quarters": (N_("quarter"), N_("quarters")),
    "years": (N_("year"), N_("years")),
}
CURRENT_USER = ("me", "current_user")  # Our contact / Owner: whoever runs the search
KIND_LABELS = {
    "text": N_("text"),
    "list": N_("list"),
    "number": N_("number"),
    "money": N_("money"),
    "date": N_("date"),
    "bool": N_("yes/no"),
}
MAX_PAGE = 1000
ITER_BATCH = 2000


ID_LIST_OP = "in_ids"  # not offered to users: "id is one of these", how a combined selection's members are found


class Criterion(BaseModel):
    field: str
    op: str
    values: list[str] = []
    # OR groups: criteria with the same group number are ANDed, the groups ORed; None: ANDed with everything
    # (a flat list of criteria, as older versions stored them, is one AND group). Left out of dumps when None.
    group: int | None = None

    @model_serializer(mode="wrap")
    def _dump(self, handler: Any) -> Any:
        data = handler(self)
        if isinstance(data, dict) and data.get("group") is None:
            data.pop("group", None)
        return data


class ColumnOut(BaseModel):
    key: str
    label: str
    kind: str = "text"  # text, list, number, money, date, bool: how a screen shows the values


class FieldOut(BaseModel):
    key: str
    label: str
    kind: str
    operators: list[str]


class ChoiceOut(BaseModel):
    value: str
    label: str
    deleted: bool = False


class FindPage(BaseModel):
    target: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]
    offset: int
    limit: int
    more: bool


@dataclass
class Field:
    key: str
    label: str
    kind: str  # text, list, number, money, date, bool
    expr: Callable[["Joins"], Any]  # the SQL value of this field for the target row
    source: str | None = None  # list fields: where the items come from (lead_status, category, owner ...)
    display: Callable[["Joins"], Any] | None = None  # what a results column shows, when not `expr`
    sort: Callable[["Joins"], Any] | None = None  # what sorting uses, when not `display`
    folded: bool = False  # text compared on a stored casefolded key
    predicate: bool = False  # bool fields whose expr is a condition (yes = it holds)
    history: str | None = None  # "status" / "on": the parts of "Lead status reached" (one EXISTS)
    column: bool = True  # may be shown as a results column
    aliases: tuple[str, ...] = ()
    also_starts: Callable[["Joins"], Any] | None = None  # starts_with also matches the start of this key
    # list fields a contact takes from its company: "one of" as company_id IN (SELECT ...), for counting queries
    # (lets the database start from the companies instead of joining a company to every contact)
    semi: Callable[["Joins", list[int]], Any] | None = None
    # a trigram index on this text (model/text_index.py): (FTS table, its column, the target's column holding the
    # indexed row's id: the contact's company_id for its company name, so the index drives through that key)
    text_index: tuple[str, str, Callable[["Joins"], Any]] | None = None


@dataclass
class Joins:
    """The aliased tables a query joins; fields build their expressions from these."""

    contact: Any = None
    company: Any = None
    sale: Any = None
    category: Any = None
    lead_status: Any = None
    owner: Any = None
    stage: Any = None
    sale_type: Any = None
    extra: dict[str, Any] = dc_field(default_factory=dict)


# --------------------------------------------------------------------------- fields per target


def _contact_name(contact: Any) -> Any:
    return func.trim(contact.first_name + literal(" ") + contact.last_name)


def _through_company(
    company_ids: Callable[[Any, list[int]], Any], own: Callable[[Joins, list[int]], Any]
) -> Callable[[Joins, list[int]], Any]:
    """One of `ids` for a value a contact takes from its company (L9), or has itself without a company; never NULL."""

    def build(j: Joins, ids: list[int]) -> ColumnElement[bool]:
        company = aliased(t.Company)
        return or_(
            and_(j.contact.company_id.is_not(None), j.contact.company_id.in_(company_ids(company, ids))),
            and_(j.contact.company_id.is_(None), own(j, ids)),
        )

    return build


_CATEGORY_SEMI = _through_company(
    lambda co, ids: select(co.id).where(co.category_id.in_(ids)),
    lambda j, ids: and_(j.contact.category_id.is_not(None), j.contact.category_id.in_(ids)),
)
_GROUP_SEMI = _through_company(
    lambda co, ids: (
        select(co.id).join(t.Category, t.Category.id == co.category_id).where(t.Category.category_group.in_(ids))
    ),
    lambda j, ids: and_(
        j.contact.category_id.is_not(None),
        j.contact.category_id.in_(select(t.Category.id).where(t.Category.category_group.in_(ids))),
    ),
)
_OWNER_SEMI = _through_company(
    lambda co, ids: select(co.id).where(co.our_contact_id.in_(ids)),
    lambda j, ids: and_(j.contact.our_contact_id.is_not(None), j.contact.our_contact_id.in_(ids)),
)


def _lead_enabled(j: Joins) -> ColumnElement[bool]:
    return and_(j.contact.company_id.is_not(None), rules.lead_enabled_sql(j.category))


@lru_cache(maxsize=None)
def _fields(target: str) -> dict[str, Field]:
    """The fields of a target by key and alias (built once: callers must not change the dict)."""
    if target == "contact":
        fields = [
            Field("id", N_("Id"), "number", lambda j: j.contact.id),
            Field(
                "name",
                N_("Name"),
                "text",
                lambda j: j.contact.name_key,
                display=lambda j: _contact_name(j.contact),
                sort=lambda j: j.contact.name_key,
                folded=True,
                also_starts=lambda j: j.contact.last_key,
                text_index=("contact_fts", "name_key", lambda j: j.contact.id),
            ),
            Field("first_name", N_("First name"), "text", lambda j: j.contact.first_name),
            Field(
                "last_name",
                N_("Last name"),
                "text",
                lambda j: j.contact.last_key,
                display=lambda j: j.contact.last_name,
                folded=True,
            ),
            Field(
                "email",
                N_("Email"),
                "text",
                lambda j: j.contact.email_normalized,
                display=lambda j: j.contact.email,
                folded=True,
                text_index=("contact_fts", "email_normalized", lambda j: j.contact.id),
            ),
            Field("title", N_("Title"), "text", lambda j: j.contact.title),
            Field("mobile", N_("Mobile"), "text", lambda j: j.contact.mobile),
            Field(
                "company",
                N_("Company"),
                "text",
                lambda j: j.company.name_key,
                display=lambda j: j.company.name,
                folded=True,
                aliases=("company_name",),
                text_index=("company_fts", "name_key", lambda j: j.contact.company_id),
            ),
            Field("company_id", N_("Company id"), "number", lambda j: j.contact.company_id),
            Field(
                "category",
                N_("Category"),
                "list",
                lambda j: rules.effective_case(j.contact.category_id, j.company.category_id),
                "category",
                lambda j: j.category.name,
                semi=_CATEGORY_SEMI,
            ),
            Field(
                "category_group",
                N_("Category group"),
                "list",
                lambda j: j.category.category_group,
                "category_group",
                semi=_GROUP_SEMI,
            ),
            Field(
                "lead_status",
                N_("Lead status"),
                "list",
                lambda j: j.contact.lead_status_id,
                "lead_status",
                lambda j: j.lead_status.name,
                sort=lambda j: j.lead_status.rank,
                aliases=("leadstatus",),
            ),
            Field(
                "lead_enabled", N_("Uses lead status (lead)"), "bool", _lead_enabled, predicate=True, aliases=("lead",)
            ),
            Field(
                "owner",
                N_("Our contact"),
                "list",
                lambda j: rules.effective_case(j.contact.our_contact_id, j.company.our_contact_id),
                "owner",
                lambda j: j.owner.login,
                aliases=("our_contact",),
                semi=_OWNER_SEMI,
            ),
            Field("email_opt_in", N_("Email opt-in"), "bool", lambda j: j.contact.email_opt_in),
            Field(
                "registered", N_("Registered"), "date", lambda j: j.contact.registered_at, aliases=("registered_at",)
            ),
            Field("lead_status_since", N_("In lead status since"), "date", lambda j: j.contact.lead_status_since),
            Field(
                "status_reached",
                N_("Lead status reached"),
                "list",
                lambda j: None,
                "lead_status",
                history="status",
                column=False,
            ),
            Field(
                "status_reached_on", N_("Lead status reached on"), "date", lambda j: None, history="on", column=False
            ),
            Field("city", N_("City"), "text", lambda j: j.company.city),
            Field("country", N_("Country"), "text", lambda j: j.company.country),
        ]
        fields += _utm_fields(lambda j: t.UtmRecord.contact_id == j.contact.id)
    elif target == "company":
        fields = [
            Field("id", N_("Id"), "number", lambda j: j.company.id),
            Field(
                "name",
                N_("Name"),
                "text",
                lambda j: j.company.name_key,
                display=lambda j: j.company.name,
                folded=True,
                text_index=("company_fts", "name_key", lambda j: j.company.id),
            ),
            Field(
                "category",
                N_("Category"),
                "list",
                lambda j: j.company.category_id,
                "category",
                lambda j: j.category.name,
            ),
            Field(
                "category_group", N_("Category group"), "list", lambda j: j.category.category_group, "category_group"
            ),
            Field(
                "lead_enabled",
                N_("Uses lead status (lead)"),
                "bool",
                lambda j: rules.lead_enabled_sql(j.category),
                predicate=True,
                aliases=("lead",),
            ),
            Field(
                "owner",
                N_("Our contact"),
                "list",
                lambda j: j.company.our_contact_id,
                "owner",
                lambda j: j.owner.login,
                aliases=("our_contact",),
            ),
            Field("city", N_("City"), "text", lambda j: j.company.city),
            Field("country", N_("Country"), "text", lambda j: j.company.country),
            Field("domain", N_("Domain"), "text", lambda j: j.company.domain),
            Field("email", N_("Email"), "text", lambda j: j.company.email),
            Field("phone", N_("Phone"), "text", lambda j: j.company.phone),
            Field("number", N_("Number"), "text", lambda j: j.company.number),
            Field(
                "registered", N_("Registered"), "date", lambda j: j.company.registered_at, aliases=("registered_at",)
            ),
        ]
        fields += _utm_fields(lambda j: t.UtmRecord.company_id == j.company.id)
    else:
        fields = [
            Field("id", N_("Id"), "number", lambda j: j.sale.id),
            Field(
                "heading",
                N_("Heading"),
                "text",
                lambda j: j.sale.heading,
                text_index=("sale_fts", "heading", lambda j: j.sale.id),
            ),
            Field("sale_status", N_("Status"), "list", lambda j: j.sale.status, "sale_status", aliases=("status",)),
            Field(
                "sale_stage",
                N_("Stage"),
                "list",
                lambda j: j.sale.stage_id,
                "sale_stage",
                lambda j: j.stage.name,
                sort=lambda j: j.stage.rank,
                aliases=("stage",),
            ),
            Field(
                "sale_type",
                N_("Sale type"),
                "list",
                lambda j: j.sale.sale_type_id,
                "sale_type",
                lambda j: j.sale_type.name,
                aliases=("type",),
            ),
            Field("owner", N_("Owner"), "list", lambda j: j.sale.owner_id, "owner", lambda j: j.owner.login),
            Field("amount", N_("Amount"), "money", lambda j: j.sale.amount),
            Field(
                "weighted_amount",
                N_("Weighted amount"),
                "money",
                lambda j: j.sale.amount * j.sale.probability / 100,
                aliases=("weighted",),
            ),
            Field("probability", N_("Probability"), "number", lambda j: j.sale.probability),
            Field("sale_date", N_("Sale date"), "date", lambda j: j.sale.sale_date, aliases=("date",)),
            Field("completed", N_("Completed"), "bool", lambda j: j.sale.completed),
            Field(
                "company",
                N_("Company"),
                "text",
                lambda j: j.company.name_key,
                display=lambda j: j.company.name,
                folded=True,
                text_index=("company_fts", "name_key", lambda j: j.sale.company_id),
            ),
            Field("company_id", N_("Company id"), "number", lambda j: j.sale.company_id),
            Field(
                "contact",
                N_("Contact"),
                "text",
                lambda j: j.contact.name_key,
                display=lambda j: _contact_name(j.contact),
                folded=True,
                text_index=("contact_fts", "name_key", lambda j: j.sale.contact_id),
            ),
            Field("contact_id", N_("Contact id"), "number", lambda j: j.sale.contact_id),
            Field(
                "category",
                N_("Company category"),
                "list",
                lambda j: j.company.category_id,
                "category",
                lambda j: j.category.name,
            ),
            Field(
                "category_group", N_("Category group"), "list", lambda j: j.category.category_group, "category_group"
            ),
            Field("registered", N_("Registered"), "date", lambda j: j.sale.registered_at, aliases=("registered_at",)),
        ]
    table: dict[str, Field] = {}
    for f in fields:
        table[f.key] = f
        for alias in f.aliases:
            table[alias] = f
    return table


def _utm_fields(link: Callable[[Joins], Any]) -> list[Field]:
    def utm(column: str) -> Callable[[Joins], Any]:
        return lambda j: (
            select(getattr(t.UtmRecord, column)).where(link(j)).order_by(t.UtmRecord.id).limit(1).scalar_subquery()
        )

    return [
        Field(f"utm_{name}", label, "text", utm(name))
        for name, label in (
            ("source", N_("Lead source (utm_source)")),
            ("medium", N_("Lead medium (utm_medium)")),
            ("campaign", N_("Lead campaign (utm_campaign)")),
            ("term", N_("Lead term (utm_term)")),
            ("content", N_("Lead content (utm_content)")),
        )
    ]


DEFAULT_COLUMNS = {
    "contact": ["name", "company", "category", "lead_status", "owner", "email"],
    "company": ["name", "category", "category_group", "owner", "city"],
    "sale": ["heading", "sale_status", "sale_stage", "amount", "probability", "sale_date", "company", "owner"],
}


def normalise_target(target: str) -> str:
    try:
        return TARGET_ALIASES[target.strip().lower()]
    except (KeyError, AttributeError):
        raise RuleViolation(
            _("Find: '{target}' is not one of persons, companies, sales.").format(target=target), field="target"
        ) from None


def target_label(target: str) -> str:
    return _(TARGET_LABELS[normalise_target(target)])


def fields_for(target: str) -> list[ColumnOut]:
    """The fields a user may search on, for pickers (each once, in a sensible order)."""
    return [ColumnOut(key=f.key, label=_(f.label), kind=f.kind) for f in _unique(normalise_target(target))]


def _unique(target: str) -> list[Field]:
    return [f for key, f in _fields(target).items() if key == f.key]


def field_infos(target: str) -> list[FieldOut]:
    """Every searchable field with its kind and the operators that apply (the criteria editor's picker)."""
    return [
        FieldOut(key=f.key, label=_(f.label), kind=f.kind, operators=operators_for(f.kind))
        for f in _unique(normalise_target(target))
    ]


def column_fields(target: str) -> list[ColumnOut]:
    """The fields that can be shown as result columns."""
    return [ColumnOut(key=f.key, label=_(f.label), kind=f.kind) for f in _unique(normalise_target(target)) if f.column]


def field_kind(target: str, key: str) -> str:
    return _field(_fields(normalise_target(target)), key).kind


def field_label(target: str, key: str) -> str:
    return _(_field(_fields(normalise_target(target)), key).label)


def operators_for(kind: str) -> list[str]:
    if kind == "list":
        return list(LIST_OPERATORS)
    if kind == "bool":
        return list(BOOL_OPERATORS)
    if kind in ("number", "money"):
        return list(NUMBER_OPERATORS)
    if kind == "date":
        return list(DATE_OPERATORS)
    return list(TEXT_OPERATORS)


def takes_values(op: str) -> bool:
    """Whether the operator needs values (today, empty ... need none)."""
    return _key(op) not in NO_VALUE_OPERATORS


def value_count(op: str) -> int:
    """How many values the operator reads: 2 for between, 0 for today/empty ..., else 1 or more."""
    key = _key(op)
    return 0 if key in NO_VALUE_OPERATORS else 2 if key == "between" else 1


# --------------------------------------------------------------------------- OR groups


def grouped(groups: Sequence[Sequence[Criterion | dict[str, Any]]]) -> list[Criterion]:
    """One list of criteria from OR groups (each ANDed inside): one group gives plain (ungrouped) criteria."""
    parts = [_criteria(g) for g in groups]
    parts = [g for g in parts if g]
    if len(parts) <= 1:
        return [c.model_copy(update={"group": None}) for g in parts for c in g]
    return [c.model_copy(update={"group": n}) for n, g in enumerate(parts) for c in g]


def split_groups(
    criteria: Sequence[Criterion | dict[str, Any]] | None,
) -> tuple[list[Criterion], list[list[Criterion]]]:
    """(the criteria ANDed with everything, the OR groups in order of first appearance). One group only is
    returned as common criteria: it means the same."""
    common: list[Criterion] = []
    groups: dict[int, list[Criterion]] = {}
    for c in _criteria(criteria):
        if c.group is None:
            common.append(c)
        else:
            groups.setdefault(c.group, []).append(c)
    if len(groups) == 1:
        return common + next(iter(groups.values())), []
    return common, list(groups.values())


def canonical(criteria: Sequence[Criterion | dict[str, Any]] | None) -> list[Criterion]:
    """Common criteria first, then the groups numbered 0, 1, ... in order (a single group made plain)."""
    common, groups = split_groups(criteria)
    return [c.model_copy(update={"group": None}) for c in common] + grouped(groups)


def operator_label(op: str) -> str:
    return _(OPERATOR_LABELS.get(op, op))


# --------------------------------------------------------------------------- parsing


def parse_where(text: str) -> Criterion:
    """`F:OP:V1,V2` (values may contain ':'; a comma inside a value is written '\\,')."""
    check_text("where", text)
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
        raise RuleViolation(
            # TRANSLATORS: {form} is the placeholder "FIELD:OPERATOR:VALUE1,VALUE2", translated on its own
            _("--where: '{text}' is not {form}.").format(text=text, form=_("FIELD:OPERATOR:VALUE1,VALUE2")),
            field="where",
        )
    values: list[str] = []
    if len(parts) == 3 and parts[2] != "":
        current = ""
        raw = parts[2]
        i = 0
        while i < len(raw):
            if raw[i] == "\\" and i + 1 < len(raw) and raw[i + 1] == ",":
                current += ","
                i += 2
                continue
            if raw[i] == ",":
                values.append(current)
                current = ""
            else:
                current += raw[i]
            i += 1
        values.append(current)
    return Criterion(field=parts[0].strip(), op=parts[1].strip().lower(), values=values)


def format_where(criterion: Criterion | dict[str, Any]) -> str:
    """The `--where` text of a criterion (the inverse of parse_where)."""
    c = criterion if isinstance(criterion, Criterion) else Criterion.model_validate(criterion)
    values = ",".join(v.replace(",", "\\,") for v in c.values)
    return f"{c.field}:{c.op}:{values}" if c.values else f"{c.field}:{c.op}"


def _key(key: str) -> str:
    return key.strip().lower().replace("-", "_").replace(" ", "_")


def _field(fields: dict[str, Field], key: str) -> Field:
    try:
        return fields[_key(key)]
    except KeyError:
        raise RuleViolation(
            _("Unknown field '{field}'. Fields: {fields}.").format(
                field=key, fields=", ".join(sorted({f.key for f in fields.values()}))
            ),
            field="field",
        ) from None


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _number(value: str, f: Field) -> Decimal:
    try:
        number = Decimal(value.strip().replace(" ", "").replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise RuleViolation(_("{field}: '{value}' is not a number.").format(field=_(f.label), value=value), field=f.key)
    return number


def _date(value: str, f: Field) -> date:
    from leadtui.i18n.format import parse_date

    try:
        return parse_date(value)
    except (ValueError, OverflowError) as exc:
        raise RuleViolation(_(f.label) + ": " + str(exc), field=f.key) from None


def _bool(value: str, f: Field) -> bool:
    text = value.strip().casefold()
    if text in ("1", "true", "yes", "y", "on", _("yes").casefold(), _("Yes").casefold()):
        return True
    if text in ("0", "false", "no", "n", "off", _("no").casefold(), _("No").casefold()):
        return False
    raise RuleViolation(_("{field}: '{value}' is not yes or no.").format(field=_(f.label), value=value), field=f.key)


# --------------------------------------------------------------------------- list values


LIST_MODELS: dict[str, tuple[type[t.ListItem], str]] = {
    "lead_status": (t.LeadStatus, N_("Lead status")),
    "category": (t.Category, N_("Category")),
    "sale_stage": (t.SaleStage, N_("Stage")),
    "sale_type": (t.SaleType, N_("Sale type")),
}


# List item ids seen, per engine and list: list items are never removed (deleting one marks it), so an id once
# seen stays valid and a criterion given by ids (as the Find screen and saved selections give them) needs no query.
_KNOWN_IDS: "weakref.WeakKeyDictionary[Any, dict[str, set[int]]]" = weakref.WeakKeyDictionary()


def _known_ids(session: AsyncSession, source: str) -> set[int] | None:
    bind = session.bind
    if bind is None:
        return None
    try:
        return _KNOWN_IDS.setdefault(bind, {}).setdefault(source, set())
    except TypeError:  # not weak-referenceable
        return None


async def _resolve(session: AsyncSession, f: Field, values: Sequence[str], actor: Actor | None) -> list[int]:
    """List values (ids or names, any case) to ids; an unknown value is refused naming the field."""
    ids: list[int] = []
    if f.source in LIST_MODELS:  # one query for all the values: by id, else by name
        model, _label = LIST_MODELS[f.source]
        texts = [value.strip() for value in values]
        known = _known_ids(session, f.source)
        if known is not None and texts and all(text.isdigit() and int(text) in known for text in texts):
            return [int(text) for text in texts]
        numbers = [int(text) for text in texts if text.isdigit()]
        rows = (
            await session.execute(
                select(model.id, model.name_key).where(
                    or_(model.id.in_(numbers), model.name_key.in_([_fold(text) for text in texts]))
                )
            )
        ).all()
        by_id = {row_id for row_id, _key in rows}
        by_key = {key: row_id for row_id, key in rows}
        if known is not None:
            known.update(by_id)
        for text in texts:
            found = int(text) if text.isdigit() and int(text) in by_id else by_key.get(_fold(text))
            if found is None:
                raise RuleViolation(
                    _("{field}: no item named '{value}'.").format(field=_(f.label), value=text), field=f.key
                )
            ids.append(found)
        return ids
    for value in values:
        text = value.strip()
        if f.source == "category_group":
            from leadtui.services.lists import parse_category_group

            ids.append(int(parse_category_group(text)))
        elif f.source == "sale_status":
            folded = text.casefold()
            match = next(
                (
                    s
                    for s in SaleStatus
                    if folded in (s.name.casefold(), str(int(s)), _(s.name.capitalize()).casefold())
                ),
                None,
            )
            if match is None:
                raise RuleViolation(
                    _("Sale status: '{value}' is not one of open, sold, lost, stalled.").format(value=value),
                    field=f.key,
                )
            ids.append(int(match))
        elif f.source == "owner":
            if text.casefold() in (*CURRENT_USER, _("me").casefold(), _("current user").casefold()) and actor:
                ids.append(actor.id)
                continue
            row = await session.scalar(select(t.Associate).where(func.lower(t.Associate.login) == text.lower()))
            if row is None and text.isdigit():
                row = await session.get(t.Associate, int(text))
            if row is None:
                raise RuleViolation(_("{field}: no user '{value}'.").format(field=_(f.label), value=text), field=f.key)
            ids.append(row.id)
    return ids


async def _choices(session: AsyncSession, source: str) -> list[ChoiceOut]:
    if source in LIST_MODELS:
        model, _label = LIST_MODELS[source]
        rows = (await session.scalars(select(model).order_by(model.deleted, model.rank, model.id))).all()
        return [ChoiceOut(value=str(row.id), label=row.name, deleted=row.deleted) for row in rows]
    if source == "category_group":
        from leadtui.services.lists import category_group_name

        return [
            ChoiceOut(value=str(int(g)), label=category_group_name(g))
            for g in CategoryGroup
            if g != CategoryGroup.UNKNOWN
        ]
    if source == "sale_status":
        return [ChoiceOut(value=str(int(s)), label=_(s.name.capitalize())) for s in SaleStatus]
    users = (
        await session.execute(
            select(t.Associate.id, t.Associate.login, t.Associate.full_name, t.Associate.active).order_by(
                t.Associate.active.desc(), t.Associate.login
            )
        )
    ).all()
    me = ChoiceOut(value="me", label=_("Current user (whoever looks)"))
    return [
        me,
        *[
            ChoiceOut(value=str(i), label=f"{login} ({full})" if full and full != login else login, deleted=not active)
            for i, login, full, active in users
        ],
    ]


async def choices(db: Database, target: str, field_key: str) -> list[ChoiceOut]:
    """The items a list field's values are picked from (deleted items last, marked: they stay searchable)."""
    f = _field(_fields(normalise_target(target)), field_key)
    if f.kind != "list" or f.source is None:
        return []
    async with db.read() as session:
        return await _choices(session, f.source)


# --------------------------------------------------------------------------- conditions


def _dialect(session: AsyncSession) -> str:
    bind = session.bind
    return bind.dialect.name if bind is not None else "sqlite"


def normalise_op(kind: str, op: str) -> str:
    """The operator's name as stored: symbols and older names mapped (`<>` ne; on dates `gt` after, `lt` before;
    on lists `eq` one_of)."""
    key = _key(op)
    key = OPERATOR_ALIASES.get(key, key)
    return KIND_ALIASES.get(kind, {}).get(key, key)


def _check_op(f: Field, c: Criterion) -> str:
    if _key(c.op) == ID_LIST_OP and f.key == "id":  # internal: a combined selection's members (services/selections.py)
        return ID_LIST_OP
    op = normalise_op(f.kind, c.op)
    allowed = operators_for(f.kind)
    if f.history == "on":
        allowed = [o for o in DATE_OPERATORS if o not in ("ne", "empty", "not_empty")]
    if op not in OPERATORS:  # no operator of any kind: named as such (field "op"), with the field's operators
        raise RuleViolation(
            _("{field}: '{op}' is not an operator; use one of {ops}.").format(
                field=_(f.label), op=c.op, ops=", ".join(allowed)
            ),
            field="op",
        )
    if op not in allowed:
        raise RuleViolation(
            _("{field}: the operator '{op}' does not apply; use one of {ops}.").format(
                field=_(f.label), op=c.op, ops=", ".join(allowed)
            ),
            field=f.key,
        )
    return op


def _is_datetime(column: Any) -> bool:
    return isinstance(getattr(column, "type", None), DateTime)


def today() -> date:
    """Today as Find counts days (UTC, like the stored timestamps)."""
    return t.utcnow().date()


def parse_period(value: str, f: Field | None = None) -> tuple[int, str]:
    """`N:unit` or `unit` (N = 1) -> (N, unit in the plural): `3:months` -> (3, "months"), `week` -> (1, "weeks")."""
    text = value.strip().casefold().replace(" ", ":")
    parts = [p for p in text.split(":") if p]
    number = 1
    if len(parts) == 2 and parts[0].isdigit():
        number, parts = int(parts[0]), parts[1:]
    unit = parts[0] if len(parts) == 1 else ""
    unit = unit if unit.endswith("s") else unit + "s"
    if unit not in UNITS or not 1 <= number <= 10_000:
        label = _(f.label) if f is not None else _("Date")
        raise RuleViolation(
            # TRANSLATORS: N:unit stays as it is (the CLI's syntax); the units are the CLI's names
            _("{field}: '{value}' is not N:unit with a unit of days, weeks, months, quarters, years.").format(
                field=label, value=value
            ),
            field=f.key if f is not None else "value",
        )
    return number, unit


def format_period(number: int, unit: str) -> str:
    return f"{number}:{unit}"


def _add(day: date, unit: str, n: int) -> date:
    if unit == "days":
        return day + timedelta(days=n)
    if unit == "weeks":
        return day + timedelta(weeks=n)
    months = n * {"months": 1, "quarters": 3, "years": 12}[unit]
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)  # callers pass the first day of a month


def _period_start(day: date, unit: str) -> date:
    if unit == "days":
        return day
    if unit == "weeks":
        return day - timedelta(days=day.weekday())  # Monday
    if unit == "months":
        return day.replace(day=1)
    if unit == "quarters":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def relative_days(op: str, value: str = "", f: Field | None = None, now: date | None = None) -> tuple[date, date]:
    """The days [start, end) of a relative date operator, as of `now` (today): this:week is Monday to Sunday of
    this week; next:N:unit the N whole units after the current one (next:30:days: tomorrow and the 29 days after);
    previous:N:unit the N whole units before the current one."""
    now = now or today()
    if op == "before_today":
        return date.min, now
    if op == "today":
        return now, now + timedelta(days=1)
    if op == "after_today":
        return now + timedelta(days=1), date.max
    number, unit = parse_period(value, f)
    start = _period_start(now, unit)
    current_end = _add(start, unit, 1)
    if op == "this":
        if number != 1:
            raise RuleViolation(
                _("{field}: 'this' takes a unit only (this:week).").format(field=_(f.label) if f else _("Date")),
                field=f.key if f is not None else "value",
            )
        return start, current_end
    if op == "next":
        return current_end, _add(start, unit, 1 + number)
    return _add(start, unit, -number), start


def _day_range(f: Field, op: str, values: list[str]) -> tuple[date | None, date | None, bool]:
    """(first day, day after the last, negated) of a date criterion; None: open on that side."""
    if op in NO_VALUE_OPERATORS or op in RELATIVE_OPERATORS:
        start, end = relative_days(op, values[0] if values else "", f)
        return (None if start == date.min else start), (None if end == date.max else end), False
    day = _date(values[0], f)
    if op == "between":
        if len(values) < 2:
            raise RuleViolation(
                _("{field}: between needs two values, from and to.").format(field=_(f.label)), field=f.key
            )
        first, last = sorted((day, _date(values[1], f)))
        return first, last + timedelta(days=1), False
    if op == "before":
        return None, day, False
    if op == "after":
        return day + timedelta(days=1), None, False
    return day, day + timedelta(days=1), op == "ne"


def _date_condition(column: SQLColumnExpression[Any], f: Field, op: str, values: list[str]) -> ColumnElement[bool]:
    """A date or timestamp column within the days of the criterion (ne: outside that day, or no date)."""
    start, end, negated = _day_range(f, op, values)
    as_datetime = _is_datetime(column)

    def bound(day: date) -> date | datetime:
        return datetime.combine(day, datetime.min.time()) if as_datetime else day

    terms = []
    if start is not None:
        terms.append(column >= bound(start))
    if end is not None:
        terms.append(column < bound(end))
    condition = and_(*terms) if terms else column.is_not(None)
    return or_(column.is_(None), not_(condition)) if negated else condition


async def _condition(
    session: AsyncSession, j: Joins, f: Field, c: Criterion, actor: Actor | None
) -> ColumnElement[bool] | None:
    op = _check_op(f, c)
    values = [v for v in c.values if v.strip() != ""]
    if f.predicate:
        condition: ColumnElement[bool] = f.expr(j)
        if op == "empty":
            return false()
        if op == "not_empty":
            return None
        if not values:
            return None
        wanted = _bool(values[0], f)
        return condition if wanted == (op == "eq") else not_(condition)
    column: ColumnElement[Any] = f.expr(j)
    if op == ID_LIST_OP:  # these ids (none: no match), in one bound parameter
        return rules.id_in(column, [int(v) for v in values], _dialect(session))
    if op == "empty":
        return or_(column.is_(None), column == "") if f.kind == "text" else column.is_(None)
    if op == "not_empty":
        return and_(column.is_not(None), column != "") if f.kind == "text" else column.is_not(None)
    if op in NO_VALUE_OPERATORS:  # before_today, today, after_today
        return await _date_drives(session, j, f, column, op, [])
    if not values:
        return None  # an empty value deactivates the criterion
    if f.kind == "list":
        ids = await _resolve(session, f, values, actor)
        if f.semi is not None and j.extra.get("counting"):
            condition = f.semi(j, ids)
            return condition if op == "one_of" else not_(condition)
        if j.extra.get("text_drives"):
            column = column + 0  # SQLite: let the name index drive the query, not this list's index
        if op == "one_of":
            return column.in_(ids)
        return or_(column.is_(None), column.not_in(ids))  # "not one of": records without a value included
    if f.kind == "text":
        dialect = _dialect(session)
        index = None
        if f.text_index is not None and await _has_text_index(session):
            fts, fts_column, pk = f.text_index
            index = (fts, fts_column, pk(j))
            if not j.extra.get("counting") and await _common_text(session, fts, fts_column, op, values, f.folded):
                index = None  # a first page: walking the rows in id order meets 50 matches sooner
        positive = op.removeprefix("not_") if op.startswith("not_") else op
        condition = _text_condition(column, positive, values, f.folded, dialect, index)
        if positive == "starts_with" and f.also_starts is not None:  # "first last" or the last name
            condition = or_(condition, _text_condition(f.also_starts(j), positive, values, f.folded, dialect))
        if op.startswith("not_"):
            return or_(column.is_(None), not_(condition))  # records without a value included
        return condition
    if f.kind in ("number", "money"):
        return _number_condition(column, f, op, values)
    if f.kind == "date":
        return await _date_drives(session, j, f, column, op, values)
    flag = _bool(values[0], f)
    if op == "eq":
        return column == flag
    return or_(column.is_(None), column != flag)


async def _date_drives(
    session: AsyncSession, j: Joins, f: Field, column: Any, op: str, values: list[str]
) -> ColumnElement[bool]:
    """A date criterion; on SQLite, for a page (not a count), its index is kept from driving the query when the
    range is wide: SQLite would read every match through the date index and sort them all by id to give the first
    50 (800 ms for 40,000 contacts registered in the last 30 days of 1M), where walking the rows in id order meets
    50 matches at once. An index-only count of the matches, stopped at NARROW_PREFIX, tells which."""
    condition = _date_condition(column, f, op, values)
    table = getattr(column, "class_", None)
    if _dialect(session) != "sqlite" or j.extra.get("counting") or table is None or op == "ne":
        return condition
    probe = select(literal(1)).select_from(table).where(condition).limit(NARROW_PREFIX).subquery()
    if (await session.scalar(select(func.count()).select_from(probe)) or 0) < NARROW_PREFIX:
        return condition
    return _date_condition(func.coalesce(column, column), f, op, values)  # the same values, no index


def _number_condition(column: ColumnElement[Any], f: Field, op: str, values: list[str]) -> ColumnElement[bool]:
    numbers = [_number(v, f) for v in values[: 2 if op == "between" else 1]]
    if op == "between":
        if len(numbers) < 2:
            raise RuleViolation(
                _("{field}: between needs two values, from and to.").format(field=_(f.label)), field=f.key
            )
        low, high = sorted(numbers)
        return and_(_number_condition(column, f, "ge", [str(low)]), _number_condition(column, f, "le", [str(high)]))
    number = numbers[0]
    if f.kind == "number" and number != number.to_integral_value():
        # an integer column against a fraction: compare with the whole numbers around it
        if op == "eq":
            return false()
        if op == "ne":
            return true()
        if op in ("gt", "ge"):
            return column > math.floor(number)
        return column < math.ceil(number)
    value: int | Decimal = int(number) if f.kind == "number" else number
    if op == "eq":
        return column == value
    if op == "ne":
        return or_(column.is_(None), column != value)
    return {"gt": column > value, "ge": column >= value, "lt": column < value, "le": column <= value}[op]


# Whether a database has the text indexes (SQLite FTS5 tables; PostgreSQL's indexes need no mention in the SQL)
_TEXT_INDEX: "weakref.WeakKeyDictionary[Any, bool]" = weakref.WeakKeyDictionary()


async def _has_text_index(session: AsyncSession) -> bool:
    if _dialect(session) != "sqlite":
        return False
    bind = session.bind
    try:
        known = _TEXT_INDEX.get(bind) if bind is not None else None
    except TypeError:
        known = None
    if known is not None:
        return known
    found = bool(
        await session.scalar(
            sql_text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'contact_fts'")
        )
    )
    try:
        if bind is not None:
            _TEXT_INDEX[bind] = found
    except TypeError:
        pass
    return found


def _through_index(index: tuple[str, str, Any], pattern: str) -> ColumnElement[bool]:
    """The row's id among those whose indexed text is LIKE `pattern` (FTS5 trigram answers LIKE from its index)."""
    fts, fts_column, pk = index
    table = sql_table(fts, sql_column("rowid"), sql_column(fts_column))
    condition: ColumnElement[bool] = pk.in_(select(table.c.rowid).where(table.c[fts_column].like(pattern)))
    return condition


async def _common_text(
    session: AsyncSession, fts: str, fts_column: str, op: str, values: list[str], folded: bool
) -> bool:
    """Whether a contains/ends_with text is common (NARROW_PREFIX rows or more, counted in the index and stopped
    there): then reading every match through the index and sorting them costs more than a page by id (1M
    contacts, a name in 1%: 52 ms against 4 ms)."""
    if op not in ("contains", "ends_with"):
        return False
    table = sql_table(fts, sql_column("rowid"), sql_column(fts_column))
    for value in values:
        needle = _fold(value) if folded else value.strip().lower()
        if not _indexable(needle):
            continue
        pattern = f"%{needle}%" if op == "contains" else f"%{needle}"
        probe = select(table.c.rowid).where(table.c[fts_column].like(pattern)).limit(NARROW_PREFIX).subquery()
        if (await session.scalar(select(func.count()).select_from(probe)) or 0) >= NARROW_PREFIX:
            return True
    return False


def _indexable(needle: str) -> bool:
    from leadtui.model.text_index import MIN_CHARS

    return len(needle) >= MIN_CHARS and not any(ch in needle for ch in "%_\\")


def _text_condition(
    column: SQLColumnExpression[Any],
    op: str,
    values: list[str],
    folded: bool,
    dialect: str,
    index: tuple[str, str, Any] | None = None,
) -> ColumnElement[bool]:
    """The positive text operators (contains, starts_with, ends_with, eq) and ne; any of the values matches.
    With `index` (SQLite FTS5), contains / ends_with (and starts_with on a column without its own index) first
    narrow by the trigram index, then check the row as before, so the answer is the same as without it."""
    needles = [_fold(v) if folded else v.strip().lower() for v in values]
    needles = [n for n in needles if n] or [""]
    if not folded:
        column = func.lower(column)
    if op == "eq":
        return column.in_(needles) if len(needles) > 1 else column == needles[0]
    if op == "ne":
        return or_(column.is_(None), column.not_in(needles))
    terms = []
    for n in needles:
        if op == "contains":
            term, pattern = column.contains(n, autoescape=True), f"%{n}%"
        elif op == "ends_with":
            term, pattern = column.endswith(n, autoescape=True), f"%{n}"
        elif folded:  # starts_with: a range on SQLite, so the key's index is used
            term, pattern = rules.starts_with(column, n, dialect), ""
        else:
            term, pattern = column.startswith(n, autoescape=True), f"{n}%"
        if index is not None and pattern and _indexable(n):
            term = and_(_through_index(index, pattern), term)
        terms.append(term)
    return or_(*terms)


async def _history_condition(
    session: AsyncSession, j: Joins, parts: list[tuple[Field, Criterion]], actor: Actor | None
) -> ColumnElement[bool] | None:
    """ "Lead status reached" and "... reached on" together: the contact entered one of the statuses (any, when
    only dates are given) within the dates, according to the history."""
    h = aliased(t.History)
    terms: list[Any] = [h.entity == "contact", h.entity_id == j.contact.id, h.field == "lead_status"]
    negate = False
    active = False
    for f, c in parts:
        op = _check_op(f, c)
        values = [v for v in c.values if v.strip() != ""]
        if f.history == "status":
            if op in ("empty", "not_empty"):
                active = True
                negate = op == "empty"
                continue
            if not values:
                continue
            terms.append(h.to_id.in_(await _resolve(session, f, values, actor)))
            negate = op == "not_one_of"
            active = True
        else:
            if not values and op not in NO_VALUE_OPERATORS:
                continue
            terms.append(_date_condition(h.at, f, op, values))
            active = True
    if not active:
        return None
    condition = exists(select(h.id).where(*terms))
    return not_(condition) if negate else condition


# --------------------------------------------------------------------------- query

JOIN_NAMES = ("contact", "company", "sale", "category", "lead_status", "owner", "stage", "sale_type")


def _all_joins(target: str) -> Joins:
    j = Joins()
    if target == "contact":
        j.contact, j.company, j.category, j.lead_status, j.owner = (
            t.Contact,
            t.Company,
            t.Category,
            t.LeadStatus,
            t.Associate,
        )
    elif target == "company":
        j.company, j.category, j.owner = t.Company, t.Category, t.Associate
    else:
        j.sale, j.company, j.category, j.owner, j.contact = t.Sale, t.Company, t.Category, t.Associate, t.Contact
        j.stage, j.sale_type = t.SaleStage, t.SaleType
    return j


class _Probe:
    """Stands in for Joins while a field builds its expression, noting which joined tables it uses."""

    def __init__(self, joins: Joins) -> None:
        self._joins = joins
        self.used: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        if name in JOIN_NAMES:
            self.used.add(name)
        return getattr(self._joins, name)


def needs(target: str, fields: Sequence[Field], *, display: bool = False) -> set[str]:
    """The joins the expressions of `fields` use (their display and sort expressions too when `display`)."""
    probe = _Probe(_all_joins(target))
    for f in fields:
        f.expr(probe)  # type: ignore[arg-type]
        if display:
            _display(f, probe)  # type: ignore[arg-type]
            if f.sort is not None:
                f.sort(probe)  # type: ignore[arg-type]
    return probe.used


def _base(target: str, used: set[str]) -> tuple[AnySelect, Joins]:
    """The target's rows with only the joins the query's fields use (a join nobody uses costs a lookup per row)."""
    j = _all_joins(target)
    if target == "contact":
        query = select(t.Contact.id).select_from(t.Contact)
        if used & {"company", "category", "owner"}:
            query = query.outerjoin(t.Company, t.Company.id == t.Contact.company_id)
        if "category" in used:
            query = query.outerjoin(
                t.Category, t.Category.id == rules.effective_case(t.Contact.category_id, t.Company.category_id)
            )
        if "lead_status" in used:
            query = query.outerjoin(t.LeadStatus, t.LeadStatus.id == t.Contact.lead_status_id)
        if "owner" in used:
            query = query.outerjoin(
                t.Associate, t.Associate.id == rules.effective_case(t.Contact.our_contact_id, t.Company.our_contact_id)
            )
        return query.where(t.Contact.deleted_at.is_(None)), j
    if target == "company":
        query = select(t.Company.id).select_from(t.Company)
        if "category" in used:
            query = query.join(t.Category, t.Category.id == t.Company.category_id)
        if "owner" in used:
            query = query.outerjoin(t.Associate, t.Associate.id == t.Company.our_contact_id)
        return query.where(t.Company.deleted_at.is_(None)), j
    query = select(t.Sale.id).select_from(t.Sale)
    if used & {"company", "category"}:
        query = query.outerjoin(t.Company, t.Company.id == t.Sale.company_id)
    if "category" in used:
        query = query.outerjoin(t.Category, t.Category.id == t.Company.category_id)
    if "contact" in used:
        query = query.outerjoin(t.Contact, t.Contact.id == t.Sale.contact_id)
    if "stage" in used:
        query = query.outerjoin(t.SaleStage, t.SaleStage.id == t.Sale.stage_id)
    if "sale_type" in used:
        query = query.outerjoin(t.SaleType, t.SaleType.id == t.Sale.sale_type_id)
    if "owner" in used:
        query = query.outerjoin(t.Associate, t.Associate.id == t.Sale.owner_id)
    return query, j


def _pk(target: str, j: Joins) -> Any:
    return {"contact": j.contact, "company": j.company, "sale": j.sale}[target].id


def _criteria(criteria: Sequence[Criterion | dict[str, Any]] | None) -> list[Criterion]:
    out = []
    for raw in criteria or ():
        try:
            out.append(raw if isinstance(raw, Criterion) else Criterion.model_validate(raw))
        except ValueError:
            raise RuleViolation(_("A criterion must have a field, an operator and values."), field="criteria") from None
    return out


async def where_clause(
    session: AsyncSession,
    target: str,
    criteria: Sequence[Criterion | dict[str, Any]],
    actor: Actor | None = None,
    *,
    need: set[str] | frozenset[str] = frozenset(),
    counting: bool = False,
) -> tuple[AnySelect, Joins, dict[str, Field]]:
    """The base query of `target` filtered by `criteria` (validated: unknown fields/operators/values refused).

    It joins only the tables the criteria use, plus those named in `need` (for the columns shown). `counting`:
    the query will count or group all matches rather than read a first page, so company-given values of contacts
    are matched through the companies (a semi-join) instead of a join per contact."""
    target = normalise_target(target)
    fields = _fields(target)
    parsed = [(_field(fields, c.field), c) for c in _criteria(criteria)]
    # with a lead status criterion its index drives a count better (a company lookup per row) than the companies
    counting = counting and not any(f.key == "lead_status" and any(v.strip() for v in c.values) for f, c in parsed)
    by_join = [
        f
        for f, c in parsed
        if not f.history
        and not (
            counting
            and f.semi is not None
            and _key(c.op) in ("one_of", "not_one_of", "eq", "ne")
            and any(v.strip() for v in c.values)
        )
    ]
    used = needs(target, by_join) | set(need)
    query, j = _base(target, used)
    j.extra["counting"] = counting
    j.extra["text_drives"] = await _text_drives(session, j, parsed, counting)
    common, groups = split_groups([c for _f, c in parsed])
    for condition in await _conditions(session, j, fields, common, actor):
        query = query.where(condition)
    alternatives = []
    for group in groups:  # a group whose criteria are all inactive (no values) is left out
        conditions = await _conditions(session, j, fields, group, actor)
        if conditions:
            alternatives.append(and_(*conditions))
    if alternatives:
        query = query.where(or_(*alternatives))
    return query, j, fields


async def _conditions(
    session: AsyncSession, j: Joins, fields: dict[str, Field], criteria: list[Criterion], actor: Actor | None
) -> list[ColumnElement[bool]]:
    """The conditions of criteria ANDed together (the history ones form one condition)."""
    out: list[ColumnElement[bool]] = []
    history_parts: list[tuple[Field, Criterion]] = []
    for c in criteria:
        f = _field(fields, c.field)
        if f.history:
            history_parts.append((f, c))
            continue
        condition = await _condition(session, j, f, c, actor)
        if condition is not None:
            out.append(condition)
    if history_parts:
        condition = await _history_condition(session, j, history_parts, actor)
        if condition is not None:
            out.append(condition)
    return out


NARROW_PREFIX = 5000  # name matches under which the name index should drive a first page (about sqrt(51 x 1M))


async def _text_drives(session: AsyncSession, j: Joins, parsed: list[tuple[Field, Criterion]], counting: bool) -> bool:
    """SQLite keeps no statistics on values, so with a typed name (prefix) and a list criterion (lead status ...)
    it may walk either index. Counting everything: the name index always reads fewer rows. A first page in id
    order: the list's index finds 50 rows soon unless the name is rare, so look how many names match (an
    index-only count, stopped at NARROW_PREFIX) and let the name index drive only when it is narrow."""
    if _dialect(session) != "sqlite":
        return False
    texts = [
        (f, c)
        for f, c in parsed
        if f.folded and _key(c.op) in ("starts_with", "eq") and any(v.strip() for v in c.values)
    ]
    if not texts or not any(f.kind == "list" for f, _c in parsed):
        return False
    if counting:
        return True
    for f, c in texts:
        terms = []
        for value in c.values:
            needle = _fold(value)
            if not needle:
                continue
            columns = [f.expr(j)] + ([f.also_starts(j)] if f.also_starts is not None else [])
            for column in columns:
                terms.append(
                    rules.starts_with(column, needle, "sqlite") if _key(c.op) == "starts_with" else column == needle
                )
        table = column.class_ if hasattr(column, "class_") else None
        if table is None:
            continue
        for term in terms:  # each term on its own: an OR would not use the indexes
            probe = select(literal(1)).select_from(table).where(term).limit(NARROW_PREFIX).subquery()
            found = await session.scalar(select(func.count()).select_from(probe)) or 0
            if found >= NARROW_PREFIX:
                break
        else:
            return True
    return False


def restrict(
    query: AnySelect,
    pk: Any,
    *,
    within: Sequence[int] | None = None,
    selection_id: int | None = None,
    dialect: str = "sqlite",
    how: str = "exists",
) -> AnySelect:
    """Only the given ids (one bound parameter however many) and/or the members of a static selection.

    `how` says how the members are matched, which decides the plan: "exists" (a lookup per candidate row: best
    when another index, e.g. the lead status, drives the query) or "join" (the members drive: best for counting
    all of them and for listing them in id order)."""
    if within is not None:
        query = query.where(rules.id_in(pk, within, dialect) if within else false())
    if selection_id is not None:
        member = t.SelectionMember
        if how == "join":
            query = query.join(member, and_(member.entity_id == pk, member.selection_id == selection_id))
        else:
            query = query.where(
                exists(select(member.entity_id).where(member.selection_id == selection_id, member.entity_id == pk))
            )
    return query


def _display(f: Field, j: Joins) -> Any:
    return f.display(j) if f.display is not None else f.expr(j)


def _present(key: str, kind: str, value: Any) -> Any:
    if value is None:
        return None
    if key == "category_group":
        from leadtui.services.lists import category_group_name

        return category_group_name(int(value)) if int(value) in CategoryGroup._value2member_map_ else str(value)
    if key == "sale_status":
        return SaleStatus(int(value)).name.lower()
    if kind == "money" or isinstance(value, Decimal):
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    if isinstance(value, datetime | date):
        return value.isoformat()
    if kind == "bool":
        return bool(value)
    return value


def _columns(fields: dict[str, Field], columns: Sequence[str] | None, target: str) -> list[Field]:
    keys = [k for k in (columns or DEFAULT_COLUMNS[target]) if k.strip()]
    chosen: list[Field] = []
    for key in keys:
        f = _field(fields, key)
        if not f.column:
            raise RuleViolation(
                _("{field}: is a search criterion, not a column.").format(field=_(f.label)), field="columns"
            )
        if f not in chosen:
            chosen.append(f)
    return chosen


async def _select(
    session: AsyncSession,
    actor: Actor | None,
    target: str,
    criteria: Sequence[Criterion | dict[str, Any]],
    columns: Sequence[str] | None,
    within: Sequence[int] | None,
    selection_id: int | None,
    sort: str | None = None,
) -> tuple[AnySelect, Joins, dict[str, Field], list[Field], Any]:
    """The SELECT of the id and the chosen columns; returns it with the key to order by (the member's id when a
    static selection's members drive the query)."""
    target = normalise_target(target)
    fields = _fields(target)
    chosen = _columns(fields, columns, target)
    shown = list(chosen) + ([_field(fields, sort)] if sort else [])
    query, j, fields = await where_clause(session, target, criteria, actor, need=needs(target, shown, display=True))
    pk = _pk(target, j)
    query = restrict(query, pk, within=within, selection_id=selection_id, dialect=_dialect(session), how="join")
    order_key = t.SelectionMember.entity_id if selection_id is not None else pk
    query = query.with_only_columns(pk.label("id"), *[_display(f, j).label(f"c{i}") for i, f in enumerate(chosen)])
    return query, j, fields, chosen, order_key


_PLAIN_VALUES = (str, int)  # shown as they are, unless the field's kind or key says otherwise (_present)
_PRESENTED_KINDS = ("money", "bool")
_PRESENTED_KEYS = ("category_group", "sale_status")


def _row(row: Any, chosen: list[Field]) -> dict[str, Any]:
    """A result row as {key: value}; most cells are text or numbers that _present would return unchanged, so they
    skip it (an export of 100,000 rows presents 700,000 cells)."""
    out = {"id": row[0]}
    for index, f in enumerate(chosen, start=1):
        value = row[index]
        if value is None or (
            value.__class__ in _PLAIN_VALUES and f.kind not in _PRESENTED_KINDS and f.key not in _PRESENTED_KEYS
        ):
            out[f.key] = value
        else:
            out[f.key] = _present(f.key, f.kind, value)
    return out


async def find(
    db: Database,
    actor: Actor | None,
    target: str,
    criteria: Sequence[Criterion | dict[str, Any]],
    *,
    columns: Sequence[str] | None = None,
    offset: int = 0,
    limit: int | None = 50,
    sort: str | None = None,
    descending: bool = False,
    within: Sequence[int] | None = None,
    selection_id: int | None = None,
    after: int | None = None,
) -> FindPage:
    """One page of matches (ids and the chosen columns), paged in the database.

    `limit` None returns every match (the CLI's default). `within` restricts to these ids; `selection_id` to the
    members of that (static) selection. `after` (keyset paging, in id order only): the matches after this id
    (before it when `descending`) instead of skipping `offset` rows, so a deep page costs what the first does.
    """
    target = normalise_target(target)
    if limit is not None and not 1 <= limit <= 1_000_000:
        raise RuleViolation(_("Limit: must be between 1 and 1000000."), field="limit")
    if offset < 0:
        raise RuleViolation(_("Offset: cannot be negative."), field="offset")
    if after is not None and sort:
        raise RuleViolation(_("Paging after an id works in id order only, not sorted by a column."), field="after")
    async with db.read() as session:
        if limit is None or not sort:  # everything, or a page in id order: one query
            query, j, fields, chosen, key = await _select(
                session, actor, target, criteria, columns, within, selection_id, sort
            )
            if after is not None:
                query = query.where(key < after if descending else key > after)
            query = _ordered(query, j, fields, key, sort, descending)
            if offset:
                query = query.offset(offset)
            if limit is not None:
                query = query.limit(limit + 1)
            result = (await session.execute(query)).all()
            more = limit is not None and len(result) > limit
            rows = [_row(row, chosen) for row in result[:limit]]
        else:
            rows, more, chosen = await _page(
                session, actor, target, criteria, columns, within, selection_id, sort, descending, offset, limit
            )
    return FindPage(
        target=target,
        columns=[ColumnOut(key=f.key, label=_(f.label), kind=f.kind) for f in chosen],
        rows=rows,
        offset=offset,
        limit=limit or len(rows),
        more=more,
    )


def _ordered(
    query: AnySelect, j: Joins, fields: dict[str, Field], key: Any, sort: str | None, descending: bool
) -> AnySelect:
    if sort:
        f = _field(fields, sort)
        if not f.column:
            raise RuleViolation(_("{field}: cannot be sorted on.").format(field=_(f.label)), field="sort")
        expr = f.sort(j) if f.sort is not None else (f.expr(j) if f.folded else _display(f, j))
        return query.order_by(
            (expr.desc() if descending else expr.asc()).nulls_last(), key.desc() if descending else key
        )
    return query.order_by(key.desc() if descending else key)


async def _page(
    session: AsyncSession,
    actor: Actor | None,
    target: str,
    criteria: Sequence[Criterion | dict[str, Any]],
    columns: Sequence[str] | None,
    within: Sequence[int] | None,
    selection_id: int | None,
    sort: str | None,
    descending: bool,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], bool, list[Field]]:
    """A page in two steps: the ids (joining only what the criteria and the sort need), then the shown columns
    of just those rows. When the matches must be sorted, the columns' joins are then paid for 51 rows, not for
    every match."""
    fields = _fields(target)
    chosen = _columns(fields, columns, target)
    sort_need = needs(target, [_field(fields, sort)], display=True) if sort else set()
    query, j, fields = await where_clause(session, target, criteria, actor, need=sort_need)
    pk = _pk(target, j)
    query = restrict(query, pk, within=within, selection_id=selection_id, dialect=_dialect(session), how="join")
    key = t.SelectionMember.entity_id if selection_id is not None else pk
    query = _ordered(query.with_only_columns(pk), j, fields, key, sort, descending)
    ids = list((await session.scalars(query.offset(offset).limit(limit + 1))).all())
    more = len(ids) > limit
    ids = ids[:limit]
    if not ids:
        return [], more, chosen
    shown, j2 = _base(target, needs(target, chosen, display=True))
    pk2 = _pk(target, j2)
    shown = shown.where(rules.id_in(pk2, ids, _dialect(session))).with_only_columns(
        pk2.label("id"), *[_display(f, j2).label(f"c{i}") for i, f in enumerate(chosen)]
    )
    by_id = {row[0]: row for row in (await session.execute(shown)).all()}
    return [_row(by_id[i], chosen) for i in ids if i in by_id], more, chosen


async def _keyset_batches(
    db: Database,
    actor: Actor | None,
    target: str,
    criteria: Sequence[Criterion | dict[str, Any]],
    columns: Sequence[str] | None,
    within: Sequence[int] | None,
    selection_id: int | None,
    batch: int,
) -> AsyncIterator[tuple[list[Field], list[Sequence[Any]]]]:
    """Every match in id order, `batch` rows at a time (keyset on the id), each batch in its own short read: the
    query is built once; the rows are Core rows (the id, then the chosen columns in order)."""
    target = normalise_target(target)
    async with db.read() as session:
        query, _j, _fields_, chosen, key = await _select(
            session, actor, target, criteria, columns, within, selection_id
        )
    last: int | None = None
    while True:
        async with db.read() as session:
            page = query if last is None else query.where(key > last)
            connection = await session.connection()  # Core rows: no ORM loading for plain columns
            rows: list[Sequence[Any]] = list((await connection.execute(page.order_by(key).limit(batch))).all())
        if rows:
            last = rows[-1][0]
            yield chosen, rows
        if len(rows) < batch:
            return


async def iter_rows(
    db: Database,
    actor: Actor | None,
    target: str,
    criteria: Sequence[Criterion | dict[str, Any]],
    *,
    columns: Sequence[str] | None = None,
    within: Sequence[int] | None = None,
    selection_id: int | None = None,
    batch: int = ITER_BATCH,
) -> AsyncIterator[dict[str, Any]]:
    """Every match in id order, fetched in batches (keyset on the id): exports and the CLI never hold them all."""
    async for chosen, rows in _keyset_batches(db, actor, target, criteria, columns, within, selection_id, batch):
        for row in rows:
            yield _row(row, chosen)


async def iter_batches(
    db: Database,
    actor: Actor | None,
    target: str,
    criteria: Sequence[Criterion | dict[str, Any]],
    *,
    columns: Sequence[str] | None = None,
    selection_id: int | None = None,
    batch: int = ITER_BATCH,
) -> AsyncIterator[tuple[list[Field], list[Sequence[Any]]]]:
    """iter_rows a batch at a time, as rows of values (the id, then the chosen columns in order) presented like
    _row's, column by column: an export of 100,000 rows never builds a dict per row."""
    async for chosen, rows in _keyset_batches(db, actor, target, criteria, columns, None, selection_id, batch):
        yield chosen, _presented(rows, chosen)


def _presented(rows: list[Sequence[Any]], chosen: list[Field]) -> list[Sequence[Any]]:
    """_row's presentation of every cell, a column at a time; the rows as they are when every cell is plain."""
    cells = list(zip(*rows))
    changed = False
    for index, f in enumerate(chosen, start=1):
        column = cells[index]
        always = f.kind in _PRESENTED_KINDS or f.key in _PRESENTED_KEYS
        if not always and set(map(type, column)) <= {str, int, type(None)}:
            continue
        key, kind = f.key, f.kind
        cells[index] = tuple(
            v if v is None or (not always and v.__class__ in _PLAIN_VALUES) else _present(key, kind, v) for v in column
        )
        changed = True
    return list(zip(*cells)) if changed else rows


async def columns_of(target: str, columns: Sequence[str] | None = None) -> list[ColumnOut]:
    """The result columns `find` would give for these keys (validated), e.g. for a CSV header."""
    target = normalise_target(target)
    return [ColumnOut(key=f.key, label=_(f.label), kind=f.kind) for f in _columns(_fields(target), columns, target)]


async def count(
    db: Database,
    actor: Actor | None,
    target: str,
    criteria: Sequence[Criterion | dict[str, Any]],
    within: Sequence[int] | None = None,
    selection_id: int | None = None,
) -> int:
    async with db.read() as session:
        query, j, _fields_ = await where_clause(session, target, criteria, actor, counting=True)
        pk = _pk(normalise_target(target), j)
        query = restrict(query, pk, within=within, selection_id=selection_id, dialect=_dialect(session), how="join")
        return await session.scalar(query.with_only_columns(func.count(pk)).order_by(None)) or 0


async def matching_ids(
    session: AsyncSession, actor: Actor | None, target: str, criteria: Sequence[Criterion | dict[str, Any]]
) -> AnySelect:
    """A SELECT of the ids matching `criteria`, for use as a subquery (selections, board, bulk update)."""
    query, j, _fields_ = await where_clause(session, target, criteria, actor, counting=True)
    return query.with_only_columns(_pk(normalise_target(target), j))


async def validate(
    db: Database, actor: Actor | None, target: str, criteria: Sequence[Criterion | dict[str, Any]]
) -> list[Criterion]:
    """Check criteria (fields, operators, values) and return them with list values as ids (robust to renames)."""
    target = normalise_target(target)
    fields = _fields(target)
    out: list[Criterion] = []
    async with db.read() as session:
        await where_clause(session, target, criteria, actor)  # raises on anything wrong
        for c in canonical(criteria):
            f = _field(fields, c.field)
            op = _check_op(f, c)
            values = [v.strip() for v in c.values if v.strip() != ""]
            if op in NO_VALUE_OPERATORS:
                values = []
            elif op in RELATIVE_OPERATORS:  # kept relative: the operator and N:unit, never a computed date
                values = [format_period(*parse_period(values[0], f))] if values else []
            elif f.kind == "list" and values and f.source == "owner":
                values = ["me" if v.casefold() in (*CURRENT_USER, _("me").casefold()) else v for v in values]
            elif f.kind == "list" and values:
                values = [str(i) for i in await _resolve(session, f, values, actor)]
            out.append(Criterion(field=f.key, op=op, values=values, group=c.group))
    return out


def _period_text(value: str) -> str:
    try:
        number, unit = parse_period(value)
    except RuleViolation:
        return value
    singular, plural = UNIT_NAMES[unit]
    return f"{number} {ngettext(singular, plural, number)}" if number != 1 else _(singular)


async def describe(
    db: Database, target: str, criteria: Sequence[Criterion | dict[str, Any]], *, or_prefix: bool = True
) -> list[str]:
    """Each criterion in words: 'Lead status Is one of Open, Contacting' (list ids shown as names), in the order
    of `canonical`; with `or_prefix` the first criterion of each further OR group starts with "or"."""
    target = normalise_target(target)
    fields = _fields(target)
    texts: list[str] = []
    async with db.read() as session:
        previous_group: int | None = None
        for c in canonical(criteria):
            starts_group = c.group is not None and c.group != previous_group and c.group > 0
            previous_group = c.group
            prefix = _("or") + " " if starts_group and or_prefix else ""  # the first criterion of each further OR group
            try:
                f = _field(fields, c.field)
                op = _check_op(f, c)
            except RuleViolation as exc:
                texts.append(prefix + str(exc))
                continue
            shown = [v for v in c.values if v.strip() != ""]
            if f.kind == "list" and shown and f.source is not None:
                names = {choice.value: choice.label for choice in await _choices(session, f.source)}
                resolved = []
                for value in shown:
                    if value.strip().casefold() in CURRENT_USER:
                        resolved.append(_("current user"))
                    elif value.strip() in names:
                        resolved.append(names[value.strip()])
                    else:
                        resolved.append(value)
                shown = resolved
            if op in RELATIVE_OPERATORS:
                shown = [_period_text(value) for value in shown[:1]]
            elif f.kind == "date":  # in the language's format, however it was typed (the CLI's ISO too)
                from leadtui.i18n.format import format_date_text

                shown = [format_date_text(value) for value in shown]
            text = _(f.label) + " " + operator_label(op).lower()
            if op not in NO_VALUE_OPERATORS:
                joiner = " " + _("and") + " " if op == "between" else ", "
                text += " " + (joiner.join(shown) if shown else _("(any: no value given)"))
            texts.append(prefix + text)
    return texts
