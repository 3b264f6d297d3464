"""The one translation layer: every text a library user sees comes through `t`.

Dutch is the register's language; English follows where a key has it.
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
