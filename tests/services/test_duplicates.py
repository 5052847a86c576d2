"""Duplicate check while typing a new contact or company: same email, same domain, same or similar name."""

from __future__ import annotations

from leadtui.services import companies, contacts, duplicates
from tests.services.people import company, person


async def test_a_contact_with_the_same_email_is_found_ignoring_case(db, admin):
    ann = await person(db, admin, None, "Ann", "Berg", email="ann@acme.com")
    found = await duplicates.similar_contacts(db, "", "", "ANN@Acme.com")
    assert [(d.id, d.reason) for d in found] == [(ann.id, "same email")]


async def test_contacts_with_the_same_or_a_similar_name_are_found(db, admin):
    acme = await company(db, admin, "Acme")
    jonathan = await person(db, admin, acme.id, "Jonathan", "Hansen")
    other = await person(db, admin, None, "Jon", "Hansen")
    found = await duplicates.similar_contacts(db, "jon", "HANSEN", company_id=acme.id)
    assert [(d.id, d.reason) for d in found] == [
        (other.id, "same name"),
        (jonathan.id, "similar name at the same company"),
    ]
    assert found[1].detail == "Acme"
    assert await duplicates.similar_contacts(db, "Karl", "Hansen") == []


async def test_deleted_contacts_and_the_contact_itself_are_not_duplicates(db, admin):
    ann = await person(db, admin, None, "Ann", "Berg", email="ann@acme.com")
    assert await duplicates.similar_contacts(db, "Ann", "Berg", "ann@acme.com", exclude_id=ann.id) == []
    await contacts.delete_contact(db, admin, ann.id)
    assert await duplicates.similar_contacts(db, "Ann", "Berg", "ann@acme.com") == []


async def test_companies_with_the_same_domain_or_name_are_found(db, admin):
    acme = await company(db, admin, "Acme A/S", website="https://www.acme.dk")
    found = await duplicates.similar_companies(db, "Something else", email="sales@acme.dk")
    assert [(d.id, d.reason) for d in found] == [(acme.id, "same domain acme.dk")]
    found = await duplicates.similar_companies(db, "ACME a/s")
    assert [(d.id, d.reason) for d in found] == [(acme.id, "same name")]
    found = await duplicates.similar_companies(db, "Acme Ltd")
    assert [(d.id, d.reason) for d in found] == [(acme.id, "similar name")]
    await companies.delete_company(db, admin, acme.id)
    assert await duplicates.similar_companies(db, "Acme A/S", "acme.dk") == []


async def test_the_hint_is_limited(db, admin):
    for i in range(8):
        await person(db, admin, None, "Ann", "Berg", email=f"ann{i}@example.com")
    assert len(await duplicates.similar_contacts(db, "Ann", "Berg")) == duplicates.LIMIT
