"""The command line speaks the user's language: --lang, else LEADTUI_LANG, else the locale; the explicit --lang
wins. Help texts (also click's own Usage/Options), the messages the commands print and the errors of the
services come out in Danish, Dutch or Norwegian Bokmål when asked."""

from __future__ import annotations


def test_help_is_danish_with_lang_da(cli):
    result = cli("--lang", "da", "--help")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Brug: leadtui" in out and "Tilvalg:" in out and "Kommandoer:" in out
    assert "Opret en database med standardlisterne" in out  # init's help
    assert "Vis denne hjælp og afslut." in out  # click's own --help text
    assert "Create a database" not in out


def test_help_of_a_command_group_is_dutch_with_lang_nl(cli):
    out = cli("--lang", "nl", "person", "--help").stdout
    assert "Gebruik: leadtui person" in out and "Opdrachten:" in out
    assert "Toon een persoon met de leadstatus." in out
    assert "Show a contact" not in out


def test_help_follows_leadtui_lang_and_the_locale(cli):
    out = cli("person", "add", "--help", env={"LEADTUI_LANG": "nb"}).stdout
    assert "Bruk: leadtui person add" in out and "Fra listen Person - Leadstatus" in out
    out = cli("company", "--help", env={"LC_ALL": None, "LC_MESSAGES": None, "LANG": "da_DK.UTF-8"}).stdout
    assert "Firmaer:" in out


def test_the_explicit_lang_wins_over_leadtui_lang(cli):
    out = cli("--lang", "nl", "--help", env={"LEADTUI_LANG": "da"}).stdout
    assert "Gebruik:" in out and "Brug:" not in out


def test_english_without_a_choice(cli):
    out = cli("--help").stdout
    assert "Usage: leadtui" in out and "Create a database with the default lists" in out


def test_messages_and_service_errors_are_translated(initialised_cli):
    cli = initialised_cli
    added = cli("--lang", "da", "company", "add", "Acme", "--category", "Customer")
    assert added.returncode == 0, added.stderr
    assert "Firmaet 1 'Acme' er tilføjet." in added.stdout
    shown = cli("--lang", "nl", "company", "show", "1").stdout
    assert "Categorie:" in shown and "Onze contactpersoon:" in shown
    # a RuleViolation from the services (exit 2) names the field and the rule in Danish
    person = cli("person", "add", "--company", "1", "--first", "Eva")
    assert person.returncode == 0, person.stderr
    refused = cli("--lang", "da", "person", "set", "1", "--lead-status", "Hot")
    assert refused.returncode == 2
    assert "Leadstatus:" in refused.stderr and "Hot" in refused.stderr and "Lead status" not in refused.stderr
    # NotFound (exit 4) in Dutch
    missing = cli("--lang", "nl", "person", "show", "99")
    assert missing.returncode == 4 and "Geen persoon met id 99" in missing.stderr
    # a usage error from click itself, in Norwegian, still exit 1
    usage = cli("--lang", "nb", "persn", env={"LEADTUI_LANG": None})
    assert usage.returncode == 1 and "Feil:" in usage.stderr and "finnes ikke" in usage.stderr


def test_dates_and_numbers_are_formatted_per_language(initialised_cli):
    cli = initialised_cli
    cli("company", "add", "Acme", "--category", "Customer")
    sale = cli("sale", "add", "--company", "1", "--heading", "Support", "--amount", "12500.50", "--date", "2031-03-01")
    assert sale.returncode == 0, sale.stderr
    danish = cli("--lang", "da", "sale", "show", "1").stdout
    assert "12.500,50" in danish and "01.03.2031" in danish
    english = cli("sale", "show", "1").stdout
    assert "12,500.50" in english
