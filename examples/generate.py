"""Generate the export files of a realistic, fully made-up arctl demo workspace.

Two bookkeeping entities export their open items (unpaid invoices):

* ``exports/openstaande_posten.csv`` -- the open-items list (EUR) of a Belgian company,
  as its accounting package writes it: Dutch CSV dialect (cp1252, ``;``, CRLF, ``1.234,56``,
  ``DD-MM-YYYY``), invoices, credit notes, partly paid invoices, two drafts (``Concept``)
  and Belgian structured communications (``+++123/4567/89012+++``); for four old invoices of Belgian
  business customers the reminder level and the date of the last reminder sent before arctl took over
  (``Aanmaningsniveau``, ``Laatste aanmaning``; see add_reminder_history).
* ``exports/open_items_export.xlsx`` -- the open items of a second entity, Example Export Ltd,
  mostly in USD: a title block above the header, real date cells, numeric amount cells and a
  totals row under the data.
* ``exports/customers.csv`` -- the customer master of both (UTF-8, comma): addresses, phones,
  e-mails, languages, VAT numbers and IBANs with valid check digits.
* ``exports/bank/statement-2026-11.xml`` -- the Belgian company's camt.053.001.02 bank statement
  (BE05068123456775, GKCCBEBB) over the 10 days before the as-of date (the file is named after the
  month of its last day): about 40 customer payments of open items of both exports (structured
  communication in ``Strd`` or written in the text, invoice number in the text, or only the payer's
  known IBAN, for one invoice or two at once; one partial, one short by bank charges, one overpaid),
  a returned direct debit, two supplier payments, the bank's fee, a tax refund and two credits that
  fit nothing; opening and closing balances agree with the entries. Its random choices come from a
  stream of their own (seed + 1), so it leaves the other files as they were.

Every company, person, address, phone number, VAT number and IBAN is invented; e-mail addresses
live under example.* domains, UK phone numbers in Ofcom's drama ranges, US ones in 555-01xx.

Usage::

    python examples/generate.py OUTDIR [--seed 20261126] [--scale 1.0] [--as-of 2026-11-26]

writes into ``OUTDIR/exports/`` (the statement into ``OUTDIR/exports/bank/``). The output depends
only on seed, scale and as-of date: the same arguments give byte-identical files. ``--scale 1`` gives 72 customers and 400 documents
(320 in the CSV, 80 in the workbook); scale multiplies customers and documents. Issue dates run
from 2025-12-01 (or 360 days back, for an early as-of date) to the as-of date, and the open items
are spread over every aging bucket, mostly current and 1-30 days overdue. Money is held in integer
cents throughout and formatted by hand.

Needs Python 3.11+ and openpyxl.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

DEFAULT_SEED = 20261126
DEFAULT_AS_OF = date(2026, 11, 26)
PERIOD_START = date(2025, 12, 1)
MIN_PERIOD_DAYS = 180

# Sizes at --scale 1.
BASE_DOMESTIC_CUSTOMERS = 56
BASE_EXPORT_CUSTOMERS = 16
BASE_DOCUMENTS = 400
CSV_SHARE_PERCENT = 80
CREDIT_NOTE_PERCENT = 3
BASE_DRAFTS = 2

EXPORT_ENTITY = "Example Export Ltd"

CSV_HEADER = ("Factuurnummer", "Klantnummer", "Klantnaam", "Factuurdatum", "Vervaldatum", "Valuta",
              "Bedrag", "Openstaand", "Gestructureerde mededeling", "Soort", "Status", "Aanmaningsniveau",
              "Laatste aanmaning")
XLSX_HEADER = ("Invoice No.", "Customer ID", "Customer", "Invoice Date", "Due Date", "Currency",
               "Amount", "Amount Due")
CUSTOMERS_HEADER = ("Customer ID", "Name", "Email", "Phone", "Language", "Country", "Street",
                    "Postal Code", "City", "VAT Number", "Segment", "Consumer", "IBAN")

INVOICE, CREDIT_NOTE = "Factuur", "Creditnota"
OPEN, PART_PAID, DRAFT = "Open", "Deels betaald", "Concept"

EU_COUNTRIES = ("AT", "BE", "DE", "FR", "IE", "LU", "NL")

# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------

# (weight, country) per entity; counts are apportioned, not drawn, so every country shows up.
DOMESTIC_COUNTRIES = ((58, "BE"), (25, "NL"), (6, "DE"), (5, "FR"), (4, "LU"), (2, "AT"))
EXPORT_COUNTRIES = ((55, "US"), (27, "GB"), (8, "IE"), (4, "DE"), (3, "FR"), (3, "NL"))

# City tables: (postal code or (low, high) range or outward code, city, phone area code, language).
CITIES = {
    "BE": (
        ("9000", "Gent", "9", "nl"), ("2000", "Antwerpen", "3", "nl"), ("8000", "Brugge", "50", "nl"),
        ("3000", "Leuven", "16", "nl"), ("3500", "Hasselt", "11", "nl"), ("2800", "Mechelen", "15", "nl"),
        ("8500", "Kortrijk", "56", "nl"), ("9300", "Aalst", "53", "nl"), ("8800", "Roeselare", "51", "nl"),
        ("9100", "Sint-Niklaas", "3", "nl"), ("3600", "Genk", "89", "nl"), ("2300", "Turnhout", "14", "nl"),
        ("1000", "Brussel", "2", "nl"), ("4000", "Liège", "4", "fr"), ("5000", "Namur", "81", "fr"),
        ("6000", "Charleroi", "71", "fr"), ("7000", "Mons", "65", "fr"), ("7500", "Tournai", "69", "fr"),
        ("1300", "Wavre", "10", "fr"), ("1000", "Bruxelles", "2", "fr"), ("1050", "Ixelles", "2", "fr"),
        ("6700", "Arlon", "63", "fr"), ("1400", "Nivelles", "67", "fr"), ("4800", "Verviers", "87", "fr"),
    ),
    "NL": (
        ((1011, 1099), "Amsterdam", "20", "nl"), ((3011, 3089), "Rotterdam", "10", "nl"),
        ((3511, 3585), "Utrecht", "30", "nl"), ((2511, 2597), "Den Haag", "70", "nl"),
        ((5611, 5658), "Eindhoven", "40", "nl"), ((9711, 9747), "Groningen", "50", "nl"),
        ((4811, 4839), "Breda", "76", "nl"), ((5011, 5049), "Tilburg", "13", "nl"),
        ((6211, 6229), "Maastricht", "43", "nl"), ((5211, 5249), "'s-Hertogenbosch", "73", "nl"),
    ),
    "DE": (
        ((50667, 51149), "Köln", "221", "de"), ((40210, 40629), "Düsseldorf", "211", "de"),
        ((52062, 52080), "Aachen", "241", "de"), ((80331, 81929), "München", "89", "de"),
        ((20095, 22769), "Hamburg", "40", "de"), ((10115, 14199), "Berlin", "30", "de"),
    ),
    "AT": (
        ("1010", "Wien", "1", "de"), ("1070", "Wien", "1", "de"), ("8010", "Graz", "316", "de"),
        ("4020", "Linz", "732", "de"),
    ),
    "FR": (
        ("59000", "Lille", "3", "fr"), ("75011", "Paris", "1", "fr"), ("75015", "Paris", "1", "fr"),
        ("69002", "Lyon", "4", "fr"), ("67000", "Strasbourg", "3", "fr"), ("51100", "Reims", "3", "fr"),
    ),
    "LU": (
        ((1110, 2999), "Luxembourg", "", ""), ((4001, 4499), "Esch-sur-Alzette", "", ""),
        ((4501, 4699), "Differdange", "", ""), ((9001, 9099), "Ettelbruck", "", ""),
    ),
    "GB": (
        ("EC1V", "London", "20 7946", "en"), ("EC2A", "London", "20 7946", "en"),
        ("SE1", "London", "20 7946", "en"), ("M1", "Manchester", "161 496", "en"),
        ("LS1", "Leeds", "113 496", "en"), ("BS1", "Bristol", "117 496", "en"),
        ("B1", "Birmingham", "121 496", "en"),
    ),
    "US": (
        ((10001, 10282), "New York, NY", "212", "en"), ((2108, 2137), "Boston, MA", "617", "en"),
        ((60601, 60661), "Chicago, IL", "312", "en"), ((78701, 78759), "Austin, TX", "512", "en"),
        ((98101, 98199), "Seattle, WA", "206", "en"), ((80202, 80239), "Denver, CO", "303", "en"),
    ),
    "IE": (
        ("D02", "Dublin 2", "1", "en"), ("D08", "Dublin 8", "1", "en"), ("D24", "Dublin 24", "1", "en"),
        ("T12", "Cork", "21", "en"), ("H91", "Galway", "91", "en"), ("V94", "Limerick", "61", "en"),
    ),
}

STREETS = {
    ("BE", "nl"): ("Kerkstraat", "Stationsstraat", "Molenstraat", "Nieuwstraat", "Dorpsstraat",
                   "Industrieweg", "Schoolstraat", "Kapelstraat", "Brugsesteenweg", "Gentsesteenweg",
                   "Bosstraat", "Ambachtsweg", "Veldstraat", "Zandstraat", "Hoogstraat", "Lindelaan"),
    ("BE", "fr"): ("Rue de la Station", "Rue Haute", "Chaussée de Namur", "Rue du Marché",
                   "Avenue des Tilleuls", "Rue de l'Église", "Rue du Moulin", "Chaussée de Bruxelles",
                   "Rue des Écoles", "Rue de Fragnée", "Avenue de la Gare", "Rue Saint-Gilles"),
    ("NL", "nl"): ("Hoofdstraat", "Kerkstraat", "Industrieweg", "Stationsplein", "Marktstraat",
                   "Dorpsstraat", "Molenweg", "Nieuwe Gracht", "Havenstraat", "Edisonweg", "Handelsweg"),
    ("DE", "de"): ("Hauptstraße", "Bahnhofstraße", "Industriestraße", "Gartenstraße", "Schulstraße",
                   "Lindenstraße", "Am Hafen", "Gewerbepark", "Mühlenweg", "Rheinstraße"),
    ("AT", "de"): ("Hauptplatz", "Gewerbestraße", "Kirchengasse", "Bahnhofstraße", "Industriezeile"),
    ("FR", "fr"): ("rue de la République", "avenue Jean Jaurès", "boulevard Victor Hugo",
                   "place de la Gare", "rue Nationale", "rue des Tanneurs", "rue du Général Leclerc"),
    ("LU", ""): ("rue de la Gare", "avenue de la Liberté", "route d'Esch", "rue du Fossé",
                 "rue de Hollerich", "Grand-Rue"),
    ("GB", "en"): ("High Street", "Station Road", "Church Lane", "Victoria Street", "Mill Road",
                   "Riverside Industrial Estate", "Queen Street"),
    ("US", "en"): ("Main Street", "Commerce Drive", "Harbor Boulevard", "Industrial Parkway",
                   "Elm Street", "Market Street"),
    ("IE", "en"): ("Main Street", "Quay Street", "Ballymount Business Park", "Church Road", "Mill Lane"),
}

BE_NL_SURNAMES = ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
                  "Wouters", "De Smet", "Van Damme", "Vermeulen", "Hermans", "Pauwels", "Verstraete",
                  "Van de Velde", "Coppens", "De Backer", "Michiels", "Aerts", "Lambrechts", "Verhaeghe",
                  "Daniëls", "Noël", "Ceulemans", "Van Acker", "Vandenberghe", "Dewulf", "Claeys",
                  "Verbeke", "Goethals", "Van Hoof", "Stevens", "Segers", "Huysmans", "Moreël",
                  "Schepens", "Dierickx")
BE_FR_SURNAMES = ("Dubois", "Lambert", "Martin", "Dupont", "Lefèvre", "Leclercq", "Renard", "Mercier",
                  "François", "Hubert", "Lejeune", "Simon", "Laurent", "Collignon", "Gérard", "Goffin",
                  "Henrard", "Lemaire", "Thiry", "Jacquemin", "Piérard", "Delvaux", "Bastin", "Wathelet",
                  "Fontaine", "Mathieu", "Léonard", "Gilson", "Charlier", "Delcourt")
NL_SURNAMES = ("de Vries", "Jansen", "de Jong", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
               "Mulder", "de Groot", "Bos", "Vos", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
               "de Wit", "Dijkstra", "Smits", "van der Meer", "Kuiper", "Veenstra", "Postma", "Koster",
               "Prins", "Huisman", "van Beek", "Hoekstra", "Verhoeven", "Jonker", "Schouten", "Kramer")
DE_SURNAMES = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
               "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder",
               "Neumann", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Köhler", "Kühn", "Jäger",
               "Günther", "Brückner", "Lüdtke", "Hübner")
AT_SURNAMES = ("Gruber", "Huber", "Pichler", "Steiner", "Moser", "Mayer", "Hofer", "Leitner", "Berger",
               "Fuchs", "Eder", "Winkler", "Reiter", "Pölzl", "Schwaiger", "Grünberger", "Hütter")
FR_SURNAMES = ("Moreau", "Girard", "Fournier", "Rousseau", "Lefèbvre", "Garnier", "Faure", "André",
               "Blanc", "Guérin", "Boyer", "Chevalier", "Legrand", "Gauthier", "Perrin", "Morin",
               "Clément", "Barbier", "Brun", "Roussel", "Lemoine", "Masson", "Bonnet", "Lacroix")
LU_SURNAMES = ("Schmit", "Muller", "Weber", "Hoffmann", "Thill", "Schroeder", "Reuter", "Kremer",
               "Schiltz", "Hansen", "Faber", "Welter", "Majerus", "Goedert", "Kieffer")
GB_PLACES = ("Thornbury", "Ashworth", "Brackley", "Kestrel", "Hollin", "Oakridge", "Millbrook",
             "Redfern", "Whitcombe", "Fernhill", "Castleton", "Greystone", "Larkspur", "Wexcombe",
             "Hawthorn", "Linton", "Beckworth", "Elmstead")
GB_SURNAMES = ("Pike", "Hargreaves", "Whitmore", "Pritchard", "Fenwick", "Ashdown", "Bramley",
               "Collier", "Thwaite", "Oakes", "Marsden", "Lister")
US_PLACES = ("Maple Ridge", "Blue Heron", "Copperfield", "Granite Peak", "Lakeshore", "Red Cedar",
             "Silver Creek", "Prairie Wind", "Harbor Point", "Ironwood", "Bluebonnet", "Pine Hollow",
             "Sandstone", "Riverbend", "Summit Trail", "Clearwater Bay")
IE_PLACES = ("Shannon Valley", "Kilbride", "Glenview", "Ó Briain", "Clonmore", "Ardmore", "Lough Derg",
             "Slievebloom", "Inishfree", "Mac Giolla")
EN_TRADES = ("Joinery", "Engineering", "Print", "Bakery", "Fabrications", "Supplies", "Logistics",
             "Interiors", "Timber", "Electrical", "Packaging", "Tooling", "Foods")
US_TRADES = ("Supply", "Tools", "Foods", "Outfitters", "Fixtures", "Hardware", "Imports", "Distributors",
             "Trading", "Home Goods", "Provisions")

# Name patterns per (country, language): templates and the pools their placeholders draw from.
NAME_SPECS = {
    ("BE", "nl"): {
        "templates": ((6, "{trade} {surname}"), (3, "{surname} {sector}"), (1, "{surname} & {surname2}")),
        "trade": ("Bakkerij", "Slagerij", "Schrijnwerkerij", "Garage", "Drukkerij", "Brouwerij",
                  "Installatiebedrijf", "Tuinaanleg", "Dakwerken", "Transport", "Schilderwerken",
                  "Bouwonderneming", "Frituur", "Koffiebranderij", "Vishandel", "Houthandel", "Kapsalon",
                  "Boekhandel", "Vloerwerken", "Crèmerie", "Brasserie"),
        "sector": ("Bouw", "Logistics", "Interieur", "Techniek", "Elektro", "Renovatie", "Solutions"),
        "surname": BE_NL_SURNAMES,
        "form": ((60, "BV"), (15, "NV"), (10, "CommV"), (10, "VOF"), (5, "BVBA")),
    },
    ("BE", "fr"): {
        "templates": ((7, "{trade} {surname}"), (2, "{surname} {sector}"), (1, "{surname} & {surname2}")),
        "trade": ("Menuiserie", "Boulangerie", "Boucherie", "Imprimerie", "Garage", "Toiture", "Plomberie",
                  "Électricité", "Carrosserie", "Traiteur", "Maçonnerie", "Façades", "Pâtisserie",
                  "Librairie", "Chauffage", "Jardins", "Transports", "Fromagerie", "Ébénisterie"),
        "sector": ("Construction", "Rénovation", "Logistique", "Techniques", "Services", "Frères"),
        "surname": BE_FR_SURNAMES,
        "form": ((70, "SRL"), (20, "SA"), (10, "SC")),
    },
    ("NL", "nl"): {
        "templates": ((7, "{trade} {surname}"), (3, "{surname} {sector}")),
        "trade": ("Bakkerij", "Installatiebedrijf", "Bouwbedrijf", "Hoveniersbedrijf", "Transportbedrijf",
                  "Drukkerij", "Kaashandel", "Timmerbedrijf", "Loodgietersbedrijf", "Schildersbedrijf",
                  "Autobedrijf", "Groothandel", "Rijwielhandel", "Dakdekkersbedrijf", "Café", "Zeilmakerij"),
        "sector": ("Techniek", "Bouw", "Logistiek", "Interieurbouw", "Metaal", "Vastgoed", "Advies"),
        "surname": NL_SURNAMES,
        "form": ((70, "B.V."), (15, "VOF"), (10, "V.O.F."), (5, "")),
    },
    ("DE", "de"): {
        "templates": ((5, "{surname} {trade}"), (4, "{trade} {surname}"), (1, "{surname} & {surname2}")),
        "trade": ("Maschinenbau", "Elektrotechnik", "Holztechnik", "Logistik", "Metallbau", "Gartenbau",
                  "Fahrzeugtechnik", "Kältetechnik", "Bäckerei", "Brauerei", "Zimmerei", "Druckerei",
                  "Dachdeckerei", "Küchenbau", "Gerüstbau", "Mühlenbau"),
        "surname": DE_SURNAMES,
        "form": ((80, "GmbH"), (15, "GmbH & Co. KG"), (5, "KG")),
    },
    ("AT", "de"): {
        "templates": ((5, "{surname} {trade}"), (5, "{trade} {surname}")),
        "trade": ("Tischlerei", "Metallbau", "Holzbau", "Installationen", "Spedition", "Konditorei"),
        "surname": AT_SURNAMES,
        "form": ((80, "GmbH"), (10, "KG"), (10, "OG")),
    },
    ("FR", "fr"): {
        "templates": ((7, "{trade} {surname}"), (3, "{surname} {sector}")),
        "trade": ("Boulangerie", "Transports", "Menuiserie", "Maçonnerie", "Atelier", "Imprimerie",
                  "Charcuterie", "Fromagerie", "Plâtrerie", "Chaudronnerie", "Pépinières", "Quincaillerie"),
        "sector": ("Industrie", "Distribution", "Bâtiment", "Services", "et Fils"),
        "surname": FR_SURNAMES,
        "form": ((50, "SAS"), (40, "SARL"), (10, "SA")),
    },
    ("LU", "fr"): {
        "templates": ((7, "{trade} {surname}"), (3, "{surname} {sector}")),
        "trade": ("Boulangerie", "Menuiserie", "Bâtiments", "Transports", "Électricité", "Toitures"),
        "sector": ("Logistique", "Construction", "Services"),
        "surname": LU_SURNAMES,
        "form": ((60, "S.à r.l."), (25, "SARL"), (15, "S.A.")),
    },
    ("LU", "de"): {
        "templates": ((6, "{trade} {surname}"), (4, "{surname} {trade}")),
        "trade": ("Bäckerei", "Schreinerei", "Bau", "Elektro", "Dachdecker", "Küchenstudio"),
        "surname": LU_SURNAMES,
        "form": ((70, "S.à r.l."), (30, "S.A.")),
    },
    ("GB", "en"): {
        "templates": ((7, "{place} {trade}"), (3, "{surname} & {surname2}")),
        "place": GB_PLACES, "trade": EN_TRADES, "surname": GB_SURNAMES,
        "form": ((85, "Ltd"), (15, "Limited")),
    },
    ("IE", "en"): {
        "templates": ((1, "{place} {trade}"),),
        "place": IE_PLACES, "trade": EN_TRADES,
        "form": ((90, "Ltd"), (10, "DAC")),
    },
    ("US", "en"): {
        "templates": ((1, "{place} {trade}"),),
        "place": US_PLACES, "trade": US_TRADES,
        "form": ((45, "Inc."), (15, ", Inc."), (30, "LLC"), (10, "Corp.")),
    },
}

FIRST_NAMES = {
    ("BE", "nl"): ("Jan", "Sofie", "Pieter", "An", "Koen", "Els", "Bart", "Lien", "Wim", "Zoë", "Jens",
                   "Hanne", "Thijs", "Lotte", "Noël"),
    ("BE", "fr"): ("Marie", "Luc", "Hélène", "François", "Nathalie", "Jérôme", "Céline", "Benoît",
                   "Anaïs", "Loïc"),
    ("NL", "nl"): ("Sanne", "Daan", "Emma", "Bram", "Femke", "Joris", "Eline", "Sven", "Maaike", "Ruben",
                   "Chloë"),
}
CONSUMER_SURNAMES = {("BE", "nl"): BE_NL_SURNAMES, ("BE", "fr"): BE_FR_SURNAMES, ("NL", "nl"): NL_SURNAMES}

EMAIL_ROLES = {
    "nl": ("facturen", "boekhouding", "info", "administratie", "debiteuren"),
    "fr": ("comptabilite", "factures", "info", "administration"),
    "de": ("buchhaltung", "rechnungen", "info", "verwaltung"),
    "en": ("accounts", "ap", "invoices", "billing", "finance"),
}
EMAIL_TLD = {"BE": "be", "NL": "nl", "DE": "de", "AT": "at", "FR": "fr", "LU": "lu", "GB": "co.uk",
             "US": "com", "IE": "ie"}

BE_BANKS = ("001", "063", "068", "096", "103", "143", "310", "320", "340", "363", "390", "523", "630",
            "652", "731", "734", "735", "736", "738", "739", "751", "850", "860", "891", "979")
NL_BANKS = ("ABNA", "INGB", "RABO", "TRIO")
DE_BANKS = ("37040044", "37050198", "30050000", "50010517", "10070000", "20050550", "70020270")
AT_BANKS = ("12000", "20111", "32000", "14000", "60000")
FR_BANKS = ("30004", "30003", "20041", "10278", "11306", "30002")
LU_BANKS = ("001", "002", "003", "019", "030", "141")
GB_BANKS = (("NWBK", "60"), ("BARC", "20"), ("LOYD", "30"), ("HBUK", "40"))
IE_BANKS = (("AIBK", "93"), ("BOFI", "90"))

# Amount bands in cents: (weight, low, high), drawn uniformly within the band.
B2B_BANDS = ((4, 1_000, 4_999), (5, 5_000, 9_999), (30, 10_000, 49_999), (25, 50_000, 149_999),
             (16, 150_000, 299_999), (8, 300_000, 500_000), (9, 500_001, 1_500_000),
             (3, 1_500_001, 3_300_000))
CONSUMER_BANDS = ((8, 1_500, 4_999), (12, 5_000, 9_999), (45, 10_000, 49_999), (28, 50_000, 149_999),
                  (7, 150_000, 500_000))
EXPORT_BANDS = ((2, 2_000, 4_999), (3, 5_000, 9_999), (20, 10_000, 49_999), (27, 50_000, 149_999),
                (18, 150_000, 299_999), (12, 300_000, 500_000), (14, 500_001, 1_500_000),
                (4, 1_500_001, 4_000_000))
CREDIT_BANDS = ((15, 1_000, 4_999), (35, 5_000, 49_999), (35, 50_000, 149_999), (15, 150_000, 500_000))

# Aging buckets (days overdue on the as-of date) and payment behaviour profiles.
BUCKETS = (("current", None, 0), ("1-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None))
PROFILES = {  # bucket weights: current, 1-30, 31-60, 61-90, 90+
    "prompt": (70, 22, 5, 2, 1),
    "average": (50, 28, 11, 6, 5),
    "slow": (30, 27, 18, 12, 13),
    "bad": (15, 15, 15, 15, 40),
}
PROFILE_WEIGHTS = (("prompt", 35), ("average", 40), ("slow", 17), ("bad", 8))


# ---------------------------------------------------------------------------------------------
# Data model
# ---------------------------------------------------------------------------------------------

@dataclass
class Customer:
    cid: str
    entity: str  # "K" (Belgian entity, CSV) or "X" (export entity, XLSX)
    name: str
    language: str
    country: str
    street: str
    postal_code: str
    city: str
    phone: str
    email: str = ""
    vat: str = ""
    segment: str = ""
    consumer: bool = False
    ibans: list[str] = field(default_factory=list)
    currency: str = "EUR"
    term: int = 30
    profile: str = "average"
    heavy: bool = False
    n_docs: int = 0


@dataclass
class Document:
    cid: str
    kind: str
    status: str
    issue: date
    due: date
    currency: str
    amount: int  # cents, incl. VAT; negative for credit notes
    open: int  # cents still due
    net: int = 0  # cents excl. VAT
    number: str = ""
    seq: int = 0
    reference: str = ""
    dunning_level: str = ""  # reminders sent before arctl took over (see add_reminder_history)
    last_reminder: date | None = None


@dataclass
class Workspace:
    as_of: date
    export_date: date
    domestic: list[Customer]
    export: list[Customer]
    csv_docs: list[Document]
    xlsx_docs: list[Document]


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

def weighted(rng: random.Random, pairs):
    """Pick from ((weight, value), ...) with integer weights."""
    total = sum(weight for weight, _ in pairs)
    pick = rng.randrange(total)
    for weight, value in pairs:
        if pick < weight:
            return value
        pick -= weight
    raise AssertionError("unreachable")


def apportion(total: int, pairs) -> list[tuple[str, int]]:
    """Split total over ((weight, key), ...) by largest remainder; ties go to the earlier key."""
    weight_sum = sum(weight for weight, _ in pairs)
    exact = [(total * weight, key) for weight, key in pairs]
    counts = [[key, share // weight_sum] for share, key in exact]
    rest = total - sum(count for _, count in counts)
    order = sorted(range(len(pairs)), key=lambda i: (-(exact[i][0] % weight_sum), i))
    for i in order[:rest]:
        counts[i][1] += 1
    return [(key, count) for key, count in counts]


def digits(rng: random.Random, n: int, first_nonzero: bool = False) -> str:
    text = "".join(str(rng.randrange(10)) for _ in range(n))
    if first_nonzero and text[0] == "0":
        text = str(rng.randint(1, 9)) + text[1:]
    return text


def ascii_slug(text: str, sep: str = "-") -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = "".join(ch if ch.isalnum() else " " for ch in folded).split()
    return sep.join(words)


def nl_amount(cents: int) -> str:
    """Dutch notation: 1.234,56 and -150,00."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units:,}".replace(",", ".") + f",{rest:02d}"


def en_amount(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units:,}.{rest:02d}"


def decimal_amount(cents: int) -> Decimal:
    """Exact decimal for a spreadsheet cell (openpyxl writes str(Decimal), so no float rounding)."""
    return Decimal(cents).scaleb(-2)


def nl_date(day: date) -> str:
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


# ---------------------------------------------------------------------------------------------
# Check digits: VAT numbers, IBANs, structured communications
# ---------------------------------------------------------------------------------------------

def mod97_check(base: int) -> int:
    """Belgian style mod-97 check: the remainder, 97 when it is 0."""
    return base % 97 or 97


def be_vat(rng: random.Random) -> str:
    """BE0 + 7-digit base + 2 check digits = 97 - (base mod 97)."""
    base = rng.randint(4_000_000, 8_999_999)
    return f"BE0{base:07d}{97 - base % 97:02d}"


def nl_vat(rng: random.Random) -> str:
    """NL + 9 digits passing the 11-test (weights 9..2, last digit -1) + B01."""
    while True:
        body = digits(rng, 8, first_nonzero=True)
        last = sum(int(d) * w for d, w in zip(body, range(9, 1, -1))) % 11
        if last < 10:
            return f"NL{body}{last}B01"


def de_vat(rng: random.Random) -> str:
    """DE + 8 digits + ISO 7064 mod 11,10 check digit."""
    body = digits(rng, 8, first_nonzero=True)
    product = 10
    for d in body:
        total = (int(d) + product) % 10 or 10
        product = (2 * total) % 11
    return f"DE{body}{(11 - product) % 10}"


def luhn_sum(number: str) -> int:
    total = 0
    for i, d in enumerate(reversed(number)):
        value = int(d) * (2 if i % 2 else 1)
        total += value // 10 + value % 10
    return total % 10


def fr_vat(rng: random.Random) -> str:
    """FR + 2-digit key + SIREN (9 digits with a Luhn check)."""
    body = digits(rng, 8, first_nonzero=True)
    siren = body + str((10 - luhn_sum(body + "0")) % 10)
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def lu_vat(rng: random.Random) -> str:
    """LU + 6 digits + (those 6 digits mod 89)."""
    body = digits(rng, 6, first_nonzero=True)
    return f"LU{body}{int(body) % 89:02d}"


def at_vat(rng: random.Random) -> str:
    """ATU + 7 digits + check digit (6 - Luhn sum) mod 10."""
    body = digits(rng, 7, first_nonzero=True)
    return f"ATU{body}{(6 - luhn_sum(body)) % 10}"


def ie_vat(rng: random.Random) -> str:
    """IE + 7 digits + check letter (weights 8..2, mod 23)."""
    body = digits(rng, 7, first_nonzero=True)
    total = sum(int(d) * w for d, w in zip(body, range(8, 1, -1)))
    return f"IE{body}{'WABCDEFGHIJKLMNOPQRSTUV'[total % 23]}"


VAT_MAKERS = {"BE": be_vat, "NL": nl_vat, "DE": de_vat, "FR": fr_vat, "LU": lu_vat, "AT": at_vat,
              "IE": ie_vat}


def iban(country: str, bban: str) -> str:
    """Country code + ISO 13616 mod-97 check digits + BBAN."""
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


def be_bban(rng: random.Random) -> str:
    first10 = rng.choice(BE_BANKS) + digits(rng, 7)
    return f"{first10}{mod97_check(int(first10)):02d}"


def nl_bban(rng: random.Random) -> str:
    bank = rng.choice(NL_BANKS)
    if bank == "INGB":  # former Postbank numbers: short, no 11-test
        return bank + "000" + digits(rng, 7, first_nonzero=True)
    while True:  # 9-digit account passing the 11-test, zero padded to 10
        body = "0" + digits(rng, 8, first_nonzero=True)
        last = -sum(int(d) * w for d, w in zip(body, range(10, 1, -1))) % 11
        if last < 10:
            return bank + body + str(last)


def fr_bban(rng: random.Random) -> str:
    bank, branch, account = rng.choice(FR_BANKS), digits(rng, 5), digits(rng, 11)
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    return f"{bank}{branch}{account}{key:02d}"


def bban_for(rng: random.Random, country: str) -> str:
    if country == "BE":
        return be_bban(rng)
    if country == "NL":
        return nl_bban(rng)
    if country == "DE":
        return rng.choice(DE_BANKS) + digits(rng, 10)
    if country == "AT":
        return rng.choice(AT_BANKS) + digits(rng, 11)
    if country == "FR":
        return fr_bban(rng)
    if country == "LU":
        return rng.choice(LU_BANKS) + digits(rng, 13)
    bank, sort_prefix = rng.choice(GB_BANKS if country == "GB" else IE_BANKS)
    return bank + sort_prefix + digits(rng, 4) + digits(rng, 8)


def structured_reference(base10: str) -> str:
    """Belgian structured communication +++ddd/dddd/dddcc+++ (cc = base mod 97, 97 when 0)."""
    text = f"{base10}{mod97_check(int(base10)):02d}"
    return f"+++{text[:3]}/{text[3:7]}/{text[7:]}+++"


# ---------------------------------------------------------------------------------------------
# Customers
# ---------------------------------------------------------------------------------------------

def capitalise(name: str) -> str:
    return name[:1].upper() + name[1:]


def company_name(rng: random.Random, spec: dict, city: str, used: set[str]) -> tuple[str, str]:
    """(full name with legal form, name without it); unique within the workspace."""
    for attempt in range(40):
        template = weighted(rng, spec["templates"])
        values = {key: rng.choice(spec[key]) for key in ("trade", "sector", "place") if key in spec}
        if "surname" in spec:
            values["surname"] = capitalise(rng.choice(spec["surname"]))
            others = [s for s in spec["surname"] if capitalise(s) != values["surname"]]
            values["surname2"] = capitalise(rng.choice(others))
        core = template.format(**values)
        if attempt >= 30:
            core = f"{core} {city.split(',')[0]}"
        form = weighted(rng, spec["form"])
        name = f"{core}{form}" if form.startswith(",") else " ".join(f"{core} {form}".split())
        if name not in used:
            used.add(name)
            return name, core
    core = f"{core} {len(used) + 1}"
    name = f"{core} {form}"
    used.add(name)
    return name, core


def consumer_name(rng: random.Random, key: tuple[str, str], used: set[str]) -> str:
    """A private person's name; unique while the pools allow (namesakes do exist)."""
    for _ in range(20):
        first, last = rng.choice(FIRST_NAMES[key]), rng.choice(CONSUMER_SURNAMES[key])
        name = f"{first} {last}"
        if name not in used and first != last:
            break
    used.add(name)
    return name


def postal_code(rng: random.Random, country: str, spec) -> str:
    if country == "NL":
        letters = "ABCEGHJKLMNPRTVWXZ"
        return f"{rng.randint(*spec)} {rng.choice(letters)}{rng.choice(letters)}"
    if country in ("DE", "US"):
        return f"{rng.randint(*spec):05d}"
    if country == "LU":
        return str(rng.randint(*spec))
    if country == "GB":
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        return f"{spec} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    if country == "IE":
        alphabet = "0123456789ACDEFHKNPRTVWXY"
        return f"{spec} {rng.choice('ACDEFHKNPRTVWXY')}" + "".join(rng.choice(alphabet) for _ in range(3))
    return spec


def street_line(rng: random.Random, country: str, language: str) -> str:
    street = rng.choice(STREETS[(country, "" if country == "LU" else language)])
    number = rng.randint(1, 240)
    if country == "BE":
        box = rng.randrange(10)
        suffix = f" bus {rng.randint(1, 12)}" if language == "nl" else f" bte {rng.randint(1, 12)}"
        return f"{street} {number}{suffix if box == 0 else ''}"
    if country == "NL":
        return f"{street} {number}{rng.choice(('', '', '', 'a', 'b', '-2'))}"
    if country in ("DE", "AT"):
        return f"{street} {number}"
    if country == "FR":
        return f"{number} {street}"
    if country == "LU":
        return f"{number}, {street}"
    if country == "US":
        suite = f", Suite {rng.randint(1, 9)}00" if rng.randrange(3) == 0 else ""
        return f"{rng.randint(10, 4999)} {street}{suite}"
    if "Estate" in street or "Park" in street:
        return f"Unit {rng.randint(1, 30)}, {street}"
    return f"{number} {street}"


def phone_number(rng: random.Random, country: str, area: str, mobile: bool) -> str:
    d = lambda n: digits(rng, n, first_nonzero=True)  # noqa: E731 - tiny local shorthand
    if country == "BE":
        if mobile:
            return f"+32 4{rng.randint(70, 99)} {d(2)} {digits(rng, 2)} {digits(rng, 2)}"
        if len(area) == 1:
            return f"+32 {area} {d(3)} {digits(rng, 2)} {digits(rng, 2)}"
        return f"+32 {area} {d(2)} {digits(rng, 2)} {digits(rng, 2)}"
    if country == "NL":
        if mobile:
            return f"+31 6 {d(4)} {digits(rng, 4)}"
        return f"+31 {area} {d(3)} {digits(rng, 4)}"
    if country == "DE":
        if mobile:
            return f"+49 1{rng.choice(('51', '60', '70', '76'))} {d(8)}"
        return f"+49 {area} {d(9 - len(area))}"
    if country == "AT":
        return f"+43 {area} {d(9 - len(area))}"
    if country == "FR":
        lead = "6" if mobile else area
        return f"+33 {lead} {d(2)} {digits(rng, 2)} {digits(rng, 2)} {digits(rng, 2)}"
    if country == "LU":
        if mobile:
            return f"+352 621 {d(3)} {digits(rng, 3)}"
        return f"+352 2{rng.randint(6, 7)} {d(2)} {digits(rng, 2)} {digits(rng, 2)}"
    if country == "GB":  # Ofcom ranges reserved for drama
        return f"+44 7700 900 {digits(rng, 3)}" if mobile else f"+44 {area} 0{digits(rng, 3)}"
    if country == "US":  # 555-0100..0199 is reserved for fiction
        return f"+1 {area} 555 01{digits(rng, 2)}"
    return f"+353 {'87' if mobile else area} {d(3)} {digits(rng, 4)}"


def unique_email(local: str, domain: str, used: dict[str, int]) -> str:
    address = f"{local}@{domain}"
    used[address] = used.get(address, 0) + 1
    if used[address] == 1:
        return address
    return f"{local}{used[address]}@{domain}"


def customer_ibans(rng: random.Random, country: str, consumer: bool) -> list[str]:
    if country == "US":
        return []
    roll = rng.randrange(100)
    count = 0 if roll < 12 else (2 if roll >= 90 and not consumer else 1)
    return [iban(country, bban_for(rng, country)) for _ in range(count)]


def customer_language(rng: random.Random, country: str, city_lang: str) -> str:
    if country == "LU":
        return rng.choice(("fr", "fr", "de"))
    return city_lang


def make_customer(rng: random.Random, cid: str, entity: str, country: str, consumer: bool,
                  used_names: set[str], used_emails: dict[str, int]) -> Customer:
    postal_spec, city, area, city_lang = rng.choice(CITIES[country])
    language = customer_language(rng, country, city_lang)
    key = (country, language)
    tld = EMAIL_TLD[country]
    if consumer:
        name = consumer_name(rng, key, used_names)
        email = unique_email(ascii_slug(name, "."), f"example.{tld}", used_emails)
    else:
        name, core = company_name(rng, NAME_SPECS[key], city, used_names)
        email = unique_email(rng.choice(EMAIL_ROLES[language]), f"{ascii_slug(core)}.example.{tld}", used_emails)
    customer = Customer(
        cid=cid, entity=entity, name=name, language=language, country=country,
        street=street_line(rng, country, language), postal_code=postal_code(rng, country, postal_spec),
        city=city, phone=phone_number(rng, country, area, consumer or rng.randrange(6) == 0),
        email=email if rng.randrange(100) >= 3 else "", consumer=consumer,
    )
    customer.vat = "" if consumer or country not in VAT_MAKERS else VAT_MAKERS[country](rng)
    customer.ibans = customer_ibans(rng, country, consumer)
    customer.currency = "EUR" if country in EU_COUNTRIES else "USD"
    segments = ((80, ""), (20, "standard")) if consumer else ((8, "key"), (62, "standard"), (30, ""))
    customer.segment = weighted(rng, segments)
    terms = ((12, 14), (72, 30), (16, 60)) if entity == "K" else ((10, 14), (60, 30), (30, 60))
    customer.term = weighted(rng, terms)
    customer.profile = weighted(rng, tuple((w, p) for p, w in PROFILE_WEIGHTS))
    return customer


def country_list(rng: random.Random, n: int, weights) -> list[str]:
    countries = [country for country, count in apportion(n, weights) for _ in range(count)]
    rng.shuffle(countries)
    return countries


def make_customers(rng: random.Random, entity: str, n: int, weights, consumer_share_pct: int,
                   used_names: set[str], used_emails: dict[str, int]) -> list[Customer]:
    countries = country_list(rng, n, weights)
    eligible = [i for i, c in enumerate(countries) if c in ("BE", "NL")]
    n_consumers = min(len(eligible), round(n * consumer_share_pct / 100))
    consumers = set(rng.sample(eligible, n_consumers))
    width = max(4, len(str(n)))
    return [make_customer(rng, f"{entity}{i + 1:0{width}d}", entity, country, i in consumers,
                          used_names, used_emails)
            for i, country in enumerate(countries)]


def mark_heavy(rng: random.Random, customers: list[Customer], percent: int) -> None:
    """A few key accounts with many open items (10-20); they pay on time or a bit late.

    In the export entity they are USD customers, so that EUR stays a small share there."""
    companies = [c for c in customers if not c.consumer and (c.entity == "K" or c.currency == "USD")]
    for customer in rng.sample(companies, max(1, round(len(customers) * percent / 100))):
        customer.heavy, customer.segment = True, "key"
        customer.profile = rng.choice(("prompt", "average", "average", "slow"))


def count_bounds(rng: random.Random, customer: Customer) -> tuple[int, int, int]:
    """(low, high, first draw) of a customer's open items: heavy 10-20, some 7-9, most 2-6."""
    if customer.heavy:
        return 10, 20, rng.randint(10, 20)
    if customer.consumer:
        return 1, 3, rng.randint(1, 3)
    if rng.randrange(100) < 15:
        return 7, 9, rng.randint(7, 9)
    return 2, 6, weighted(rng, ((10, 2), (18, 3), (24, 4), (24, 5), (24, 6)))


def document_counts(rng: random.Random, customers: list[Customer], target: int) -> None:
    """Give each customer its number of documents, adjusted one by one to sum to target."""
    bounds = [count_bounds(rng, c) for c in customers]
    lows, highs, counts = ([b[i] for b in bounds] for i in range(3))
    misses = 0
    while (diff := target - sum(counts)) != 0:
        i = rng.randrange(len(counts))
        step = 1 if diff > 0 else -1
        if (step > 0 and counts[i] < highs[i]) or (step < 0 and counts[i] > lows[i]):
            counts[i] += step
            misses = 0
            continue
        misses += 1
        if misses > 20 * len(counts):  # bounds too tight for this target: widen them
            highs = [h + 1 for h in highs] if step > 0 else highs
            lows = [max(1, lo - 1) for lo in lows] if step < 0 else lows
            misses = 0
    for customer, count in zip(customers, counts):
        customer.n_docs = count


# ---------------------------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------------------------

def to_weekday(day: date, first: date, last: date) -> date:
    """Invoices are issued on working days: move a weekend date to Friday (or Monday)."""
    if day.weekday() < 5:
        return day
    back = day - timedelta(days=day.weekday() - 4)
    forward = day + timedelta(days=7 - day.weekday())
    return back if back >= first else (forward if forward <= last else day)


def overdue_range(bucket: int, term: int, span: int, lag: int) -> tuple[int, int] | None:
    _, low, high = BUCKETS[bucket]
    low = lag - term if low is None else low
    high = span - term if high is None else min(high, span - term)
    return (low, high) if low <= high else None


def invoice_dates(rng: random.Random, customer: Customer, term: int, as_of: date, first: date,
                  last: date) -> tuple[date, date]:
    span, lag = (as_of - first).days, (as_of - last).days
    bucket = weighted(rng, tuple(zip(PROFILES[customer.profile], range(5))))
    while (bounds := overdue_range(bucket, term, span, lag)) is None:
        bucket -= 1  # the period is too short for this bucket: fall back to a younger one
    overdue = rng.randint(*bounds)
    issue = to_weekday(as_of - timedelta(days=overdue + term), first, last)
    return issue, issue + timedelta(days=term)


def credit_note_date(rng: random.Random, as_of: date, first: date, last: date) -> date:
    age = rng.randint((as_of - last).days, rng.randint((as_of - last).days, (as_of - first).days))
    return to_weekday(as_of - timedelta(days=age), first, last)


def vat_rate(rng: random.Random, customer: Customer) -> int:
    if customer.entity == "X":
        return 0  # exports
    if customer.country == "BE":
        return 6 if rng.randrange(10) == 0 else 21
    return 21 if customer.consumer else 0  # intra-EU B2B supplies are reverse charged


def gross_amount(rng: random.Random, bands, rate: int) -> tuple[int, int]:
    """(gross, net) in cents: a net price, often in whole units, plus VAT rounded half up."""
    _, low, high = weighted(rng, tuple((band[0], band) for band in bands))
    target = rng.randint(low, high)
    net = (target * 100 + (100 + rate) // 2) // (100 + rate)
    if rng.randrange(100) < 35:
        net = max(100, (net + 50) // 100 * 100)
    return net + (net * rate + 50) // 100, net


def open_after_partial_payment(rng: random.Random, amount: int, net: int, entity: str) -> int:
    """Open amount of a partly paid invoice: an instalment, half, net only or bank charges."""
    charges_weight = 30 if entity == "X" else 5
    kind = weighted(rng, ((50, "instalment"), (20, "half"), (15, "net_only"), (charges_weight, "charges")))
    if kind == "net_only" and 0 < amount - net < amount:
        return amount - net  # paid without the VAT
    if kind == "charges" and amount >= 20_000:
        return rng.choice((750, 1_000, 1_500, 2_500, 3_500))
    if kind == "half":
        return amount - amount // 2
    paid = amount * rng.randint(10, 90) // 100 // 1_000 * 1_000  # whole tens
    return amount - paid if 0 < paid < amount else amount - amount // 2


def make_invoice(rng: random.Random, customer: Customer, as_of: date, first: date, last: date) -> Document:
    term = customer.term if rng.randrange(10) else rng.choice((14, 30, 60))
    issue, due = invoice_dates(rng, customer, term, as_of, first, last)
    bands = EXPORT_BANDS if customer.entity == "X" else (CONSUMER_BANDS if customer.consumer else B2B_BANDS)
    amount, net = gross_amount(rng, bands, vat_rate(rng, customer))
    return Document(customer.cid, INVOICE, OPEN, issue, due, customer.currency, amount, amount, net)


def make_credit_note(rng: random.Random, customer: Customer, as_of: date, first: date, last: date) -> Document:
    issue = credit_note_date(rng, as_of, first, last)
    amount, _ = gross_amount(rng, CREDIT_BANDS, vat_rate(rng, customer))
    return Document(customer.cid, CREDIT_NOTE, OPEN, issue, issue, customer.currency, -amount, -amount)


def make_draft(rng: random.Random, customer: Customer, last: date) -> Document:
    bands = CONSUMER_BANDS if customer.consumer else B2B_BANDS
    amount, _ = gross_amount(rng, bands, vat_rate(rng, customer))
    due = last + timedelta(days=customer.term)
    return Document(customer.cid, INVOICE, DRAFT, last, due, customer.currency, amount, amount)


def pick_special(rng: random.Random, customers: list[Customer], n_credit: int, n_draft: int):
    """Customers that get one credit note / one draft each; all keep at least one invoice."""
    candidates = [c.cid for c in customers if c.n_docs >= 2]
    credit = rng.sample(candidates, min(n_credit, len(candidates)))
    credit_set = set(credit)
    free = [cid for cid in candidates if cid not in credit_set] or [c.cid for c in customers if c.n_docs >= 3]
    draft = rng.sample(free, min(n_draft, len(free)))
    return credit_set, set(draft)


def make_documents(rng: random.Random, customers: list[Customer], n_credit: int, n_draft: int,
                   as_of: date, first: date, last: date) -> list[Document]:
    credit, draft = pick_special(rng, customers, n_credit, n_draft)
    documents = []
    for customer in customers:
        n_invoices = customer.n_docs - (customer.cid in credit) - (customer.cid in draft)
        documents += [make_invoice(rng, customer, as_of, first, last) for _ in range(n_invoices)]
        if customer.cid in credit:
            documents.append(make_credit_note(rng, customer, as_of, first, last))
        if customer.cid in draft:
            documents.append(make_draft(rng, customer, last))
    add_partial_payments(rng, documents, customers[0].entity)
    return documents


def add_partial_payments(rng: random.Random, documents: list[Document], entity: str) -> None:
    """15% of the final invoices (of at least 20.00) are partly paid."""
    invoices = [d for d in documents if d.kind == INVOICE and d.status == OPEN]
    eligible = [d for d in invoices if d.amount >= 2_000]
    for doc in rng.sample(eligible, min(len(eligible), round(len(invoices) * 15 / 100))):
        doc.open, doc.status = open_after_partial_payment(rng, doc.amount, doc.net, entity), PART_PAID


def number_gap(rng: random.Random, age_days: int) -> int:
    """Numbers skipped before an open item: the paid invoices in between, more of them when older."""
    if age_days < 30:
        return weighted(rng, ((70, 0), (25, 1), (5, 2)))
    if age_days <= 90:
        return weighted(rng, ((35, 0), (35, 1), (20, 2), (10, 3)))
    return rng.randint(0, 8)


def assign_numbers(rng: random.Random, documents: list[Document], as_of: date, first: date, fmt) -> None:
    """Number sequentially by issue date, per year, with gaps for the invoices already paid."""
    order = sorted(range(len(documents)), key=lambda i: (documents[i].issue, documents[i].status == DRAFT, i))
    yearly_volume = max(24, len(documents) * 3 // 2)
    counters: dict[int, int] = {}
    for i in order:
        doc = documents[i]
        year = doc.issue.year
        if year not in counters:
            days_before = (first - date(year, 1, 1)).days if year == first.year else 0
            counters[year] = 1 + days_before * yearly_volume // 365
        if doc.status != DRAFT:
            counters[year] += number_gap(rng, (as_of - doc.issue).days)
        doc.seq, doc.number = counters[year], fmt(year, counters[year])
        counters[year] += 1


def add_references(rng: random.Random, documents: list[Document]) -> None:
    """~75% of final invoices carry a structured communication derived from number and customer."""
    for doc in documents:
        if doc.kind == INVOICE and doc.status != DRAFT and rng.randrange(100) < 75:
            base = f"{doc.issue.year % 100:02d}{doc.seq % 1_000_000:06d}{int(doc.cid[1:]) % 100:02d}"
            doc.reference = structured_reference(base)


# ---------------------------------------------------------------------------------------------
# Building the workspace
# ---------------------------------------------------------------------------------------------

def period_start(as_of: date) -> date:
    if (as_of - PERIOD_START).days >= MIN_PERIOD_DAYS:
        return PERIOD_START
    return as_of - timedelta(days=360)


def sizes(scale: float) -> dict[str, int]:
    documents = max(40, round(BASE_DOCUMENTS * scale))
    csv_docs = documents * CSV_SHARE_PERCENT // 100
    return {
        "domestic": max(6, round(BASE_DOMESTIC_CUSTOMERS * scale)),
        "export": max(2, round(BASE_EXPORT_CUSTOMERS * scale)),
        "csv_docs": csv_docs,
        "xlsx_docs": documents - csv_docs,
        "credit": max(1, round(documents * CREDIT_NOTE_PERCENT / 100)),
        "draft": max(BASE_DRAFTS, round(BASE_DRAFTS * scale)),
    }


def build_workspace(seed: int, scale: float, as_of: date) -> Workspace:
    rng = random.Random(seed)
    first, export_date = period_start(as_of), as_of - timedelta(days=1)
    size = sizes(scale)
    used_names: set[str] = set()
    used_emails: dict[str, int] = {}
    domestic = make_customers(rng, "K", size["domestic"], DOMESTIC_COUNTRIES, 8, used_names, used_emails)
    export = make_customers(rng, "X", size["export"], EXPORT_COUNTRIES, 0, used_names, used_emails)
    for customers, target, heavy_pct in ((domestic, size["csv_docs"], 10), (export, size["xlsx_docs"], 6)):
        mark_heavy(rng, customers, heavy_pct)
        document_counts(rng, customers, target)
    csv_docs = make_documents(rng, domestic, size["credit"], size["draft"], as_of, first, as_of)
    xlsx_docs = make_documents(rng, export, 0, 0, as_of, first, export_date)
    assign_numbers(rng, csv_docs, as_of, first, lambda year, n: f"{year}-{n:05d}")
    assign_numbers(rng, xlsx_docs, as_of, first, lambda year, n: f"EX-{year}-{n:04d}")
    add_references(rng, csv_docs)
    return Workspace(as_of, export_date, domestic, export, csv_docs, xlsx_docs)


# ---------------------------------------------------------------------------------------------
# Writing the files
# ---------------------------------------------------------------------------------------------

def write_open_items_csv(path: Path, documents: list[Document], names: dict[str, str]) -> None:
    rows = sorted(documents, key=lambda d: (d.cid, d.issue, d.number))
    with path.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(CSV_HEADER)
        for doc in rows:
            writer.writerow((doc.number, doc.cid, names[doc.cid], nl_date(doc.issue), nl_date(doc.due),
                             doc.currency, nl_amount(doc.amount), nl_amount(doc.open), doc.reference,
                             doc.kind, doc.status, doc.dunning_level,
                             nl_date(doc.last_reminder) if doc.last_reminder else ""))


def write_customers_csv(path: Path, customers: list[Customer]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=",", lineterminator="\n")
        writer.writerow(CUSTOMERS_HEADER)
        for c in customers:
            writer.writerow((c.cid, c.name, c.email, c.phone, c.language, c.country, c.street,
                             c.postal_code, c.city, c.vat, c.segment, "yes" if c.consumer else "no",
                             " ".join(c.ibans)))


def fill_open_items_sheet(ws, documents: list[Document], names: dict[str, str], export_date: date) -> None:
    bold = Font(bold=True)
    ws["A1"] = f"Open items — {EXPORT_ENTITY}"
    ws["A1"].font = bold
    ws["A2"] = f"Exported on {export_date:%d/%m/%Y}"
    for column, title in enumerate(XLSX_HEADER, start=1):
        ws.cell(row=4, column=column, value=title).font = bold
    row = 4
    for row, doc in enumerate(sorted(documents, key=lambda d: d.number), start=5):
        values = (doc.number, doc.cid, names[doc.cid], doc.issue, doc.due, doc.currency,
                  decimal_amount(doc.amount), decimal_amount(doc.open))
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            if column in (4, 5):
                cell.number_format = "dd/mm/yyyy"
            elif column in (7, 8):
                cell.number_format = "#,##0.00"
    total_row = row + 2
    ws.cell(row=total_row, column=1, value="Total").font = bold
    for column, cents in ((7, sum(d.amount for d in documents)), (8, sum(d.open for d in documents))):
        cell = ws.cell(row=total_row, column=column, value=decimal_amount(cents))
        cell.number_format, cell.font = "#,##0.00", bold
    for letter, width in zip("ABCDEFGH", (15, 12, 36, 12, 12, 9, 14, 14)):
        ws.column_dimensions[letter].width = width


def save_workbook_stable(wb: Workbook, path: Path, stamp: datetime) -> None:
    """Save with fixed document properties and fixed zip entry times, so the bytes are stable."""
    wb.properties.creator = wb.properties.lastModifiedBy = EXPORT_ENTITY
    wb.properties.created = wb.properties.modified = stamp
    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook() would overwrite `modified` with the clock.
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(entry, source.read(info.filename))


def write_open_items_xlsx(path: Path, documents: list[Document], names: dict[str, str], export_date: date) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Open items"
    fill_open_items_sheet(ws, documents, names, export_date)
    save_workbook_stable(wb, path, datetime.combine(export_date, time(17, 30)))


def write_workspace(workspace: Workspace, outdir: Path) -> Path:
    exports = outdir / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    customers = workspace.domestic + workspace.export
    names = {c.cid: c.name for c in customers}
    write_open_items_csv(exports / "openstaande_posten.csv", workspace.csv_docs, names)
    write_open_items_xlsx(exports / "open_items_export.xlsx", workspace.xlsx_docs, names, workspace.export_date)
    write_customers_csv(exports / "customers.csv", customers)
    return exports


# ---------------------------------------------------------------------------------------------
# Bank statement (camt.053.001.02)
# ---------------------------------------------------------------------------------------------
#
# The Belgian company's bank account over the 10 days before the as-of date: customer payments of
# open invoices from both exports, and the lines a real statement has besides them. Every choice
# comes from random.Random(seed + 1), so adding the statement changed none of the other files.

COMPANY_NAME = "Voorbeeld BV"
COMPANY_IBAN = "BE05068123456775"
COMPANY_BIC = "GKCCBEBB"
# The company's second account, at another bank: BBAN 737-0123456-xx, check digits 0123456 mod 97 (ISO 13616)
SECOND_BANK_BIC = "KREDBEBB"
STATEMENT_DAYS = 10

# Customer payments per case (see build_statement); at a small --scale a case takes what is left.
PAYMENT_MIX = (("strd", 17), ("ustrd", 8), ("number", 6), ("xlsx_number", 2))

NUMBER_TEXT = {
    "nl": ("Betaling factuur {n}", "Factuur {n}", "factuurnr. {n}"),
    "fr": ("Paiement facture {n}", "Facture n° {n}"),
    "de": ("Rechnung {n}", "Zahlung Rechnung {n}"),
    "en": ("Invoice {n}", "Payment of invoice {n}"),
}
NEUTRAL_TEXT = {
    "nl": ("", "Betaling", "Betaling openstaande factuur"),
    "fr": ("", "Paiement", "Paiement facture"),
    "de": ("", "Zahlung", "Rechnung"),
    "en": ("", "Payment", "Invoice payment"),
}
COMBINED_TEXT = {
    "nl": ("Betaling facturen", "2 facturen"),
    "fr": ("Paiement factures", "2 factures"),
    "de": ("Rechnungen", "Sammelzahlung"),
    "en": ("Invoices", "Payment of 2 invoices"),
}
PARTIAL_TEXT = {
    "nl": ("Eerste schijf", "Voorschot", "Deelbetaling"),
    "fr": ("Acompte", "Premier versement"),
    "de": ("Anzahlung", "Teilzahlung"),
    "en": ("Part payment",),
}
COLLECTION_TEXT = {
    "nl": "Europese domiciliëring factuur {n} mandaat {m}",
    "fr": "Domiciliation européenne facture {n} mandat {m}",
    "de": "SEPA-Lastschrift Rechnung {n} Mandat {m}",
    "en": "SEPA direct debit invoice {n} mandate {m}",
}
RETURN_REASONS = (("AM04", "Insufficient funds"), ("MD06", "Refund request by end customer"),
                  ("MS02", "Refusal by debtor"))
SUPPLIERS = (("Proximus NV", "Factuur {d} klantnummer {k}"), ("Lyreco Benelux NV", "Facture {d}"),
             ("Fluvius System Operator CV", "Afrekening {d}"), ("Van Marcke NV", "Factuur {d}"))
UNKNOWN_PAYERS = (("VZW Jeugdhuis De Spiegel", "Huur zaal 14 november"),
                  ("Annick Verhelst", "Voorschot bestelling"),
                  ("Stichting Buurtwerk Oost", "Bijdrage project"))

# The kinds of line, in the order the summary lists them.
STATEMENT_CASES = ("strd", "ustrd", "number", "xlsx_number", "payer_exact", "payer_combined", "partial", "short",
                   "overpaid", "collection", "returned", "supplier", "fee", "tax_refund", "unknown", "number_conflict")

# camt bank transaction codes (domain, family, sub-family)
RECEIVED_TRANSFER = ("PMNT", "RCDT", "ESCT")
ISSUED_TRANSFER = ("PMNT", "ICDT", "ESCT")
COLLECTION = ("PMNT", "IDDT", "ESDD")
COLLECTION_RETURN = ("PMNT", "IDDT", "UPDD")
FEES = ("ACMT", "MDOP", "CHRG")


@dataclass
class BankLine:
    day: date
    amount: int  # cents, signed: a credit is positive
    case: str
    name: str = ""
    iban: str = ""
    strd: str = ""  # the 12 digits of a structured communication (Strd/CdtrRefInf/Ref)
    ustrd: str = ""
    e2e: str = "NOTPROVIDED"
    family: tuple[str, str, str] = RECEIVED_TRANSFER
    reversal: bool = False
    return_reason: tuple[str, str] | None = None
    info: str = ""  # AddtlNtryInf, for an entry without transaction details
    ref: str = ""  # the bank's AcctSvcrRef, given once the lines are in booking order


@dataclass
class Statement:
    file_name: str
    number: int
    first: date
    last: date
    created: str
    opening: int
    lines: list[BankLine]
    paid: frozenset[str] = frozenset()  # invoice numbers a line pays
    payers: frozenset[str] = frozenset()  # customers recognised by IBAN
    account: str = COMPANY_IBAN
    bic: str = COMPANY_BIC

    @property
    def closing(self) -> int:
        return self.opening + sum(line.amount for line in self.lines)


def bank_tolerance(cents: int) -> int:
    """The shortfall a bookkeeper takes for bank charges: 1 % of the amount, at most 5.00."""
    return min(abs(cents) // 100, 500)


def fitting_sets(items: list[Document], amount: int, limit: int = 2) -> list[tuple[str, ...]]:
    """Sets of 1-5 of the items (credit notes included) whose sum a payment of `amount` pays, charges allowed.

    Stops after `limit` sets: a payer case is only made when exactly one set fits."""
    found: list[tuple[str, ...]] = []

    def search(start: int, size: int, chosen: tuple[int, ...], total: int) -> bool:
        if len(chosen) == size:
            if total > 0 and 0 <= total - amount <= bank_tolerance(total):
                found.append(tuple(items[i].number for i in chosen))
            return len(found) >= limit
        return any(search(i + 1, size, (*chosen, i), total + items[i].open) for i in range(start, len(items)))

    for size in range(1, min(5, len(items)) + 1):
        if search(0, size, (), 0):
            break
    return found


def end_to_end_id(rng: random.Random) -> str:
    """An EndToEndId as payers' banks send it: often NOTPROVIDED, else the payer's own id."""
    roll = rng.randrange(10)
    if roll < 5:
        return "NOTPROVIDED"
    if roll < 8:
        return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(rng.randint(10, 16))) + "X"
    return f"E2E-{rng.randint(100000, 999999)}-{rng.choice('ABCDEFGHKMPQRTXZ')}{rng.choice('ABCDEFGHKMPQRTXZ')}"


def bank_name(rng: random.Random, name: str) -> str:
    """The payer's name as the bank passes it on: as written, or in capitals without accents."""
    if rng.randrange(2):
        return name
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").upper()


def ogm_digits(reference: str) -> str:
    return "".join(ch for ch in reference if ch.isdigit())


class StatementBuilder:
    """Chooses the statement's lines from the open items; the workspace itself is left untouched."""

    def __init__(self, workspace: Workspace, seed: int) -> None:
        self.rng = random.Random(seed + 1)
        end = workspace.as_of - timedelta(days=1)
        period = [end - timedelta(days=back) for back in range(STATEMENT_DAYS - 1, -1, -1)]
        self.days = [day for day in period if day.weekday() < 5]
        self.customers = {c.cid: c for c in workspace.domestic + workspace.export}
        receivable = [d for d in workspace.csv_docs + workspace.xlsx_docs
                      if d.status != DRAFT and d.currency == "EUR" and d.open != 0]
        self.items: dict[str, list[Document]] = {}
        for doc in sorted(receivable, key=lambda d: (d.due, d.number)):
            self.items.setdefault(doc.cid, []).append(doc)
        self.receivable = receivable
        self.open_amounts = {d.open for d in receivable}
        self.known_ibans = {i for c in self.customers.values() for i in c.ibans}
        self.used: set[str] = set()  # invoice numbers a line pays
        self.reserved: set[str] = set()  # customers recognised by IBAN: their open items stay as exported

    # choosing

    def pay_day(self, *docs: Document, days: list[date] | None = None) -> date:
        latest_issue = max(d.issue for d in docs)
        return self.rng.choice([day for day in (days or self.days) if day > latest_issue])

    def candidates(self, entity: str, test) -> list[Document]:
        return [d for d in self.receivable
                if d.cid[0] == entity and d.kind == INVOICE and d.open > 0 and d.number not in self.used
                and d.cid not in self.reserved and d.issue < self.days[-1] and test(d)]

    def take(self, entity: str, test=lambda d: True, fallback=None) -> Document | None:
        pool = self.candidates(entity, test) or (self.candidates(entity, fallback) if fallback else [])
        if not pool:
            return None
        doc = self.rng.choice(pool)
        self.used.add(doc.number)
        return doc

    def fresh_iban(self, country: str) -> str:
        while (account := iban(country, bban_for(self.rng, country))) in self.known_ibans:
            pass
        self.known_ibans.add(account)
        return account

    def payer(self, customer: Customer) -> tuple[str, str]:
        """(name, IBAN) a customer pays from: an account in the customer master, or another one."""
        name = bank_name(self.rng, customer.name)
        if customer.ibans and self.rng.randrange(100) < 85:
            return name, self.rng.choice(customer.ibans)
        return name, self.fresh_iban(customer.country if customer.country != "US" else "BE")

    def language(self, customer: Customer) -> str:
        return customer.language if customer.language in NUMBER_TEXT else "en"

    def credit(self, case: str, doc: Document, amount: int, **fields) -> BankLine:
        name, account = self.payer(self.customers[doc.cid])
        return BankLine(self.pay_day(doc), amount, case, name=name, iban=account, e2e=end_to_end_id(self.rng),
                        **fields)

    # customer payments

    def by_reference(self, case: str, doc: Document | None) -> list[BankLine]:
        if doc is None:
            return []
        digits12 = ogm_digits(doc.reference)
        if case == "strd":
            return [self.credit(case, doc, doc.open, strd=digits12)]
        return [self.credit(case, doc, doc.open, ustrd=doc.reference)]

    def by_number(self, case: str, doc: Document | None) -> list[BankLine]:
        if doc is None:
            return []
        customer = self.customers[doc.cid]
        text = self.rng.choice(NUMBER_TEXT[self.language(customer)]).format(n=doc.number)
        return [self.credit(case, doc, doc.open, ustrd=text)]

    def payer_cases(self, entity: str, exact: int, combined: int) -> list[BankLine]:
        """Payments recognised by the payer's IBAN alone: one invoice's exact amount, or two invoices at once.

        Only made when exactly one open item, or one set of open items, fits the amount, and the
        customer gets no other line, so what the matcher sees is what the export says."""
        rng, lines = self.rng, []
        pool = [c for c in self.customers.values() if c.entity == entity and c.ibans and c.currency == "EUR"]
        for customer in rng.sample(pool, len(pool)):
            if exact + combined == 0:
                break
            items = self.items.get(customer.cid, [])
            invoices = [d for d in items[:20] if d.kind == INVOICE and d.open > 0 and d.issue < self.days[-1]]
            language = self.language(customer)
            chosen: list[Document] = []
            if combined and len(invoices) >= 2:
                pairs = [(a, b) for i, a in enumerate(invoices) for b in invoices[i + 1:]]
                for a, b in pairs[:6]:  # the oldest first, as customers pay
                    if fitting_sets(items, a.open + b.open) == [(a.number, b.number)]:
                        chosen, combined = [a, b], combined - 1
                        break
            if not chosen and exact:
                for doc in rng.sample(invoices, len(invoices)):
                    if fitting_sets(items, doc.open) == [(doc.number,)]:
                        chosen, exact = [doc], exact - 1
                        break
            if not chosen:
                continue
            self.reserved.add(customer.cid)
            self.used.update(d.number for d in chosen)
            texts = COMBINED_TEXT if len(chosen) > 1 else NEUTRAL_TEXT
            lines.append(BankLine(self.pay_day(*chosen), sum(d.open for d in chosen),
                                  "payer_combined" if len(chosen) > 1 else "payer_exact",
                                  name=bank_name(rng, customer.name), iban=rng.choice(customer.ibans),
                                  ustrd=rng.choice(texts[language]), e2e=end_to_end_id(rng)))
        return lines

    def partial(self) -> list[BankLine]:
        doc = self.take("K", lambda d: bool(d.reference) and d.open >= 100_000)
        if doc is None:
            return []
        paid = doc.open // 2 // 5_000 * 5_000  # a round sum: about half, in fifties
        text = self.rng.choice(PARTIAL_TEXT[self.language(self.customers[doc.cid])])
        return [self.credit("partial", doc, paid, strd=ogm_digits(doc.reference), ustrd=text)]

    def short(self) -> list[BankLine]:
        """Paid a few euros short: the payer's bank charges came off the amount."""
        doc = self.take("K", lambda d: bool(d.reference) and d.open >= 30_000
                        and self.customers[d.cid].country != "BE", lambda d: bool(d.reference) and d.open >= 30_000)
        if doc is None:
            return []
        charges = self.rng.randint(150, min(495, bank_tolerance(doc.open)))
        return [self.credit("short", doc, doc.open - charges, strd=ogm_digits(doc.reference))]

    def overpaid(self) -> list[BankLine]:
        """The open amount rounded up to the next 50.00 (at least 5.00 more): the excess stays unallocated."""
        doc = self.take("K", lambda d: bool(d.reference) and d.open >= 20_000)
        if doc is None:
            return []
        amount = (doc.open + 500) // 5_000 * 5_000 + 5_000
        return [self.credit("overpaid", doc, amount, ustrd=doc.reference)]

    def returned(self) -> list[BankLine]:
        """A direct debit collected from a customer and returned by the customer's bank a few days later."""
        early = self.days[: max(1, len(self.days) - 3)]
        doc = self.take("K", lambda d: bool(d.reference) and bool(self.customers[d.cid].ibans)
                        and d.issue < early[-1])
        if doc is None:
            return []
        rng, customer = self.rng, self.customers[doc.cid]
        day = self.pay_day(doc, days=early)
        back = rng.choice([d for d in self.days if (d - day).days >= 2][:3])
        name, account = bank_name(rng, customer.name), rng.choice(customer.ibans)
        mandate = f"MNDT{customer.cid}{rng.randint(1, 9):02d}"
        text = COLLECTION_TEXT[self.language(customer)].format(n=doc.number, m=mandate)
        code, why = rng.choice(RETURN_REASONS)
        return [
            BankLine(day, doc.open, "collection", name=name, iban=account, strd=ogm_digits(doc.reference),
                     ustrd=text, e2e=f"{doc.number}-DD", family=COLLECTION),
            BankLine(back, -doc.open, "returned", name=name, iban=account,
                     ustrd=f"TERUGBOEKING EUROPESE DOMICILIERING {code}", e2e=f"{doc.number}-DD",
                     family=COLLECTION_RETURN, reversal=True, return_reason=(code, why)),
        ]

    # the other lines of a statement

    def unrelated_amount(self, low: int, high: int, step: int = 1) -> int:
        while (amount := self.rng.randint(low // step, high // step) * step) in self.open_amounts:
            pass
        return amount

    def unrelated(self) -> list[BankLine]:
        rng, lines = self.rng, []
        for name, text in rng.sample(SUPPLIERS, 2):
            base = digits(rng, 10, first_nonzero=True)
            text = text.format(d=digits(rng, 10, first_nonzero=True), k=digits(rng, 8, first_nonzero=True))
            lines.append(BankLine(rng.choice(self.days), -rng.randint(8_000, 250_000), "supplier",
                                  name=name, iban=self.fresh_iban("BE"), ustrd=text if rng.randrange(2) else "",
                                  strd=f"{base}{mod97_check(int(base)):02d}", e2e=end_to_end_id(rng),
                                  family=ISSUED_TRANSFER))
        month = self.days[-1]
        lines.append(BankLine(self.days[-1], -rng.choice((1_250, 1_815, 2_450)), "fee", family=FEES,
                              info=f"Beheerskosten zichtrekening {month:%m/%Y}"))
        lines.append(BankLine(rng.choice(self.days), self.unrelated_amount(150_000, 900_000), "tax_refund",
                              name="FOD FINANCIEN", iban=self.fresh_iban("BE"),
                              ustrd=rng.choice(("TERUGBETALING BTW-TEGOED", "TERUGBETALING BTW AANGIFTE")),
                              e2e=f"BTW{month:%Y%m}{digits(rng, 6)}X"))
        for name, text in rng.sample(UNKNOWN_PAYERS, 2):
            lines.append(BankLine(rng.choice(self.days), self.unrelated_amount(15_000, 120_000, 500), "unknown",
                                  name=name, iban=self.fresh_iban("BE"), ustrd=text, e2e=end_to_end_id(rng)))
        return lines


def build_statement(workspace: Workspace, seed: int) -> Statement:
    """The statement: about 40 customer payments of the CSV's open items and a few of the workbook's EUR
    items, by structured communication (in Strd or written in the text), invoice number or the payer's
    known IBAN (one invoice, or two at once), a partial payment, one short by bank charges, one
    rounded up (overpaid), a returned direct debit, two supplier payments, the bank's fee, a tax refund and two
    credits nobody can place."""
    builder = StatementBuilder(workspace, seed)
    lines = builder.payer_cases("K", exact=3, combined=2) + builder.payer_cases("X", exact=1, combined=0)
    lines += builder.partial() + builder.short() + builder.overpaid() + builder.returned()
    for case, count in PAYMENT_MIX:
        for _ in range(count):
            if case in ("strd", "ustrd"):
                lines += builder.by_reference(case, builder.take("K", lambda d: bool(d.reference)))
            elif case == "number":
                lines += builder.by_number(case, builder.take("K", lambda d: not d.reference))
            else:
                lines += builder.by_number(case, builder.take("X"))
    lines += builder.unrelated()
    rng = builder.rng
    keyed = sorted(((line.day, rng.random(), line) for line in lines), key=lambda item: item[:2])
    ordered = [line for _, _, line in keyed]
    for index, line in enumerate(ordered, start=1):
        line.ref = f"{line.day:%Y%m%d}{index:05d}"
    first, last = builder.days[0], builder.days[-1]
    return Statement(
        file_name=f"statement-{last:%Y-%m}.xml", number=int(f"{last:%j}"), first=first, last=last,
        created=f"{workspace.as_of.isoformat()}T06:12:00", opening=rng.randint(1_500_000, 6_000_000),
        lines=ordered, paid=frozenset(builder.used), payers=frozenset(builder.reserved),
    )


def second_account() -> str:
    """The company's second account: a Belgian BBAN (bank 737, account 0123456, national check digits the
    first ten digits mod 97) with its ISO 13616 check digits."""
    base = "7370123456"
    check = int(base) % 97 or 97
    return iban("BE", f"{base}{check:02d}")


def build_second_statement(workspace: Workspace, statement: Statement) -> Statement | None:
    """The statement of the company's second account over the same days: one customer payment the matcher can
    only suggest. A business customer known by its IBAN pays exactly the open amount of one of its two open
    invoices, while the text names the other one: what the line names and what the amount picks disagree, so a
    person decides (`arctl todo` lists it with both candidates). Chosen by rule, not drawn, so the other files
    stay as they were: the first customer of the CSV (by id), not a consumer nor a key account, whose open items
    the main statement leaves unpaid are two invoices of different amounts, unpaid, not yet due."""
    customers = {c.cid: c for c in workspace.domestic}
    open_items: dict[str, list[Document]] = {}
    for doc in workspace.csv_docs:
        if doc.status != DRAFT and doc.open != 0 and doc.number not in statement.paid:
            open_items.setdefault(doc.cid, []).append(doc)
    for cid in sorted(open_items):
        customer, docs = customers.get(cid), open_items[cid]
        if customer is None or customer.consumer or customer.segment == "key" or not customer.ibans:
            continue
        if cid in statement.payers or len(docs) != 2 or docs[0].open == docs[1].open:
            continue
        if any(d.kind != INVOICE or d.currency != "EUR" or d.open != d.amount or d.due <= workspace.as_of
               or d.dunning_level for d in docs):
            continue
        paid, named = sorted(docs, key=lambda d: (d.due, d.number))
        language = customer.language if customer.language in NUMBER_TEXT else "en"
        day = statement.last
        line = BankLine(day, paid.open, "number_conflict", name=customer.name.upper(), iban=customer.ibans[0],
                        ustrd=NUMBER_TEXT[language][1].format(n=named.number), ref=f"{day:%Y%m%d}00001")
        return Statement(file_name=f"second-account-{day:%Y-%m}.xml", number=1, first=statement.first,
                         last=day, created=statement.created, opening=1_250_000, lines=[line],
                         account=second_account(), bic=SECOND_BANK_BIC)
    return None


# Reminders sent before arctl took over: the accounting package's export carries each invoice's
# dunning level and the date of its last reminder ("Aanmaningsniveau", "Laatste aanmaning"). The levels
# count the steps of plans/standard.yaml (1 friendly, 2 second, 3 call, 4 demand, 5 agency): level 3 is
# "called", so the registered formal demand (7 days after the call) is due on the as-of date; level 4 is
# "demand sent", so the hand-over to the agency (10 days after the demand) is due. Only Belgian business
# customers outside the key-account segment (their plan orders the steps differently), only an invoice at
# least 60 days overdue (friendly + second + call take at least 7 + 14 + 7 days) and nothing the bank
# statement pays. Chosen by rule, not drawn, so the other files stay as they were.
HISTORY = (("3", 9), ("3", 9), ("4", 17), ("4", 17))  # (level, days before the as-of date)


def add_reminder_history(workspace: Workspace, statement: Statement) -> None:
    overdue_since = workspace.as_of - timedelta(days=60)
    customers = [c for c in workspace.domestic
                 if c.country == "BE" and not c.consumer and c.segment != "key" and c.cid not in statement.payers]
    picked: list[Document] = []
    for customer in sorted(customers, key=lambda c: c.cid):
        invoices = [d for d in workspace.csv_docs
                    if d.cid == customer.cid and d.kind == INVOICE and d.status != DRAFT and d.open > 0
                    and d.due <= overdue_since and d.number not in statement.paid]
        if invoices:
            picked.append(min(invoices, key=lambda d: (d.due, d.number)))
        if len(picked) == len(HISTORY):
            break
    for doc, (level, days) in zip(picked, HISTORY):
        doc.dunning_level = level
        doc.last_reminder = to_weekday(workspace.as_of - timedelta(days=days), doc.due, workspace.as_of)


def camt_amount(cents: int) -> str:
    return f"{abs(cents) // 100}.{abs(cents) % 100:02d}"


def el(tag: str, *content, **attributes):
    """An XML element: text (one string) or child elements (None children are left out)."""
    attrs = "".join(f' {key}="{value}"' for key, value in attributes.items())
    if len(content) == 1 and isinstance(content[0], str):
        return tag, attrs, content[0]
    return tag, attrs, [child for child in content if child is not None]


def render(node, depth: int, out: list[str]) -> None:
    tag, attrs, content = node
    indent = "  " * depth
    if isinstance(content, str):
        out.append(f"{indent}<{tag}{attrs}>{xml_escape(content)}</{tag}>")
        return
    out.append(f"{indent}<{tag}{attrs}>")
    for child in content:
        render(child, depth + 1, out)
    out.append(f"{indent}</{tag}>")


def camt_balance(kind: str, cents: int, day: date):
    return el("Bal", el("Tp", el("CdOrPrtry", el("Cd", kind))), el("Amt", camt_amount(cents), Ccy="EUR"),
              el("CdtDbtInd", "CRDT" if cents >= 0 else "DBIT"), el("Dt", el("Dt", day.isoformat())))


def camt_entry(line: BankLine):
    amount = el("Amt", camt_amount(line.amount), Ccy="EUR")
    domain, family, sub = line.family
    code = el("BkTxCd", el("Domn", el("Cd", domain), el("Fmly", el("Cd", family), el("SubFmlyCd", sub))))
    details = None
    if line.name or line.iban:
        # a credit's counterparty is the debtor; a debit's the creditor, except for a returned collection,
        # where the bank keeps the original debtor
        role = "Dbtr" if line.amount > 0 or line.reversal else "Cdtr"
        parties = el("RltdPties", el(role, el("Nm", line.name)) if line.name else None,
                     el(f"{role}Acct", el("Id", el("IBAN", line.iban))) if line.iban else None)
        remittance = None
        if line.ustrd or line.strd:
            structured = None
            if line.strd:
                structured = el("Strd", el("CdtrRefInf", el("Tp", el("CdOrPrtry", el("Cd", "SCOR")), el("Issr", "BBA")),
                                           el("Ref", line.strd)))
            remittance = el("RmtInf", el("Ustrd", line.ustrd) if line.ustrd else None, structured)
        returned = None
        if line.return_reason:
            returned = el("RtrInf", el("Rsn", el("Cd", line.return_reason[0])), el("AddtlInf", line.return_reason[1]))
        details = el("NtryDtls", el("TxDtls",
                                    el("Refs", el("AcctSvcrRef", line.ref), el("EndToEndId", line.e2e)),
                                    el("AmtDtls", el("TxAmt", amount)), parties, remittance, returned))
    return el("Ntry", amount, el("CdtDbtInd", "CRDT" if line.amount > 0 else "DBIT"),
              el("RvslInd", "true") if line.reversal else None, el("Sts", "BOOK"),
              el("BookgDt", el("Dt", line.day.isoformat())), el("ValDt", el("Dt", line.day.isoformat())),
              el("AcctSvcrRef", line.ref), code, details, el("AddtlNtryInf", line.info) if line.info else None)


def statement_xml(statement: Statement) -> str:
    lines = statement.lines
    credits = [line.amount for line in lines if line.amount > 0]
    debits = [-line.amount for line in lines if line.amount < 0]
    net = sum(credits) - sum(debits)
    stamp = statement.created
    document = el(
        "Document",
        el("BkToCstmrStmt",
           el("GrpHdr", el("MsgId", f"{statement.bic}{statement.last:%Y%m%d}{statement.number:03d}"),
              el("CreDtTm", stamp), el("MsgPgntn", el("PgNb", "1"), el("LastPgInd", "true"))),
           el("Stmt",
              el("Id", f"{statement.last:%Y}-{statement.number:03d}"),
              el("ElctrncSeqNb", str(statement.number)),
              el("CreDtTm", stamp),
              el("FrToDt", el("FrDtTm", f"{statement.first.isoformat()}T00:00:00"),
                 el("ToDtTm", f"{statement.last.isoformat()}T23:59:59")),
              el("Acct", el("Id", el("IBAN", statement.account)), el("Ccy", "EUR"), el("Ownr", el("Nm", COMPANY_NAME)),
                 el("Svcr", el("FinInstnId", el("BIC", statement.bic)))),
              camt_balance("OPBD", statement.opening, statement.first - timedelta(days=1)),
              camt_balance("CLBD", statement.closing, statement.last),
              el("TxsSummry",
                 el("TtlNtries", el("NbOfNtries", str(len(lines))), el("Sum", camt_amount(sum(credits) + sum(debits))),
                    el("TtlNetNtryAmt", camt_amount(net)), el("CdtDbtInd", "CRDT" if net >= 0 else "DBIT")),
                 el("TtlCdtNtries", el("NbOfNtries", str(len(credits))), el("Sum", camt_amount(sum(credits)))),
                 el("TtlDbtNtries", el("NbOfNtries", str(len(debits))), el("Sum", camt_amount(sum(debits))))),
              *(camt_entry(line) for line in lines))),
        xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02",
    )
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    render(document, 0, out)
    return "\n".join(out) + "\n"


def write_statement(path: Path, statement: Statement) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(statement_xml(statement).encode("utf-8"))


def statement_summary(statement: Statement) -> list[str]:
    cases = {case: 0 for case in STATEMENT_CASES}
    for line in statement.lines:
        cases[line.case] += 1
    credits = [line.amount for line in statement.lines if line.amount > 0]
    return [f"bank/{statement.file_name}: {len(statement.lines)} entries {statement.first.isoformat()} .. "
            f"{statement.last.isoformat()}, {len(credits)} credits ({en_amount(sum(credits))}), "
            f"{len(statement.lines) - len(credits)} debits; balance {en_amount(statement.opening)} -> "
            f"{en_amount(statement.closing)}",
            "  " + ", ".join(f"{case} {count}" for case, count in cases.items() if count)]


# ---------------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------------

def aging_bucket(doc: Document, as_of: date) -> str:
    overdue = (as_of - doc.due).days
    for name, low, high in BUCKETS:
        if (low is None or overdue >= low) and (high is None or overdue <= high):
            return name
    return "current"


def document_summary(label: str, documents: list[Document], as_of: date) -> list[str]:
    final = [d for d in documents if d.status != DRAFT]
    invoices = [d for d in final if d.kind == INVOICE]
    lines = [f"{label}: {len(documents)} rows = {len(invoices)} invoices "
             f"({sum(d.status == PART_PAID for d in invoices)} partly paid), "
             f"{sum(d.kind == CREDIT_NOTE for d in final)} credit notes, "
             f"{len(documents) - len(final)} drafts; "
             f"{sum(bool(d.reference) for d in documents)} with a structured communication"]
    for currency in sorted({d.currency for d in documents}):
        rows = [d for d in final if d.currency == currency]
        amount, open_amount = sum(d.amount for d in rows), sum(d.open for d in rows)
        lines.append(f"  {currency} excl. drafts: {len(rows)} rows, amount {en_amount(amount)}, "
                     f"open {en_amount(open_amount)}")
    buckets = {name: 0 for name, _, _ in BUCKETS}
    for doc in final:
        buckets[aging_bucket(doc, as_of)] += 1
    lines.append("  aging (rows): " + ", ".join(f"{name} {count}" for name, count in buckets.items()))
    first, last = min(d.issue for d in documents), max(d.issue for d in documents)
    lines.append(f"  issue dates {first.isoformat()} .. {last.isoformat()}")
    return lines


def summary(workspace: Workspace) -> list[str]:
    customers = workspace.domestic + workspace.export
    countries: dict[str, int] = {}
    for c in customers:
        countries[c.country] = countries.get(c.country, 0) + 1
    lines = [f"customers.csv: {len(customers)} customers ({len(workspace.domestic)} K, {len(workspace.export)} X, "
             f"{sum(c.consumer for c in customers)} consumers); "
             + ", ".join(f"{k} {countries[k]}" for k in sorted(countries))]
    lines += document_summary("openstaande_posten.csv", workspace.csv_docs, workspace.as_of)
    lines += document_summary("open_items_export.xlsx", workspace.xlsx_docs, workspace.as_of)
    return lines


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Write the export files of the arctl demo workspace.")
    parser.add_argument("outdir", type=Path, help="workspace folder; files go to OUTDIR/exports/")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiplies customers and invoices (1.0: 72 customers, 400 documents)")
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF,
                        help=f"reference date, YYYY-MM-DD (default {DEFAULT_AS_OF.isoformat()})")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workspace = build_workspace(args.seed, args.scale, args.as_of)
    statement = build_statement(workspace, args.seed)
    add_reminder_history(workspace, statement)
    second = build_second_statement(workspace, statement)
    exports = write_workspace(workspace, args.outdir)
    write_statement(exports / "bank" / statement.file_name, statement)
    written = [f"bank/{statement.file_name}"]
    if second is not None:
        write_statement(exports / "bank" / second.file_name, second)
        written.append(f"bank/{second.file_name}")
    print(f"wrote {exports}/openstaande_posten.csv, open_items_export.xlsx, customers.csv, {', '.join(written)}")
    print("\n".join(summary(workspace) + statement_summary(statement)
                    + (statement_summary(second) if second is not None else [])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
