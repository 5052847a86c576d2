"""Names of the kinds of records (audit entities, table names) in the current language.

They are translated in the context "record kind" (pgettext), apart from the same words used elsewhere
("company" as the object of "this {what}" is "firmaet" in Danish, the kind of record is "firma").
"""

from __future__ import annotations

from leadtui.i18n import pgettext


def _names() -> dict[str, str]:
    return {
        "company": pgettext("record kind", "company"),
        "contact": pgettext("record kind", "contact"),
        "sale": pgettext("record kind", "sale"),
        "activity": pgettext("record kind", "follow-up"),
        "selection": pgettext("record kind", "selection"),
        "selection_member": pgettext("record kind", "selection member"),
        "associate": pgettext("record kind", "user"),
        "associate_group": pgettext("record kind", "user group membership"),
        "lead_status": pgettext("record kind", "lead status"),
        "category": pgettext("record kind", "category"),
        "business": pgettext("record kind", "business"),
        "sale_stage": pgettext("record kind", "sale stage"),
        "sale_type": pgettext("record kind", "sale type"),
        "sale_type_category": pgettext("record kind", "sale type category"),
        "sale_type_stage": pgettext("record kind", "stage of a sale type"),
        "guide_item": pgettext("record kind", "suggested follow-up"),
        "reason_sold": pgettext("record kind", "reason (sold)"),
        "reason_lost": pgettext("record kind", "reason (lost)"),
        "reason_stalled": pgettext("record kind", "reason (stalled)"),
        "sale_source": pgettext("record kind", "source"),
        "competitor": pgettext("record kind", "competitor"),
        "credited": pgettext("record kind", "credited"),
        "follow_up_type": pgettext("record kind", "follow-up type"),
        "user_group": pgettext("record kind", "user group"),
        "user_preference": pgettext("record kind", "user preference"),
        "distribution_setting": pgettext("record kind", "distribution of new leads"),
        "lead_assignment": pgettext("record kind", "lead assignment"),
        "history": pgettext("record kind", "history"),
        "utm_record": pgettext("record kind", "UTM record"),
    }


def entity_name(entity: str) -> str:
    """'contact' -> 'person' in Danish; an unknown kind is shown as it is."""
    return _names().get(entity, entity)
