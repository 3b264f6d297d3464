"""The one translation layer: every text a library user sees comes through `t`.

Dutch is the register's language; English follows where a key has it. It lives
in `events/` so that every floor can reach it: the API and its pages, the
workers' reports, and the figures' own words (estimates) below them.
"""

from __future__ import annotations

DEFAULT = "nl"

MESSAGES: dict[str, dict[str, str]] = {
    "nl": {
        "ido.csv.question_id": "vraag-id",
        "ido.csv.date": "datum",
        "ido.csv.time": "tijd",
        "ido.csv.themes": "thema's",
        "ido.csv.help_kind": "soort hulp",
        "ido.csv.referred_to": "doorverwezen naar",
        "ido.csv.minutes": "minuten",
        "ido.csv.channel": "kanaal",
        "ido.csv.visit_id": "bezoek-id",
        "ido.csv.branch": "vestiging",
        "ido.theme.belastingdienst": "Belastingdienst",
        "ido.theme.digid": "DigiD",
        "ido.theme.toeslagen": "Toeslagen",
        "ido.theme.uwv": "UWV",
        "ido.theme.svb": "SVB",
        "ido.theme.gemeente": "Gemeente",
        "ido.theme.duo": "DUO",
        "ido.theme.zorg": "Zorg(verzekering)",
        "ido.theme.cjib": "CJIB",
        "ido.theme.rdw": "RDW",
        "ido.theme.cak": "CAK",
        "ido.theme.cbr": "CBR",
        "ido.theme.overig": "Overig",
        "ido.help.information": "Informatie",
        "ido.help.hands_on": "Hulp bij uitvoeren",
        "ido.help.referral": "Doorverwijzing",
        "ido.channel.desk": "Balie",
        "ido.channel.phone": "Telefoon",
        "ido.channel.appointment": "Afspraak",
        # -- reports: mail --
        # \u2013 is an en dash, the Dutch separator in a title
        "reports.mail.subject": (
            "Rapportage prestatieafspraken {municipality} \u2013 {period}"
        ),
        "reports.mail.greeting": "Geachte heer/mevrouw,",
        "reports.mail.intro": (
            "Hierbij ontvangt u de rapportage over de prestatieafspraken tussen de "
            "bibliotheek en de gemeente {municipality} over het {period}."
        ),
        "reports.mail.attached": (
            "De volledige rapportage vindt u in de bijlage ({filename})."
        ),
        "reports.mail.closing": "Met vriendelijke groet,",
        "reports.mail.automatic": (
            "Dit bericht is automatisch verstuurd door het prestatieregister "
            "van de bibliotheek."
        ),
        "reports.mail.summary": (
            "De rapportage over het {period} beschrijft {goals} doelen in "
            "{ambitions} ambities; voor {counted} doelen zijn in deze periode "
            "cijfers geregistreerd."
        ),
        "reports.mail.lacking": (
            "Geen gegevens in deze periode voor de doelen {goals}."
        ),
        "reports.mail.replaces": (
            "Deze rapportage vervangt de rapportage over dezelfde periode die u "
            "op {day} ontving: de cijfers zijn sindsdien aangevuld of "
            "gecorrigeerd."
        ),
        "reports.mail.contact": "Vragen over deze rapportage? Neem contact op met "
        "{contact}.",
        "reports.mail.missing": (
            "Op {count} plaatsen meldt de rapportage ontbrekende gegevens."
        ),
        # -- end reports: mail --
        # -- reports: compile --
        "report.missing.month": "Geen {label} voor {month}.",
        "report.missing.samples": "Geen steekproeven voor: {label}.",
        "report.missing.strata": (
            "{label}: {count} van de dagdelen waarop open is hebben minder dan 2 "
            "steekproeven (zie de toelichting bij de schatting)."
        ),
        "report.missing.stock": "Geen telling van {label} aan begin of eind.",
        "month.1": "januari",
        "month.2": "februari",
        "month.3": "maart",
        "month.4": "april",
        "month.5": "mei",
        "month.6": "juni",
        "month.7": "juli",
        "month.8": "augustus",
        "month.9": "september",
        "month.10": "oktober",
        "month.11": "november",
        "month.12": "december",
        "month.short.1": "jan",
        "month.short.2": "feb",
        "month.short.3": "mrt",
        "month.short.4": "apr",
        "month.short.5": "mei",
        "month.short.6": "jun",
        "month.short.7": "jul",
        "month.short.8": "aug",
        "month.short.9": "sep",
        "month.short.10": "okt",
        "month.short.11": "nov",
        "month.short.12": "dec",
        # -- end reports: compile --
        # -- estimates --
        "estimate.weekday.1": "maandag",
        "estimate.weekday.2": "dinsdag",
        "estimate.weekday.3": "woensdag",
        "estimate.weekday.4": "donderdag",
        "estimate.weekday.5": "vrijdag",
        "estimate.weekday.6": "zaterdag",
        "estimate.weekday.7": "zondag",
        "estimate.part.ochtend": "ochtend",
        "estimate.part.middag": "middag",
        "estimate.part.avond": "avond",
        "estimate.all_samples": "alle steekproeven",
        "estimate.pool.part": "{part} op andere weekdagen",
        "estimate.reliable": "Betrouwbare schatting.",
        "estimate.unreliable": "Onbetrouwbare schatting: {reasons}.",
        "estimate.reliability.few_samples": "minder dan {samples} steekproeven",
        "estimate.reliability.mostly_borrowed": (
            "voor meer dan {borrowed}% van de openingstijd is het aantal bezoekers "
            "afgeleid van andere dagdelen"
        ),
        "estimate.reliability.wide_interval": (
            "de onzekerheid (de helft van het 95%-interval) is groter dan {width}% "
            "van de schatting"
        ),
        "estimate.gaps": "Geen steekproeven op: {strata}.",
        "estimate.samples.one": "steekproef",
        "estimate.samples.many": "steekproeven",
        "estimate.method": (
            "Geschat uit {count} {samples}, gestratificeerd naar weekdag en dagdeel; "
            "95%-interval"
        ),
        "estimate.parts.one": "dagdeel",
        "estimate.parts.many": "dagdelen",
        "estimate.method.imputed": (
            "; {count} {parts} zonder steekproeven aangevuld met het gemiddelde "
            "van hetzelfde dagdeel op andere weekdagen"
        ),
        "estimate.method.headcount": (
            "; aanwezigen omgerekend met een verblijfsduur van {stay} minuten"
        ),
        "estimate.display": "ca. {total} (95%-interval: {low} tot {high})",
        "estimate.display.unbounded": "ca. {total} (95%-interval: onbekend)",
        "occupancy.display": (
            "gemiddeld {percent}% van {places} werkplekken bezet "
            "(95%-interval: {interval})"
        ),
        "occupancy.interval": "{low}% tot {high}%",
        "occupancy.unbounded": "onbekend",
        "occupancy.method": (
            "Gemiddelde bezetting uit {count} tellingen van bezette werkplekken "
            "(ratioschatter); 95%-interval"
        ),
        # -- end estimates --
        # -- reports: render --
        "report.kind.half-year": "Halfjaarverslag",
        "report.kind.year": "Jaarverslag",
        "report.period.H1": "eerste halfjaar {year}",
        "report.period.H2": "tweede halfjaar {year}",
        "report.period.year": "jaar {year}",
        "report.about": "Over het {period}",
        "report.explanations": "Toelichting",
        "report.explain.class_size": (
            "{label}: waar de school het aantal leerlingen niet opgaf, is gerekend "
            "met het aantal klassen maal de gemiddelde klasgrootte van {size} "
            "leerlingen (voetnoot 1 van de afspraak)."
        ),
        "report.explain.themes": (
            "Een vraag kan over meer dan één thema gaan; de thema's tellen daarom "
            "samen op tot meer dan het aantal vragen."
        ),
        "report.explain.unknown": (
            "Onbekend: registraties waarbij dit gegeven niet is opgegeven (een wijk "
            "wordt alleen gevraagd, nooit een adres); zo telt de verdeling op tot "
            "het totaal."
        ),
        "report.item.unknown": "onbekend",
        "report.accountability": "Verantwoording",
        "report.accountability.source": (
            "Deze rapportage is op {day} samengesteld uit de registratie van de "
            "bibliotheek: elke activiteit, aanmelding, vraag en telling is daarin "
            "vastgelegd op het moment dat hij plaatsvond en wordt nooit "
            "overschreven; correcties zijn eigen registraties. De cijfers zijn "
            "geteld tot en met registratie {position}."
        ),
        "report.accountability.id": "Rapportnummer",
        "report.accountability.position": "Geteld tot en met registratie",
        "report.accountability.agreement": "Afspraak",
        "report.accountability.version": "versie {version}",
        "report.accountability.reproduce": (
            "Wie de cijfers wil narekenen, laat ze opnieuw berekenen tot en met "
            "dezelfde registratie; dat geeft dezelfde uitkomst. Achter elk cijfer "
            "staan de registraties waaruit het is geteld:"
        ),
        "report.accountability.methods": (
            "Geteld: opgeteld uit de registraties. Geschat: berekend uit "
            "steekproeven, met een 95%-interval (ca.). Ingevoerd: een cijfer uit "
            "de administratie van vóór het register."
        ),
        "report.compiled": "Samengesteld op {date}",
        "report.for_municipality": "Gemeente {name}",
        "report.summary": "Samenvatting",
        "report.summary.text": (
            "Dit verslag beschrijft de voortgang van de prestatieafspraken tussen "
            "{organisation} en de gemeente {municipality} over het {period}. Per "
            "ambitie en doel staan de cijfers van deze periode naast die van de "
            "vorige periode ({previous}) en van dezelfde periode een jaar eerder "
            "({year_earlier}), met de inspanningen van de bibliotheek."
        ),
        "report.summary.counts": (
            "{ambitions} ambities, {goals} doelen, {indicators} indicatoren; "
            "{efforts} notities over inspanningen; {missing} meldingen van "
            "ontbrekende gegevens."
        ),
        "report.summary.key_figures": "Kerncijfers",
        "report.summary.no_data": "Een streepje (—) betekent: geen gegevens.",
        "report.ambition": "Ambitie {number}",
        "report.goal": "Doel {code}",
        "report.goal.target_group": "Doelgroep",
        "report.goal.branch": "Vestiging",
        "report.goal.reach": "Bereik",
        "report.goal.partners": "Partners",
        "report.table.indicator": "Indicator",
        "report.table.value": "Deze periode",
        "report.table.previous": "Vorige periode",
        "report.table.year_earlier": "Jaar eerder",
        "report.table.method": "Hoe verkregen",
        "report.table.goal": "Doel",
        "report.method.counted": "geteld",
        "report.method.estimated": "geschat uit steekproeven",
        "report.method.imported": "overgenomen uit eerdere registratie",
        "report.records": "{count} registraties",
        "report.records.one": "1 registratie",
        "report.samples": "{count} steekproeven",
        "report.samples.one": "1 steekproef",
        "report.estimate.about": "ca.",
        "report.stock.start": "begin",
        "report.stock.end": "eind",
        "report.split": "naar {dimension}",
        "report.dimension.themes": "thema",
        "report.dimension.help_kind": "soort hulp",
        "report.dimension.channel": "kanaal",
        "report.dimension.school_kind": "soort school",
        "report.dimension.organisation_kind": "soort organisatie",
        "report.dimension.new_target_group": "nieuwe doelgroep",
        "report.dimension.district": "wijk",
        "report.dimension.audience": "doelgroep",
        "report.dimension.collection": "collectie",
        "report.dimension.kind": "soort partner",
        "report.item.school_kind.childcare": "Kinderopvang",
        "report.item.school_kind.primary": "Basisonderwijs",
        "report.item.school_kind.secondary": "Voortgezet onderwijs",
        "report.item.school_kind.special": "Speciaal onderwijs",
        "report.item.organisation_kind.school": "School",
        "report.item.organisation_kind.childcare": "Kinderopvang",
        "report.item.channel.website": "Website",
        "report.item.channel.newsletter": "Nieuwsbrief",
        "report.item.channel.social_media": "Social media",
        "report.item.channel.press": "Pers",
        "report.item.channel.print": "Drukwerk",
        "report.item.channel.other": "Overig",
        "report.item.audience.youth": "Jeugd",
        "report.item.audience.adult": "Volwassenen",
        "report.item.collection.fiction": "Fictie",
        "report.item.collection.non_fiction": "Non-fictie",
        "report.item.collection.other": "Overig",
        "report.item.collection.picture_books": "Prentenboeken",
        "report.item.collection.comics": "Strips",
        "report.item.collection.audio_books": "Luisterboeken",
        "report.item.collection.e_books": "E-books",
        "report.item.collection.magazines": "Tijdschriften",
        "report.item.new_target_group.newcomer": "Nieuwkomers",
        "report.item.new_target_group.refugee": "Vluchtelingen",
        "report.dimension.target_group": "doelgroep",
        "report.item.target_group.children": "Kinderen",
        "report.item.target_group.youth": "Jongeren",
        "report.item.target_group.adults": "Volwassenen",
        "report.item.target_group.seniors": "Ouderen",
        "report.item.target_group.families": "Gezinnen",
        "report.item.target_group.newcomers": "Nieuwkomers",
        "report.item.target_group.mixed": "Gemengd",
        # Age bands: whole years, both ends inclusive (docs/API.md, "Age bands").
        "report.dimension.age_band": "leeftijd",
        "report.item.age_band.0-3": "0 t/m 3 jaar",
        "report.item.age_band.4-11": "4 t/m 11 jaar",
        "report.item.age_band.12-17": "12 t/m 17 jaar",
        "report.item.age_band.18-29": "18 t/m 29 jaar",
        "report.item.age_band.30-64": "30 t/m 64 jaar",
        "report.item.age_band.65+": "65 jaar en ouder",
        "report.item.age_band.all": "Alle leeftijden",
        "report.item.kind.childcare": "Kinderopvang",
        "report.item.kind.primary": "Basisonderwijs",
        "report.item.kind.secondary": "Voortgezet onderwijs",
        "report.item.kind.welfare": "Welzijn",
        "report.item.kind.culture": "Cultuur",
        "report.item.kind.plein1": "Organisatie in Plein1",
        "report.item.kind.bookshop": "Boekhandel",
        "report.item.kind.referrer": "Toeleider",
        "report.item.kind.other": "Overig",
        "report.estimates": "Schattingen",
        "report.estimate.method": "Methode",
        "report.estimate.samples": "Steekproeven",
        "report.estimate.missing": "Dagdelen met te weinig steekproeven",
        "report.efforts": "Inspanningen",
        "report.efforts.none": "Geen inspanningen genoteerd voor deze periode.",
        "report.missing": "Ontbrekende gegevens",
        "report.no_indicators": (
            "Voor dit doel worden geen aantallen geteld; de bibliotheek "
            "rapporteert haar inspanningen."
        ),
        "report.hours": "Algemene afspraken: dienstverleningsuren",
        "report.hours.text": (
            "Per week geregistreerde uren, getoetst aan de afspraak. Een week "
            "voldoet als de uren binnen de norm vallen."
        ),
        "report.hours.agreement": "Afspraak",
        "report.hours.norm": "Norm",
        "report.hours.complying": "Weken die voldoen",
        "report.hours.average": "Gemiddeld per week",
        "report.hours.weeks": "{complying} van {recorded} geregistreerde weken",
        "report.hours.unrecorded": "{count} van {weeks} weken niet geregistreerd",
        "report.hours.min": "{min} uur per week",
        "report.hours.range": "{min}\u2013{max} uur per week",
        "report.hours.value": "{hours} uur",
        "report.page": "pagina {page} van {pages}",
        "report.chart.title": "{label} per maand",
        "report.chart.x_label": "Maand",
        "report.chart.y_label": "Aantal",
        # -- status per goal (events/figures/status.py, docs/REPORTS.md) --
        "status.on_track": "op koers",
        "status.attention": "aandacht",
        "status.no_data": "geen gegevens",
        "status.efforts": "inspanningen",
        "status.reason.no_target": "Geen streefwaarde in de afspraak.",
        "status.reason.target_met": "Streefwaarde gehaald: {items}.",
        "status.reason.target_item": "{label} {value} (streefwaarde {target})",
        "status.reason.fine": (
            "Geen daling van meer dan {drop}% en geen ontbrekende gegevens."
        ),
        "status.reason.attention": "Aandacht: {items}.",
        "status.reason.below_target": (
            "{label} {value}, onder de streefwaarde {target}"
        ),
        "status.reason.pro_rata": " (pro rata voor {months} maanden: {target} {per})",
        "status.per.year": "per jaar",
        "status.per.half-year": "per halfjaar",
        "status.reason.fell": "{label} {drops}",
        "status.reason.fell.previous": "{percent}% lager dan de vorige periode",
        "status.reason.fell.year_earlier": "{percent}% lager dan een jaar eerder",
        "status.reason.months": "{label}: geen gegevens voor {months}",
        "status.reason.no_figure": "geen gegevens voor {label}",
        "status.reason.unreliable": "{label}: {text}",
        "status.reason.unreliable.default": "onbetrouwbare schatting",
        "status.reason.no_efforts": (
            "geen inspanningen genoteerd bij deze inspanningsverplichting"
        ),
        "status.reason.nothing": (
            "Geen cijfers en geen inspanningen voor deze periode geregistreerd."
        ),
        "status.reason.efforts": "{count} inspanningen genoteerd: {notes}",
        "status.reason.efforts.one": "1 inspanning genoteerd: {notes}",
        "status.reason.unreliable.why": "onbetrouwbare schatting ({why})",
        "report.status.goal": "Stand",
        "status.and": "en",
        "status.hours.on_track": "Alle {weeks} weken voldeden aan de norm ({norm}).",
        "status.hours.attention": (
            "{complying} van {weeks} weken voldeden aan de norm ({norm}): {items}."
        ),
        "status.hours.not_kept": "{count} weken buiten de norm",
        "status.hours.not_kept.one": "1 week buiten de norm",
        "status.hours.unrecorded": "{count} weken niet geregistreerd",
        "status.hours.unrecorded.one": "1 week niet geregistreerd",
        "status.hours.no_data": "Geen weken geregistreerd ({norm}).",
        "measure.count": "aantal",
        "measure.sum": "som",
        "measure.latest": "gemelde maandcijfers",
        "measure.participants": "deelnemers",
        "measure.active": "actief in de periode",
        "measure.stock": "stand op een dag",
        "measure.estimate": "schatting uit steekproeven",
        "measure.occupancy": "bezetting uit steekproeven",
        "report.status": "Stand per doel",
        "report.status.text": (
            "Per doel de stand volgens één regel, die onder de tabel staat: op "
            "koers, aandacht, geen gegevens, of de inspanningen waar het doel een "
            "inspanningsverplichting is."
        ),
        "report.status.column": "Stand",
        "report.status.reason": "Toelichting",
        "report.status.hours": "Uren",
        "report.status.rule": "Hoe de stand wordt bepaald",
        "report.status.rule.text": (
            "Geen gegevens: geen cijfer en geen inspanning voor de periode. "
            "Inspanningen: een inspanningsverplichting met genoteerde inspanningen, "
            "of een doel met alleen inspanningen. Aandacht: een cijfer onder de "
            "streefwaarde (bij een halfjaar de helft van een jaarstreefwaarde), een "
            "daling van meer dan {drop}% tegenover zowel de vorige periode als een "
            "jaar eerder (voor zover die een cijfer hebben), een maand of indicator "
            "zonder gegevens, of een onbetrouwbare schatting. Anders: op koers. "
            "Noemt de afspraak geen streefwaarde, dan rust de stand op de trend en "
            "de volledigheid."
        ),
        # -- end reports: render --
    },
    "en": {
        "ido.csv.themes": "themes",
        "ido.help.hands_on": "Hands-on help",
        "ido.help.information": "Information",
        "ido.help.referral": "Referral",
    },
}


def t(key: str, lang: str = DEFAULT) -> str:
    """The text for `key`: in the language asked, else Dutch, else the key itself."""
    return MESSAGES.get(lang, {}).get(key) or MESSAGES[DEFAULT].get(key, key)
