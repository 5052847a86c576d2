"""The audit in words: list items, users and records by their name, field labels, one summary line per change,
newest first (issue 13)."""

from __future__ import annotations

from sqlalchemy import event

from leadtui.services import audit, companies, contacts, lists, sales
from tests.services.people import company, person


async def test_a_lead_status_change_reads_in_words(db, admin):
    firm = await company(db, admin, "Acme")
    anna = await person(db, admin, firm.id, "Anna", "Berg")
    await contacts.update_contact(db, admin, anna.id, {"lead_status": "Qualified"})
    newest = (await audit.for_record(db, "contact", anna.id))[0]
    assert newest.summary == "Changed Lead status of Anna Berg: Open → Qualified"
    assert (newest.details[0].label, newest.details[0].old, newest.details[0].new) == (
        "Lead status",
        "Open",
        "Qualified",
    )
    assert newest.record == "Anna Berg" and newest.user_name and newest.user == "admin"
    # the raw values are kept
    assert all(isinstance(value, int) for value in newest.changes["lead_status_id"])


async def test_a_lost_sale_names_its_reason_and_a_creation_and_deletion_name_the_record(db, admin):
    firm = await company(db, admin, "Acme")
    sale = await sales.create_sale(
        db, admin, {"heading": "Big deal", "sale_type": "General sale", "company_id": firm.id, "amount": "10"}
    )
    await sales.update_sale(db, admin, sale.id, {"status": "lost", "reason": "Price"})
    entries = await audit.for_record(db, "sale", sale.id)
    assert entries[-1].summary == "Added sale 'Big deal'"
    words = {d.label: (d.old, d.new) for d in entries[0].details}
    assert words["Reason (lost)"] == ("(none)", "Price")
    assert words["Status"] == ("Open", "Lost")
    assert entries[0].summary.startswith("Changed ") and "of Big deal" in entries[0].summary
    await sales.delete_sale(db, admin, sale.id)
    assert (await audit.for_record(db, "sale", sale.id))[0].summary == "Deleted sale 'Big deal'"
    assert (await audit.for_record(db, "company", firm.id))[-1].summary == "Added company 'Acme'"
    await companies.delete_company(db, admin, firm.id)
    assert (await audit.for_record(db, "company", firm.id))[0].summary == "Deleted company 'Acme'"


async def test_users_are_named_by_their_name_and_owners_in_words(db, admin, rep):
    firm = await company(db, admin, "Acme")
    await companies.update_company(db, admin, firm.id, {"owner": "rita"})
    newest = (await audit.for_record(db, "company", firm.id))[0]
    assert newest.summary.endswith(": (none) → Rita Rep") or "→ Rita Rep" in newest.summary
    assert newest.user_name == (admin.full_name or "admin")


async def test_the_audit_is_newest_first(db, admin):
    await lists.add_item(db, admin, "reason-lost", {"name": "Timing"})
    await lists.add_item(db, admin, "reason-lost", {"name": "Budget"})
    entries = await audit.in_range(db)
    assert [e.id for e in entries] == sorted((e.id for e in entries), reverse=True)
    assert entries[0].summary == "Added reason (lost) 'Budget'"


async def _statements(db) -> tuple[int, list[audit.AuditEntryOut]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        entries = await audit.in_range(db)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements), entries


async def test_names_are_looked_up_in_a_few_queries_not_one_per_entry(db, admin):
    firm = await company(db, admin, "Acme")

    async def people(numbers: range) -> None:
        for n in numbers:
            anna = await person(db, admin, firm.id, "Anna", f"Berg{n}")
            await contacts.update_contact(db, admin, anna.id, {"lead_status": "Qualified"})

    await people(range(3))
    few, _entries = await _statements(db)
    await people(range(3, 40))
    many, entries = await _statements(db)
    assert many == few  # one query per kind of record named, however many entries
    assert sum(e.summary.endswith("Open → Qualified") for e in entries) == 40


async def test_a_bulk_update_and_its_undo_read_in_words(db, admin):
    from leadtui.services import bulk, undo

    firm = await company(db, admin, "Acme")
    people = [await person(db, admin, firm.id, "Anna", f"Berg{n}") for n in range(3)]
    await bulk.apply_bulk_update(db, admin, "lead_status", "Contacting", contact_ids=[p.id for p in people])
    newest = (await audit.in_range(db))[0]
    assert newest.summary == "Changed Lead status of 3 records (contact) to Contacting"
    assert (newest.details[0].old, newest.details[0].new) == ("Open", "Contacting")
    await undo.undo_last(db, admin)
    assert (await audit.in_range(db))[0].summary == "Undo: Changed Lead status of 3 records (contact) to Open"


async def test_undo_names_the_change_in_words(db, admin):
    from leadtui.services import undo

    firm = await company(db, admin, "Acme")
    anna = await person(db, admin, firm.id, "Anna", "Berg")
    await contacts.update_contact(db, admin, anna.id, {"lead_status": "Qualified"})
    expected = "Changed Lead status of Anna Berg: Open → Qualified"
    assert (await undo.last_undoable(db, admin)).description == expected
    assert (await undo.undo_last(db, admin)).description == expected
