"""What other CRMs' exports look like: their column headers and list values, per kind of record.

A profile knows, for companies, contacts (persons), sales and follow-ups, which header of that CRM's export
holds which leadtui field, and which of its list values mean which of leadtui's default items (in English, the
language of a new database; other names show as unknown values with the closest item suggested).

Headers are compared with `imports.header_key` (casefolded, separators as spaces), so "Country/Region" and
"country region" are the same header. `auto` picks the profile (and, for a folder, the kind of record) whose
headers cover most of the file's columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from leadtui.i18n import N_, _
from leadtui.services.errors import RuleViolation
from leadtui.services.imports import header_key

ENTITIES = ("companies", "persons", "sales", "followups")
ENTITY_LABELS = {
    "companies": N_("companies"),
    "persons": N_("contacts"),
    "sales": N_("sales"),
    "followups": N_("follow-ups"),
}

# the fields each kind of record takes (besides external ids); persons use the CSV import's own fields
COMPANY_FIELDS = (
    "external_id",
    "name",
    "website",
    "email",
    "phone",
    "address",
    "zip_code",
    "city",
    "country",
    "category",
    "owner",
    "registered_at",
    "note",
)
PERSON_FIELDS = (
    "external_id",
    "company_external_id",
    "first_name",
    "last_name",
    "full_name",
    "email",
    "title",
    "mobile",
    "phone",
    "lead_status",
    "note",
    "company",
    "website",
    "company_email",
    "company_phone",
    "address",
    "zip_code",
    "city",
    "country",
    "category",
    "owner",
    "registered_at",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "landing_page",
    "utm_time",
)
SALE_FIELDS = (
    "external_id",
    "heading",
    "description",
    "amount",
    "cost",
    "probability",
    "stage",
    "status",
    "sale_type",
    "reason_sold",
    "reason_lost",
    "sale_date",
    "registered_at",
    "owner",
    "company_external_id",
    "company",
    "contact_external_id",
    "contact_email",
)
FOLLOWUP_FIELDS = (
    "external_id",
    "date",
    "time",
    "type",
    "text",
    "title",
    "done",
    "owner",
    "company_external_id",
    "contact_external_id",
    "sale_external_id",
)
ENTITY_FIELDS = {
    "companies": COMPANY_FIELDS,
    "persons": PERSON_FIELDS,
    "sales": SALE_FIELDS,
    "followups": FOLLOWUP_FIELDS,
}

# generic header names (any export, any profile) per field, besides the field key itself
GENERIC_HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("external id", "id", "record id"),
    "company_external_id": ("company id", "company external id"),
    "contact_external_id": ("contact id", "person id", "contact external id"),
    "sale_external_id": ("sale id", "deal id", "sale external id"),
    "name": ("name", "company", "company name"),
    "heading": ("heading", "title", "sale", "deal"),
    "registered_at": ("registered", "registered at", "created", "create date", "created date"),
    "sale_date": ("sale date", "close date", "date"),
    "date": ("date", "due date"),
    "done": ("done", "completed"),
    "type": ("type",),
    "text": ("text", "note", "notes", "description"),
    "contact_email": ("contact email",),
}


@dataclass(frozen=True)
class EntityProfile:
    headers: dict[str, str]  # header as exported -> field
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> {value in the export: leadtui's}
    date_order: str = "ymd"  # how a slashed or dotted date reads: dmy (01.02.2026) or mdy (02/01/2026)

    def field_for(self, header: str) -> str:
        return self._keys().get(header_key(header), "")

    def _keys(self) -> dict[str, str]:
        cached = self.__dict__.get("_by_key")
        if cached is None:
            cached = {header_key(h): f for h, f in self.headers.items()}
            object.__setattr__(self, "_by_key", cached)
        return cached


@dataclass(frozen=True)
class Profile:
    key: str
    label: str
    entities: dict[str, EntityProfile]


# --------------------------------------------------------------------------- HubSpot

_HS_LIFECYCLE = {
    "subscriber": "Lead",
    "lead": "Lead",
    "marketing qualified lead": "Marketing qualified lead (MQL)",
    "marketingqualifiedlead": "Marketing qualified lead (MQL)",
    "sales qualified lead": "Marketing qualified lead (MQL)",
    "salesqualifiedlead": "Marketing qualified lead (MQL)",
    "opportunity": "Opportunity",
    "customer": "Customer",
    "evangelist": "Customer",
    "other": "Lead",
}
_HS_OWNER_NOTE = "owner: matched by email, login or full name"

HUBSPOT = Profile(
    "hubspot",
    "HubSpot",
    {
        "persons": EntityProfile(
            {
                "Record ID": "external_id",
                "First Name": "first_name",
                "Last Name": "last_name",
                "Email": "email",
                "Phone Number": "phone",
                "Mobile Phone Number": "mobile",
                "Job Title": "title",
                "Company Name": "company",
                "Website URL": "website",
                "Lifecycle Stage": "category",
                "Lead Status": "lead_status",
                "Contact owner": "owner",
                "Create Date": "registered_at",
                "City": "city",
                "Country/Region": "country",
                "Street Address": "address",
                "Postal Code": "zip_code",
                "Associated Company IDs": "company_external_id",
                "Associated Company ID": "company_external_id",
                "Primary Associated Company ID": "company_external_id",
                "Original Source": "utm_source",
            },
            {
                "category": _HS_LIFECYCLE,
                "lead_status": {
                    "new": "Open",
                    "open": "Open",
                    "in progress": "Contacting",
                    "attempted to contact": "Contacting",
                    "connected": "Contacting",
                    "open deal": "Qualified",
                    "unqualified": "Disqualified",
                    "bad timing": "Re-nurture",
                },
            },
        ),
        "companies": EntityProfile(
            {
                "Record ID": "external_id",
                "Company name": "name",
                "Company Domain Name": "website",
                "Website URL": "website",
                "Phone Number": "phone",
                "Street Address": "address",
                "City": "city",
                "Postal Code": "zip_code",
                "Country/Region": "country",
                "Lifecycle Stage": "category",
                "Company owner": "owner",
                "Create Date": "registered_at",
                "Description": "note",
            },
            {"category": _HS_LIFECYCLE},
        ),
        "sales": EntityProfile(
            {
                "Record ID": "external_id",
                "Deal Name": "heading",
                "Deal Stage": "stage",
                "Amount": "amount",
                "Close Date": "sale_date",
                "Create Date": "registered_at",
                "Deal owner": "owner",
                "Deal Type": "sale_type",
                "Deal probability": "probability",
                "Closed Lost Reason": "reason_lost",
                "Closed Won Reason": "reason_sold",
                "Associated Company IDs": "company_external_id",
                "Associated Company ID": "company_external_id",
                "Associated Company": "company",
                "Associated Contact IDs": "contact_external_id",
                "Associated Contact ID": "contact_external_id",
                "Deal Description": "description",
            },
            {
                "stage": {
                    "appointment scheduled": "Contact",
                    "appointmentscheduled": "Contact",
                    "qualified to buy": "Lead",
                    "qualifiedtobuy": "Lead",
                    "presentation scheduled": "Offer",
                    "presentationscheduled": "Offer",
                    "decision maker bought-in": "Negotiation",
                    "decisionmakerboughtin": "Negotiation",
                    "contract sent": "Verbal yes",
                    "contractsent": "Verbal yes",
                    "closed won": "sold",
                    "closedwon": "sold",
                    "closed lost": "lost",
                    "closedlost": "lost",
                },
                "sale_type": {
                    "new business": "General sale",
                    "newbusiness": "General sale",
                    "existing business": "Renewal",
                    "existingbusiness": "Renewal",
                },
            },
        ),
        "followups": EntityProfile(
            {
                "Record ID": "external_id",
                "Task Title": "title",
                "Notes": "text",
                "Task notes": "text",
                "Due Date": "date",
                "Task Type": "type",
                "Task Status": "done",
                "Assigned to": "owner",
                "Activity assigned to": "owner",
                "Associated Contact IDs": "contact_external_id",
                "Associated Company IDs": "company_external_id",
                "Associated Deal IDs": "sale_external_id",
                "Associated Contact ID": "contact_external_id",
                "Associated Company ID": "company_external_id",
                "Associated Deal ID": "sale_external_id",
            },
            {
                "type": {
                    "call": "Phone call",
                    "email": "To-do",
                    "to-do": "To-do",
                    "todo": "To-do",
                    "meeting": "Meeting",
                },
                "done": {
                    "completed": "yes",
                    "not started": "no",
                    "in progress": "no",
                    "waiting": "no",
                    "deferred": "no",
                },
            },
        ),
    },
)

# --------------------------------------------------------------------------- Pipedrive

PIPEDRIVE = Profile(
    "pipedrive",
    "Pipedrive",
    {
        "persons": EntityProfile(
            {
                "Person - ID": "external_id",
                "Person - Name": "full_name",
                "Person - First name": "first_name",
                "Person - Last name": "last_name",
                "Person - Email": "email",
                "Person - Email - Work": "email",
                "Person - Phone": "phone",
                "Person - Phone - Work": "phone",
                "Person - Phone - Mobile": "mobile",
                "Person - Job title": "title",
                "Person - Organization": "company",
                "Person - Organization ID": "company_external_id",
                "Organization - ID": "company_external_id",
                "Person - Label": "lead_status",
                "Person - Owner": "owner",
                "Person - Person created": "registered_at",
                "Person - Add time": "registered_at",
                "Person - Notes": "note",
            },
            {
                "lead_status": {
                    "hot lead": "Qualified",
                    "warm lead": "Contacting",
                    "cold lead": "Open",
                    "customer": "Qualified",
                }
            },
        ),
        "companies": EntityProfile(
            {
                "Organization - ID": "external_id",
                "Organization - Name": "name",
                "Organization - Address": "address",
                "Organization - Address - City/town/village/locality": "city",
                "Organization - Address - ZIP/Postal code": "zip_code",
                "Organization - Address - Country": "country",
                "Organization - Website": "website",
                "Organization - Owner": "owner",
                "Organization - Label": "category",
                "Organization - Organization created": "registered_at",
                "Organization - Add time": "registered_at",
            },
            {"category": {"customer": "Customer", "hot lead": "Opportunity", "warm lead": "Lead", "cold lead": "Lead"}},
        ),
        "sales": EntityProfile(
            {
                "Deal - ID": "external_id",
                "Deal - Title": "heading",
                "Deal - Value": "amount",
                "Deal - Stage": "stage",
                "Deal - Status": "status",
                "Deal - Lost reason": "reason_lost",
                "Deal - Owner": "owner",
                "Deal - Organization": "company",
                "Deal - Organization ID": "company_external_id",
                "Organization - ID": "company_external_id",
                "Deal - Contact person ID": "contact_external_id",
                "Person - ID": "contact_external_id",
                "Deal - Expected close date": "sale_date",
                "Deal - Deal created": "registered_at",
                "Deal - Add time": "registered_at",
                "Deal - Probability": "probability",
            },
            {
                "stage": {
                    "qualified": "Lead",
                    "contact made": "Contact",
                    "demo scheduled": "Contact",
                    "needs defined": "Contact",
                    "proposal made": "Offer",
                    "negotiations started": "Negotiation",
                },
                "status": {"open": "open", "won": "sold", "lost": "lost", "deleted": "lost"},
            },
        ),
        "followups": EntityProfile(
            {
                "Activity - ID": "external_id",
                "Activity - Subject": "title",
                "Activity - Type": "type",
                "Activity - Due date": "date",
                "Activity - Due time": "time",
                "Activity - Done": "done",
                "Activity - Assigned to user": "owner",
                "Activity - Note": "text",
                "Deal - ID": "sale_external_id",
                "Person - ID": "contact_external_id",
                "Organization - ID": "company_external_id",
            },
            {
                "type": {
                    "call": "Phone call",
                    "meeting": "Meeting",
                    "task": "To-do",
                    "deadline": "To-do",
                    "email": "To-do",
                    "lunch": "Meeting",
                },
                "done": {"done": "yes", "to do": "no", "not done": "no"},
            },
        ),
    },
)

# --------------------------------------------------------------------------- Salesforce

_SF_STAGES = {
    "prospecting": "Lead",
    "qualification": "Lead",
    "needs analysis": "Contact",
    "value proposition": "Contact",
    "id. decision makers": "Contact",
    "perception analysis": "Offer",
    "proposal/price quote": "Offer",
    "negotiation/review": "Negotiation",
    "closed won": "sold",
    "closed lost": "lost",
}

SALESFORCE = Profile(
    "salesforce",
    "Salesforce",
    {
        "persons": EntityProfile(
            {
                "Contact ID": "external_id",
                "First Name": "first_name",
                "Last Name": "last_name",
                "Email": "email",
                "Phone": "phone",
                "Mobile": "mobile",
                "Mobile Phone": "mobile",
                "Title": "title",
                "Account Name": "company",
                "Account ID": "company_external_id",
                "Mailing Street": "address",
                "Mailing City": "city",
                "Mailing Zip/Postal Code": "zip_code",
                "Mailing Country": "country",
                "Contact Owner": "owner",
                "Created Date": "registered_at",
                "Lead Source": "utm_source",
                "Description": "note",
            },
            date_order="mdy",
        ),
        "companies": EntityProfile(
            {
                "Account ID": "external_id",
                "Account Name": "name",
                "Type": "category",
                "Website": "website",
                "Phone": "phone",
                "Billing Street": "address",
                "Billing City": "city",
                "Billing Zip/Postal Code": "zip_code",
                "Billing Country": "country",
                "Account Owner": "owner",
                "Created Date": "registered_at",
                "Description": "note",
            },
            {
                "category": {
                    "prospect": "Lead",
                    "customer - direct": "Customer",
                    "customer - channel": "Customer",
                    "channel partner / reseller": "Partner",
                    "installation partner": "Partner",
                    "technology partner": "Partner",
                    "other": "Lead",
                }
            },
            date_order="mdy",
        ),
        "sales": EntityProfile(
            {
                "Opportunity ID": "external_id",
                "Opportunity Name": "heading",
                "Account ID": "company_external_id",
                "Account Name": "company",
                "Contact ID": "contact_external_id",
                "Amount": "amount",
                "Stage": "stage",
                "Probability (%)": "probability",
                "Close Date": "sale_date",
                "Created Date": "registered_at",
                "Opportunity Owner": "owner",
                "Type": "sale_type",
                "Loss Reason": "reason_lost",
                "Description": "description",
            },
            {
                "stage": _SF_STAGES,
                "sale_type": {
                    "new customer": "General sale",
                    "new business": "General sale",
                    "existing customer - upgrade": "Renewal",
                    "existing customer - replacement": "Renewal",
                    "existing customer - downgrade": "Renewal",
                    "existing business": "Renewal",
                },
            },
            date_order="mdy",
        ),
        "followups": EntityProfile(
            {
                "Activity ID": "external_id",
                "Task ID": "external_id",
                "Subject": "title",
                "Due Date": "date",
                "Status": "done",
                "Task Type": "type",
                "Type": "type",
                "Assigned": "owner",
                "Assigned To": "owner",
                "Comments": "text",
                "Contact ID": "contact_external_id",
                "Account ID": "company_external_id",
                "Opportunity ID": "sale_external_id",
            },
            {
                "type": {"call": "Phone call", "email": "To-do", "meeting": "Meeting", "other": "To-do"},
                "done": {
                    "completed": "yes",
                    "not started": "no",
                    "in progress": "no",
                    "waiting on someone else": "no",
                    "deferred": "no",
                },
            },
            date_order="mdy",
        ),
    },
)

# --------------------------------------------------------------------------- SuperOffice (company = "contact")

SUPEROFFICE = Profile(
    "superoffice",
    "SuperOffice",
    {
        "companies": EntityProfile(
            {
                "Contact ID": "external_id",
                "Company ID": "external_id",
                "Company": "name",
                "Company name": "name",
                "Category": "category",
                "Our contact": "owner",
                "Postal address - Address": "address",
                "Postal address - Postcode": "zip_code",
                "Postal address - City": "city",
                "Country": "country",
                "Web address": "website",
                "URL": "website",
                "Phone": "phone",
                "E-mail": "email",
                "Registered": "registered_at",
                "Info": "note",
            },
            date_order="dmy",
        ),
        "persons": EntityProfile(
            {
                "Person ID": "external_id",
                "Contact ID": "company_external_id",
                "First name": "first_name",
                "Last name": "last_name",
                "E-mail": "email",
                "Phone": "phone",
                "Mobile": "mobile",
                "Title": "title",
                "Company": "company",
                "Lead status": "lead_status",
                "Our contact": "owner",
                "Registered": "registered_at",
                "Country": "country",
                "Category": "category",
            },
            date_order="dmy",
        ),
        "sales": EntityProfile(
            {
                "Sale ID": "external_id",
                "Heading": "heading",
                "Amount": "amount",
                "Stage": "stage",
                "Probability": "probability",
                "Status": "status",
                "Sale date": "sale_date",
                "Date": "sale_date",
                "Sale type": "sale_type",
                "Reason (sold)": "reason_sold",
                "Reason (lost)": "reason_lost",
                "Our contact": "owner",
                "Company": "company",
                "Contact ID": "company_external_id",
                "Person ID": "contact_external_id",
                "Registered": "registered_at",
                "Description": "description",
            },
            {"status": {"open": "open", "sold": "sold", "lost": "lost", "stalled": "stalled"}},
            date_order="dmy",
        ),
        "followups": EntityProfile(
            {
                "Follow-up ID": "external_id",
                "Appointment ID": "external_id",
                "Date": "date",
                "Time": "time",
                "Type": "type",
                "Text": "text",
                "Completed": "done",
                "Our contact": "owner",
                "Contact ID": "company_external_id",
                "Person ID": "contact_external_id",
                "Sale ID": "sale_external_id",
            },
            date_order="dmy",
        ),
    },
)

PROFILES: dict[str, Profile] = {p.key: p for p in (HUBSPOT, PIPEDRIVE, SALESFORCE, SUPEROFFICE)}
GENERIC = "generic"


def profile_choices() -> list[str]:
    return ["auto", *PROFILES]


def get_profile(key: str) -> Profile:
    try:
        return PROFILES[key]
    except KeyError:
        raise RuleViolation(
            _("Profile: '{value}' is not a profile (choose one of: {names}).").format(
                value=key, names=", ".join(profile_choices())
            ),
            field="profile",
        ) from None


def _coverage(entity_profile: EntityProfile, headers: Sequence[str]) -> int:
    return sum(1 for h in headers if entity_profile.field_for(h))


def detect(headers: Sequence[str], entities: Sequence[str] = ENTITIES) -> tuple[str, str] | None:
    """(profile, entity) whose headers cover most of the file's columns; None when no profile covers at least
    half of them (and three) with its record-id column (a plain CSV file is not an export). Ties go to the order
    above."""
    best: tuple[int, int, str, str] | None = None
    for profile in PROFILES.values():
        for entity in entities:
            ep = profile.entities.get(entity)
            if ep is None:
                continue
            covered = _coverage(ep, headers)
            has_id = int(any(ep.field_for(h) == "external_id" for h in headers))
            if has_id and covered >= 3 and covered * 2 >= len(headers):
                score = (covered, has_id, profile.key, entity)
                if best is None or score[:2] > best[:2]:
                    best = score
    return (best[2], best[3]) if best else None


def mapping_for(profile: str, entity: str, headers: Sequence[str]) -> list[str]:
    """A field per column: the profile's header names, else the generic ones; a field taken once."""
    ep = PROFILES[profile].entities.get(entity) if profile in PROFILES else None
    allowed = set(ENTITY_FIELDS[entity])
    generic = {header_key(name): f for f, names in GENERIC_HEADERS.items() for name in (f, *names) if f in allowed}
    taken: set[str] = set()
    mapping: list[str] = []
    for header in headers:
        key = ep.field_for(header) if ep else ""
        if not key:
            key = generic.get(header_key(header), "")
            if not key and entity == "persons":
                from leadtui.services.imports import field_for_header

                key = field_for_header(header)
            if not key and entity == "companies":
                from leadtui.services.imports import field_for_header

                key = {"company": "name"}.get(field_for_header(header), field_for_header(header))
        if key and key in allowed and key not in taken:
            taken.add(key)
            mapping.append(key)
        else:
            mapping.append("")
    return mapping
