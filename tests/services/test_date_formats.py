"""One date format per language (leadtui/i18n/format.py): shown, typed and named in error messages; ISO accepted."""

from __future__ import annotations

from datetime import date

import pytest

from leadtui.i18n import set_language
from leadtui.i18n.format import date_hint, format_date, parse_date
from leadtui.services import sales
from leadtui.services.errors import RuleViolation
from tests.sales_helpers import add_company

# the date a user sees and types in each language
SHOWN = {"en": "04/01/2027", "da": "04.01.2027", "nl": "04-01-2027", "nb": "04.01.2027"}


@pytest.fixture(autouse=True)
def back_to_english():
    yield
    set_language("en")


@pytest.fixture
async def company(db) -> int:
    return await add_company(db, "Acme Ltd")


async def new_sale(db, actor, company_id, sale_date: str):
    data = {"heading": "Relaunch", "sale_type": "General sale", "company_id": company_id, "sale_date": sale_date}
    return await sales.create_sale(db, actor, data)


@pytest.mark.parametrize("lang", list(SHOWN))
def test_a_date_is_shown_in_the_language_format_and_read_back_as_shown_or_as_iso(lang):
    set_language(lang)
    day = date(2027, 1, 4)
    assert format_date(day) == SHOWN[lang]
    assert parse_date(format_date(day)) == day == parse_date("2027-01-04")
    assert parse_date("4/1/2027") == day  # another separator, one-digit day and month: still read day first


@pytest.mark.parametrize("lang", list(SHOWN))
async def test_a_sale_date_typed_in_the_language_format_or_iso_is_saved(db, admin, company, lang):
    set_language(lang)
    typed = await new_sale(db, admin, company, SHOWN[lang])
    iso = await new_sale(db, admin, company, "2027-01-04")
    assert typed.sale_date == iso.sale_date == date(2027, 1, 4)


@pytest.mark.parametrize("lang", list(SHOWN))
async def test_a_bad_date_is_refused_naming_the_field_and_the_language_format(db, admin, company, lang):
    set_language(lang)
    with pytest.raises(RuleViolation) as exc:
        await new_sale(db, admin, company, "31.02.2027")
    message = str(exc.value)
    assert exc.value.field == "sale_date"
    assert message.startswith(sales_date_label()) and date_hint() in message, message
    assert "YYYY-MM-DD" not in message  # the language's format, not ISO's


def sales_date_label() -> str:
    from leadtui.services.validation import field_label

    return field_label("sale_date")


def test_the_hint_follows_the_shown_format():
    """The hint is the format the dates are shown in, letter for letter (DD/MM/YYYY for 04/01/2027)."""
    for lang in SHOWN:
        set_language(lang)
        hint, shown = date_hint(), format_date(date(2027, 1, 4))
        assert len(hint) == len(shown) and [c for c in hint if not c.isalpha()] == [c for c in shown if not c.isdigit()]


@pytest.mark.parametrize("lang", list(SHOWN))
async def test_a_find_criterion_names_its_date_in_the_language_format_however_it_was_typed(db, lang):
    from leadtui.services import find

    set_language(lang)
    for typed in ("2027-01-04", SHOWN[lang]):
        criterion = find.Criterion(field="sale_date", op="gt", values=[typed])
        (text,) = await find.describe(db, "sales", [criterion])
        assert text.endswith(" " + SHOWN[lang]), text


@pytest.mark.parametrize("lang", list(SHOWN))
async def test_the_contacts_registered_filter_takes_the_language_format_and_refuses_a_bad_date(
    db, admin, company, lang
):
    from leadtui.services import contacts
    from tests.sales_helpers import add_contact

    await add_contact(db, company)
    set_language(lang)
    today = date.today()
    for typed in (format_date(today), today.isoformat()):
        page = await contacts.list_contacts(db, admin, filters={"registered_at": typed})
        assert page.total == 1, typed
    with pytest.raises(RuleViolation) as exc:
        await contacts.list_contacts(db, admin, filters={"registered_at": "31.02.2027"})
    assert date_hint() in str(exc.value) and exc.value.field == "registered_at"
