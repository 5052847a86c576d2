"""A new user on a fresh database adds a company, registers a sale for it by keyboard, sells it (Stage Sold asks
for Reason (sold) first) and finds it as sold in the Sales list."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time

import pytest

pytestmark = pytest.mark.e2e


def test_create_a_sale_by_keyboard_sell_it_and_see_it_in_the_sales_list(terminal):
    term, db = terminal
    term.wait_for("Companies")
    term.wait_for("No companies yet")
    # a sale belongs to a company (or a contact): add one first
    term.keys("n")
    term.wait_for("New company")
    term.wait_for("Our contact            admin")  # the card's lists are loaded
    time.sleep(0.5)
    term.type("Acme Ltd")
    term.keys("Tab", "Enter")  # open Category
    term.wait_for("Opportunity")
    time.sleep(1.0)
    term.keys("Down")
    time.sleep(0.3)
    term.keys("Enter")  # the first category (Lead)
    term.wait_for("Category *             Lead")
    term.keys("C-s")
    term.wait_for("Saved 'Acme Ltd'")

    term.keys("s")
    term.wait_for("No sales")
    term.keys("n")
    term.wait_for("New sale")
    term.wait_for("Save is disabled: fill in Heading, Company or Contact.")
    term.type("Big deal")
    term.keys("Tab", "Tab", "Tab", "Tab")  # Sale type, Stage, Probability, Amount
    term.type("5000")
    term.keys("Tab", "Enter")  # the Company picker
    term.wait_for("Type to search")
    term.type("Acm")
    term.wait_for("▊ Acme Ltd")
    term.keys("Enter")
    term.wait_for("Acme Ltd  ▾")
    term.keys("C-s")
    term.wait_for("Saved the sale 'Big deal'")
    term.wait_for("$ Open")

    term.keys("e")
    term.wait_for("editing: ctrl+s saves")  # edit mode is shown in the header, as on every card
    term.keys("Tab", "Tab", "Enter")  # open Stage
    term.wait_for("Sold  (100 %)")
    time.sleep(0.5)
    term.keys("Down", "Down", "Down", "Down", "Down", "Enter")  # Lead -> ... -> Sold
    term.wait_for("fill in Reason (sold)")  # the field itself may be below the fold
    term.keys("C-s")  # refused: the reason is required, and the card goes to it
    term.wait_for("Reason (sold): is required")
    term.keys("Enter")
    term.wait_for("Performance")  # the reasons (sold) drop down
    time.sleep(0.5)
    term.keys("Down", "Enter")
    time.sleep(0.5)
    term.keys("C-s")
    term.wait_for("✓ Sold")
    term.wait_for("Saved the sale 'Big deal'")  # (a capture may catch the screen half painted: wait, not assert)

    term.keys("Escape")  # back to the Sales list

    def sold_row() -> str | None:
        rows = [line for line in term.screen().splitlines() if "Big deal" in line]
        return rows[0] if rows and all(text in rows[0] for text in ("✓", "5,000.00", "Acme Ltd")) else None

    deadline = time.monotonic() + 15
    while sold_row() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sold_row() is not None, term.screen()
    assert "1-1 of 1" in term.screen()
    term.keys("q")
    result = subprocess.run(
        [shutil.which("leadtui"), "--db", str(db), "sale", "show", "1", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "LEADTUI_USER": "admin"},
        timeout=60,
    )
    sale = json.loads(result.stdout)
    assert (sale["status"], sale["amount"], sale["company_name"], sale["probability"]) == (
        "sold",
        "5000.00",
        "Acme Ltd",
        100,
    )
    assert sale["reason_sold"]
