"""Default list contents of a new database (SPEC.md section 3, DESIGN.md decision 10), in en, da, nl and nb.

Names of the lead statuses and lead categories are the ones the seed pages use; the rest are our choice
(SPEC.md 3.5 says the documentation ships no defaults for them) and are recorded in docs/decisions.md.
"""

from __future__ import annotations

from leadtui.model.enums import CategoryGroup

# (name, description) per language, in list order
LEAD_STATUSES: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("Open", "No outreach has been made by the sales team yet."),
        ("Contacting", "The sales team is actively trying to reach the lead."),
        ("Disqualified", "The lead does not meet our criteria and will not be contacted further."),
        ("Re-nurture", "The lead is not ready now but may be in the future. Marketing can follow up."),
        ("Qualified", "The lead meets all necessary criteria to initiate the sales process."),
    ],
    "da": [
        ("Åben", "Salgsteamet har endnu ikke taget kontakt."),
        ("Kontakter", "Salgsteamet forsøger aktivt at få fat i leadden."),
        ("Diskvalificeret", "Leadden opfylder ikke vores kriterier og kontaktes ikke yderligere."),
        ("Genoptag kontakt", "Leadden er ikke klar nu, men kan blive det senere. Marketing kan følge op."),
        ("Kvalificeret", "Leadden opfylder alle kriterier for at starte salgsprocessen."),
    ],
    "nl": [
        ("Open", "Het verkoopteam heeft nog geen contact opgenomen."),
        ("Contact opnemen", "Het verkoopteam probeert actief de lead te bereiken."),
        ("Gediskwalificeerd", "De lead voldoet niet aan onze criteria en wordt niet verder benaderd."),
        ("Opnieuw benaderen", "De lead is nu nog niet klaar, maar mogelijk later wel. Marketing kan opvolgen."),
        ("Gekwalificeerd", "De lead voldoet aan alle criteria om het verkoopproces te starten."),
    ],
    "nb": [
        ("Åpen", "Salgsteamet har ikke tatt kontakt ennå."),
        ("Kontakter", "Salgsteamet prøver aktivt å nå leadden."),
        ("Diskvalifisert", "Leadden oppfyller ikke kriteriene våre og blir ikke kontaktet videre."),
        ("Varmes opp igjen", "Leadden er ikke klar nå, men kan bli det senere. Markedsføring kan følge opp."),
        ("Kvalifisert", "Leadden oppfyller alle kriterier for å starte salgsprosessen."),
    ],
}

# (name, description, group, lead status enabled)
CATEGORIES: dict[str, list[tuple[str, str, CategoryGroup, bool]]] = {
    "en": [
        (
            "Lead",
            "A person or company that has shown initial interest but has not yet indicated intent to buy.",
            CategoryGroup.POTENTIAL_CUSTOMER,
            True,
        ),
        (
            "Marketing qualified lead (MQL)",
            "A lead that matches your target profile or has requested further engagement, such as a demo.",
            CategoryGroup.POTENTIAL_CUSTOMER,
            True,
        ),
        (
            "Opportunity",
            "A potential customer that is part of an active sales process.",
            CategoryGroup.POTENTIAL_CUSTOMER,
            True,
        ),
        (
            "Lost opportunity",
            "A potential customer with one or several lost sales.",
            CategoryGroup.POTENTIAL_CUSTOMER,
            True,
        ),
        ("Customer", "An existing customer.", CategoryGroup.CUSTOMER, False),
        ("Partner", "A reseller, integrator or business partner.", CategoryGroup.PARTNER, False),
        ("Supplier", "A company we buy from.", CategoryGroup.OTHER, False),
    ],
    "da": [
        (
            "Lead",
            "En person eller et firma, der har vist interesse, men endnu ikke købsintention.",
            CategoryGroup.POTENTIAL_CUSTOMER,
            True,
        ),
        (
            "Marketingkvalificeret lead",
            "En lead, der matcher vores målprofil eller har bedt om mere, f.eks. en demo.",
            CategoryGroup.POTENTIAL_CUSTOMER,
            True,
        ),
        ("Mulighed", "En potentiel kunde i en aktiv salgsproces.", CategoryGroup.POTENTIAL_CUSTOMER, True),
        ("Tabt mulighed", "En potentiel kunde med et eller flere tabte salg.", CategoryGroup.POTENTIAL_CUSTOMER, True),
        ("Kunde", "En eksisterende kunde.", CategoryGroup.CUSTOMER, False),
        ("Partner", "En forhandler, integrator eller forretningspartner.", CategoryGroup.PARTNER, False),
        ("Leverandør", "Et firma, vi køber af.", CategoryGroup.OTHER, False),
    ],
    "nl": [
        (
            "Lead",
            "Een persoon of bedrijf dat interesse heeft getoond maar nog geen koopintentie.",
            CategoryGroup.POTENTIAL_CUSTOMER,
            True,
        ),
        (
            "Marketinggekwalificeerde lead (MQL)",
            "Een lead die bij ons doelprofiel past of om meer heeft gevraagd, zoals een demo.",
            CategoryGroup.POTENTIAL_CUSTOMER,
            True,
        ),
        ("Opportunity", "Een potentiële klant in een actief verkoopproces.", CategoryGroup.POTENTIAL_CUSTOMER, True),
        (
            "Verloren opportunity",
            "Een potentiële klant met een of meer verloren verkopen.",
            CategoryGroup.POTENTIAL_CUSTOMER,
            True,
        ),
        ("Klant", "Een bestaande klant.", CategoryGroup.CUSTOMER, False),
        ("Partner", "Een wederverkoper, integrator of zakenpartner.", CategoryGroup.PARTNER, False),
        ("Leverancier", "Een bedrijf waar wij van kopen.", CategoryGroup.OTHER, False),
    ],
    "nb": [
        (
            "Lead",
            "En person eller et firma som har vist interesse, men ennå ikke kjøpsintensjon.",
            CategoryGroup.POTENTIAL_CUSTOMER,
            True,
        ),
        (
            "Markedsføringskvalifisert lead (MQL)",
            "En lead som passer målprofilen vår eller har bedt om mer, for eksempel en demo.",
            CategoryGroup.POTENTIAL_CUSTOMER,
            True,
        ),
        ("Mulighet", "En potensiell kunde i en aktiv salgsprosess.", CategoryGroup.POTENTIAL_CUSTOMER, True),
        (
            "Tapt mulighet",
            "En potensiell kunde med ett eller flere tapte salg.",
            CategoryGroup.POTENTIAL_CUSTOMER,
            True,
        ),
        ("Kunde", "En eksisterende kunde.", CategoryGroup.CUSTOMER, False),
        ("Partner", "En forhandler, integrator eller forretningspartner.", CategoryGroup.PARTNER, False),
        ("Leverandør", "Et firma vi kjøper fra.", CategoryGroup.OTHER, False),
    ],
}

CATEGORY_GROUP_NAMES: dict[str, dict[CategoryGroup, str]] = {
    "en": {
        CategoryGroup.UNKNOWN: "(No selection)",
        CategoryGroup.CUSTOMER: "Customer",
        CategoryGroup.POTENTIAL_CUSTOMER: "Potential customer",
        CategoryGroup.PARTNER: "Partner",
        CategoryGroup.LOST: "Lost",
        CategoryGroup.OTHER: "Other",
    },
    "da": {
        CategoryGroup.UNKNOWN: "(Intet valgt)",
        CategoryGroup.CUSTOMER: "Kunde",
        CategoryGroup.POTENTIAL_CUSTOMER: "Potentiel kunde",
        CategoryGroup.PARTNER: "Partner",
        CategoryGroup.LOST: "Tabt",
        CategoryGroup.OTHER: "Andet",
    },
    "nl": {
        CategoryGroup.UNKNOWN: "(Geen selectie)",
        CategoryGroup.CUSTOMER: "Klant",
        CategoryGroup.POTENTIAL_CUSTOMER: "Potentiële klant",
        CategoryGroup.PARTNER: "Partner",
        CategoryGroup.LOST: "Verloren",
        CategoryGroup.OTHER: "Overig",
    },
    "nb": {
        CategoryGroup.UNKNOWN: "(Ikke valgt)",
        CategoryGroup.CUSTOMER: "Kunde",
        CategoryGroup.POTENTIAL_CUSTOMER: "Potensiell kunde",
        CategoryGroup.PARTNER: "Partner",
        CategoryGroup.LOST: "Tapt",
        CategoryGroup.OTHER: "Annet",
    },
}

# (name, probability %)
SALE_STAGES: dict[str, list[tuple[str, int]]] = {
    "en": [("Lead", 10), ("Contact", 20), ("Offer", 50), ("Negotiation", 75), ("Verbal yes", 90)],
    "da": [("Lead", 10), ("Kontakt", 20), ("Tilbud", 50), ("Forhandling", 75), ("Mundtligt ja", 90)],
    "nl": [("Lead", 10), ("Contact", 20), ("Offerte", 50), ("Onderhandeling", 75), ("Mondeling akkoord", 90)],
    "nb": [("Lead", 10), ("Kontakt", 20), ("Tilbud", 50), ("Forhandling", 75), ("Muntlig aksept", 90)],
}

SALE_TYPES: dict[str, list[str]] = {
    "en": ["General sale", "Guided sale", "Renewal"],
    "da": ["Generelt salg", "Guidet salg", "Fornyelse"],
    "nl": ["Algemene verkoop", "Begeleide verkoop", "Verlenging"],
    "nb": ["Generelt salg", "Guidet salg", "Fornyelse"],
}

REASONS_SOLD: dict[str, list[str]] = {
    "en": ["Price", "Performance", "User-friendliness", "Relationship"],
    "da": ["Pris", "Ydelse", "Brugervenlighed", "Relation"],
    "nl": ["Prijs", "Prestaties", "Gebruiksvriendelijkheid", "Relatie"],
    "nb": ["Pris", "Ytelse", "Brukervennlighet", "Relasjon"],
}

REASONS_LOST: dict[str, list[str]] = {
    "en": ["Price", "Product", "Service level", "Budget cut", "Customer relationship", "Internal politics", "Other"],
    "da": ["Pris", "Produkt", "Serviceniveau", "Budgetnedskæring", "Kunderelation", "Intern politik", "Andet"],
    "nl": ["Prijs", "Product", "Serviceniveau", "Budgetkorting", "Klantrelatie", "Interne politiek", "Overig"],
    "nb": ["Pris", "Produkt", "Servicenivå", "Budsjettkutt", "Forhold til kunde", "Intern politikk", "Annet"],
}

REASONS_STALLED: dict[str, list[str]] = {
    "en": ["Price", "Internal politics", "Power sponsor left", "Internal review process", "Lack of interest"],
    "da": ["Pris", "Intern politik", "Sponsor har forladt firmaet", "Intern godkendelse", "Manglende interesse"],
    "nl": ["Prijs", "Interne politiek", "Sponsor vertrokken", "Interne beoordeling", "Gebrek aan interesse"],
    "nb": ["Pris", "Intern politikk", "Sponsor har sluttet", "Intern vurdering", "Manglende interesse"],
}

SALE_SOURCES: dict[str, list[str]] = {
    "en": ["Active sales", "Campaign", "Internet", "Recommendation"],
    "da": ["Aktivt salg", "Kampagne", "Internet", "Anbefaling"],
    "nl": ["Actieve verkoop", "Campagne", "Internet", "Aanbeveling"],
    "nb": ["Aktivt salg", "Kampanje", "Internett", "Anbefaling"],
}

COMPETITORS: dict[str, list[str]] = {lang: [] for lang in ("en", "da", "nl", "nb")}

# (name, kind)
FOLLOW_UP_TYPES: dict[str, list[tuple[str, str]]] = {
    "en": [("Meeting", "meeting"), ("Phone call", "call"), ("To-do", "todo")],
    "da": [("Møde", "meeting"), ("Telefonopkald", "call"), ("Opgave", "todo")],
    "nl": [("Vergadering", "meeting"), ("Telefoongesprek", "call"), ("Taak", "todo")],
    "nb": [("Møte", "meeting"), ("Telefonsamtale", "call"), ("Oppgave", "todo")],
}

BUSINESSES: dict[str, list[str]] = {
    "en": ["IT", "Consulting", "Manufacturing", "Retail", "Finance", "Public sector"],
    "da": ["IT", "Rådgivning", "Produktion", "Detailhandel", "Finans", "Offentlig sektor"],
    "nl": ["IT", "Advies", "Productie", "Detailhandel", "Financiën", "Overheid"],
    "nb": ["IT", "Rådgivning", "Produksjon", "Varehandel", "Finans", "Offentlig sektor"],
}
