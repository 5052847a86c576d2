"""The data model of SPEC.md sections 1 and 7 as SQLAlchemy 2 typed tables.

Naming follows the user's words: company (DB `contact` in SuperOffice), contact (person), associate (user).
Every foreign key and every column a list filters on carries an index.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, validates

from leadtui.model.base import Base as Base, Versioned, utcnow as utcnow  # re-exported: services import them here

NAME_MAX = 80
DESCRIPTION_MAX = 500
TEXT_MAX = 255


# --------------------------------------------------------------------------- settings lists


class ListItem(Versioned):
    """A row of a Settings list: name (unique per list, ignoring case, deleted included), description, rank."""

    # ids are never reused (SQLite AUTOINCREMENT): the audit log, history and undo refer to rows by id (0009)
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False)
    # casefolded name: SQL lower() only folds ASCII in SQLite, and Danish/Norwegian names need Å/Ø folded too
    name_key: Mapped[str] = mapped_column(String(NAME_MAX * 2), nullable=False, unique=True)
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), nullable=False, default="")
    rank: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)

    if TYPE_CHECKING:  # the constructor of the mapped subclasses (they are Base's too), for code typed with ListItem

        def __init__(self, **kw: Any) -> None: ...

    @validates("name")
    def _set_name_key(self, _key: str, value: str) -> str:
        self.name_key = name_key(value)
        return value


def name_key(name: str) -> str:
    """The form in which list names are compared: unique per list, ignoring case (R3)."""
    return " ".join(name.split()).casefold()


class LeadStatus(ListItem, Base):
    """List Contact - Lead status. One item is the default for new leads (DESIGN.md decision 1)."""

    __tablename__ = "lead_status"
    is_default: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Category(ListItem, Base):
    """List Company - Category, with its category group and the lead status switch."""

    __tablename__ = "category"
    category_group: Mapped[int] = mapped_column(Integer, nullable=False, default=0, index=True)
    enable_lead_status: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Business(ListItem, Base):
    __tablename__ = "business"


class SaleStage(ListItem, Base):
    """List Sale - Stage; probability in percent."""

    __tablename__ = "sale_stage"
    probability: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class SaleTypeCategory(ListItem, Base):
    __tablename__ = "sale_type_category"


class SaleType(ListItem, Base):
    """List Sale - Type, Stages, Quote."""

    __tablename__ = "sale_type"
    sale_type_category_id: Mapped[int | None] = mapped_column(ForeignKey("sale_type_category.id"), index=True)
    duration: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    duration_unit: Mapped[str] = mapped_column(String(10), nullable=False, default="week")
    has_guide: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    auto_advance: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    has_stakeholders: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class ReasonSold(ListItem, Base):
    __tablename__ = "reason_sold"


class ReasonLost(ListItem, Base):
    __tablename__ = "reason_lost"


class ReasonStalled(ListItem, Base):
    __tablename__ = "reason_stalled"


class SaleSource(ListItem, Base):
    __tablename__ = "sale_source"


class Competitor(ListItem, Base):
    __tablename__ = "competitor"


class Credited(ListItem, Base):
    __tablename__ = "credited"


class FollowUpType(ListItem, Base):
    """List Follow-up - Type (meeting, call, to-do ...)."""

    __tablename__ = "follow_up_type"
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="call")


class UserGroup(ListItem, Base):
    """List General - User group."""

    __tablename__ = "user_group"


LIST_TABLES: tuple[type[ListItem], ...] = (
    LeadStatus,
    Category,
    Business,
    SaleStage,
    SaleTypeCategory,
    SaleType,
    ReasonSold,
    ReasonLost,
    ReasonStalled,
    SaleSource,
    Competitor,
    Credited,
    FollowUpType,
    UserGroup,
)


class SaleTypeStage(Base):
    """Ordered stages of a sale type (DB SaleTypeStageLink)."""

    __tablename__ = "sale_type_stage"
    __table_args__ = (UniqueConstraint("sale_type_id", "stage_id", name="uq_sale_type_stage_pair"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sale_type_id: Mapped[int] = mapped_column(ForeignKey("sale_type.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("sale_stage.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class GuideItem(Versioned, Base):
    """A suggested follow-up or document of a sales guide stage (SPEC.md 1.9)."""

    __tablename__ = "guide_item"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (0009)
    id: Mapped[int] = mapped_column(primary_key=True)
    sale_type_id: Mapped[int] = mapped_column(ForeignKey("sale_type.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("sale_stage.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="follow-up")
    name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False)
    purpose: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), nullable=False, default="")
    auto_suggest: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    follow_up_type_id: Mapped[int | None] = mapped_column(ForeignKey("follow_up_type.id"), index=True)
    start_offset_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    duration_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=15)
    default_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    rank: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


# --------------------------------------------------------------------------- users


class Associate(Versioned, Base):
    """A user of the CRM with a role and functional rights."""

    __tablename__ = "associate"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (0009)
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False, unique=True)
    full_name: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="sales-rep", index=True)
    primary_group_id: Mapped[int | None] = mapped_column(ForeignKey("user_group.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, index=True)
    # functional rights (SPEC.md 1.13); the role gives defaults, these may widen them
    delete_others_sales: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    allow_bulk_update: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    can_manage_entities: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class UserKey(Base):
    """An SSH public key that signs its user in to a served leadtui (`leadtui serve ssh`). One key, one user."""

    __tablename__ = "user_key"
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Mapped[int] = mapped_column(primary_key=True)
    associate_id: Mapped[int] = mapped_column(
        ForeignKey("associate.id", ondelete="CASCADE"), nullable=False, index=True
    )
    fingerprint: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)  # SHA256:... (OpenSSH's form)
    public_key: Mapped[str] = mapped_column(Text, nullable=False)  # the OpenSSH line without its comment
    comment: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    added_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id", ondelete="SET NULL"))


class AssociateGroup(Base):
    """Other groups of an associate (n:m)."""

    __tablename__ = "associate_group"
    associate_id: Mapped[int] = mapped_column(ForeignKey("associate.id", ondelete="CASCADE"), primary_key=True)
    user_group_id: Mapped[int] = mapped_column(
        ForeignKey("user_group.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class UserPreference(Base):
    """Per-user remembered choices (columns of a section tab, board settings ...)."""

    __tablename__ = "user_preference"
    associate_id: Mapped[int] = mapped_column(ForeignKey("associate.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)


# --------------------------------------------------------------------------- companies and contacts


class Company(Versioned, Base):
    __tablename__ = "company"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (0009)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, index=True)
    # casefolded name: case-insensitive prefix search and sorting on an index (SQLite lower() folds ASCII only)
    name_key: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="", server_default="", index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), nullable=False, index=True)
    business_id: Mapped[int | None] = mapped_column(ForeignKey("business.id"), index=True)
    our_contact_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), nullable=False, default="", index=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    department: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    zip_code: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    city: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    country: Mapped[str] = mapped_column(String(80), nullable=False, default="", index=True)
    phone: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    website: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    domain: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="", index=True)
    vat_no: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    stop: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    no_mailings: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    registered_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id"), index=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id"), index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)


class Contact(Versioned, Base):
    """A person. Category and Our contact mirror the company's when linked (SPEC.md L9)."""

    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_lead_status_company", "lead_status_id", "company_id"),
        Index("ix_contact_last_first", "last_name", "first_name"),
        Index("ix_contact_last_key_name_key", "last_key", "name_key"),
        # counts and days per lead status from the index alone (board, dashboard; migration 0006)
        Index("ix_contact_lead_status_deleted_since", "lead_status_id", "deleted_at", "lead_status_since"),
        # counts by lead status / company from the index alone (find counts, board columns; migration 0007)
        Index("ix_contact_status_deleted_company", "lead_status_id", "deleted_at", "company_id", "category_id"),
        Index("ix_contact_company_deleted_status", "company_id", "deleted_at", "lead_status_id", "category_id"),
        {"sqlite_autoincrement": True},  # ids never reused (0009)
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False, default="", index=True)
    middle_name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False, default="")
    last_name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False, default="", index=True)
    # casefolded "first last" and last name: case-insensitive prefix search and sorting on indexes
    name_key: Mapped[str] = mapped_column(
        String(NAME_MAX * 4 + 1), nullable=False, default="", server_default="", index=True
    )
    last_key: Mapped[str] = mapped_column(String(NAME_MAX * 2), nullable=False, default="", server_default="")
    mr_ms: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    title: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    email_normalized: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="", index=True)
    mobile: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    country: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    # own category/owner only for contacts without a company (B2C); otherwise the company's apply
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    our_contact_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id"), index=True)
    lead_status_id: Mapped[int | None] = mapped_column(ForeignKey("lead_status.id"), index=True)
    lead_status_since: Mapped[datetime | None] = mapped_column(DateTime)
    email_opt_in: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    former_employee: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    registered_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id"), index=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id"), index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)


# --------------------------------------------------------------------------- sales and follow-ups


class Sale(Versioned, Base):
    __tablename__ = "sale"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (0009)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), nullable=False, default="", index=True)
    heading: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    sale_type_id: Mapped[int] = mapped_column(ForeignKey("sale_type.id"), nullable=False, index=True)
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("sale_stage.id"), index=True)
    status: Mapped[int] = mapped_column(Integer, nullable=False, default=1, index=True)
    probability: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False, default=Decimal("0.00"))
    cost: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False, default=Decimal("0.00"))
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="")
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("associate.id"), nullable=False, index=True)
    sale_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    reopen_date: Mapped[date | None] = mapped_column(Date)
    reason_sold_id: Mapped[int | None] = mapped_column(ForeignKey("reason_sold.id"), index=True)
    reason_lost_id: Mapped[int | None] = mapped_column(ForeignKey("reason_lost.id"), index=True)
    reason_stalled_id: Mapped[int | None] = mapped_column(ForeignKey("reason_stalled.id"), index=True)
    competitor_id: Mapped[int | None] = mapped_column(ForeignKey("competitor.id"), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sale_source.id"), index=True)
    credited_id: Mapped[int | None] = mapped_column(ForeignKey("credited.id"), index=True)
    completed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)
    stage_when_closed_id: Mapped[int | None] = mapped_column(ForeignKey("sale_stage.id"), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    stage_since: Mapped[datetime | None] = mapped_column(DateTime)
    visible_for: Mapped[str] = mapped_column(String(10), nullable=False, default="all")
    registered_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id"), index=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id"), index=True)


class Activity(Versioned, Base):
    """A follow-up (meeting, call, to-do) linked to a company, contact and/or sale."""

    __tablename__ = "activity"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (0009)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="call")
    follow_up_type_id: Mapped[int | None] = mapped_column(ForeignKey("follow_up_type.id"), index=True)
    title: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sale.id", ondelete="CASCADE"), index=True)
    guide_item_id: Mapped[int | None] = mapped_column(ForeignKey("guide_item.id", ondelete="SET NULL"), index=True)
    start_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    end_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id"), index=True)


# follow-ups (migration 0015): Next activity per contact (a page of the Contacts list) and a user's open follow-ups
Index("ix_activity_contact_open", Activity.contact_id, Activity.completed, Activity.start_at)
Index("ix_activity_owner_open", Activity.owner_id, Activity.completed, Activity.start_at)


# --------------------------------------------------------------------------- selections


class Selection(Versioned, Base):
    __tablename__ = "selection"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (0009)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False, index=True)
    kind: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    target: Mapped[str] = mapped_column(String(20), nullable=False, default="contact", index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id"), index=True)
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), nullable=False, default="")
    criteria: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    visible_for: Mapped[str] = mapped_column(String(10), nullable=False, default="all")
    completed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    left_id: Mapped[int | None] = mapped_column(ForeignKey("selection.id", ondelete="SET NULL"), index=True)
    right_id: Mapped[int | None] = mapped_column(ForeignKey("selection.id", ondelete="SET NULL"), index=True)
    combination: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    board_settings: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    registered_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class SelectionMember(Base):
    __tablename__ = "selection_member"
    selection_id: Mapped[int] = mapped_column(ForeignKey("selection.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)


# --------------------------------------------------------------------------- dashboard tiles (migration 0013)


class DashboardTile(Base):
    """A tile a user added to their dashboard (SPEC.md 4.7): what it counts (a selection, or Find criteria on a
    target, kept as Find keeps them) and how it is drawn. Per user, in the user's order (`position`)."""

    __tablename__ = "dashboard_tile"
    __table_args__ = (Index("ix_dashboard_tile_owner_position", "owner_id", "position"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("associate.id", ondelete="CASCADE"), nullable=False)
    title: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    layout: Mapped[str] = mapped_column(String(10), nullable=False, default="number")
    source: Mapped[str] = mapped_column(String(10), nullable=False, default="criteria")  # or "selection"
    target: Mapped[str] = mapped_column(String(20), nullable=False, default="contact")
    criteria: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    selection_id: Mapped[int | None] = mapped_column(ForeignKey("selection.id", ondelete="SET NULL"), index=True)
    group_by: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    registered_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


# --------------------------------------------------------------------------- history and lead sources


class History(Base):
    """Changes of lead status, category, sale stage and sale status: what, from, to, when, who."""

    __tablename__ = "history"
    __table_args__ = (
        Index("ix_history_entity", "entity", "entity_id", "at"),
        Index("ix_history_field_to_at", "field", "to_id", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(20), nullable=False)
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    field: Mapped[str] = mapped_column(String(40), nullable=False)
    from_id: Mapped[int | None] = mapped_column(Integer)
    to_id: Mapped[int | None] = mapped_column(Integer)
    from_text: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    to_text: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id"), index=True)


class UtmRecord(Base):
    """UTM first touch / lead creation data of a created contact or company (SPEC.md 1.14)."""

    __tablename__ = "utm_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="", index=True)
    medium: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="", index=True)
    campaign: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="", index=True)
    term: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    content: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    landing_page: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    touched_at: Mapped[datetime | None] = mapped_column(DateTime)


class DatabaseInfo(Base):
    """One row: the database's language and creation time."""

    __tablename__ = "database_info"
    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(5), nullable=False, default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class AuditLog(Base):
    """Who changed what, when, with old and new values. One write transaction = one changeset (undo unit)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id", "id"),
        Index("ix_audit_log_actor", "actor_id", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id", ondelete="SET NULL"))
    changeset: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    action: Mapped[str] = mapped_column(String(10), nullable=False)  # create, update, delete, bulk
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    summary: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    undone: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    undo_of: Mapped[str] = mapped_column(String(32), nullable=False, default="")


# --------------------------------------------------------------------------- import, UTM, distribution of new leads

# one first-touch record per created contact and per created company (SPEC.md 5.1: recorded only when new)
Index("uq_utm_record_contact_id", UtmRecord.contact_id, unique=True)
Index("uq_utm_record_company_id", UtmRecord.company_id, unique=True)


class DistributionSetting(Versioned, Base):
    """Distribute new leads (SPEC.md 1.16, 5.2; DESIGN.md decision 11): one row, set by an administrator.

    Round robin over `user_ids` (mode "users", in that order) or the members of `group_id` (mode "group");
    "off" distributes nothing. The cursor (`last_user_id`, `position`) is moved with plain UPDATEs so that it is
    neither audited nor bumps the version of the settings an administrator may have open."""

    __tablename__ = "distribution_setting"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (0009)
    id: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[str] = mapped_column(String(10), nullable=False, default="off")
    user_ids: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("user_group.id", ondelete="SET NULL"), index=True)
    fallback_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id", ondelete="SET NULL"), index=True)
    away_ids: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    last_user_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=-1)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id", ondelete="SET NULL"))


class LeadAssignment(Base):
    """Why a new contact got its owner: one row per contact assigned by the distribution."""

    __tablename__ = "lead_assignment"
    __table_args__ = (Index("ix_lead_assignment_contact_at", "contact_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), nullable=False)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("associate.id"), nullable=False, index=True)
    reason: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id", ondelete="SET NULL"), index=True)


class ExternalRef(Base):
    """A record imported from another CRM (issue 18): its id there, so a second import updates the same record and
    sales and follow-ups find their company, contact and sale by the other CRM's ids."""

    __tablename__ = "external_ref"
    __table_args__ = (
        UniqueConstraint("system", "entity", "external_id", name="uq_external_ref_system_entity_external_id"),
        Index("ix_external_ref_entity_local_id", "entity", "local_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    system: Mapped[str] = mapped_column(String(40), nullable=False)  # hubspot, pipedrive, salesforce, superoffice, csv
    entity: Mapped[str] = mapped_column(String(20), nullable=False)  # company, contact, sale, follow_up
    external_id: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False)
    local_id: Mapped[int] = mapped_column(Integer, nullable=False)
    imported_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


# --------------------------------------------------------------------------- category automation (SPEC.md 1.15, 2.5)


class CategoryAutomation(Versioned, Base):
    """A Lead categorization rule: when its trigger fires on a company in a Potential customer category, the
    company's category is set to `category_id` (or suggested, with `confirm`). One rule per trigger (A6):
    `trigger_key` is the trigger ("sold", "lost", "registered") or "lead_status:<id>" for "lead status set to"."""

    __tablename__ = "category_automation"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (0009)
    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(20), nullable=False)
    trigger_key: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    lead_status_id: Mapped[int | None] = mapped_column(ForeignKey("lead_status.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    confirm: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("associate.id", ondelete="SET NULL"), index=True)


# --- Find's text indexes (issue 15, SPEC.md 4.4): FTS5 trigram tables (SQLite) / pg_trgm GIN indexes (PostgreSQL)
# are not in the model: a new database gets them with create_all, as migration 0012 makes them (model/text_index.py).
def _text_indexes_after_create(_target: Any, connection: Any, **kw: Any) -> None:
    from leadtui.model import text_index

    made = {table.name for table in kw.get("tables") or ()}
    if not kw.get("tables") or {"contact", "company", "sale"} <= made:
        text_index.create(connection, backfill=False)


def _text_indexes_before_drop(_target: Any, connection: Any, **_kw: Any) -> None:
    from leadtui.model import text_index

    text_index.drop(connection)


from sqlalchemy import event as _event  # noqa: E402

_event.listen(Base.metadata, "after_create", _text_indexes_after_create)
_event.listen(Base.metadata, "before_drop", _text_indexes_before_drop)
