"""DDAS v1.2 vocabularies used by case work, spelled exactly as the national model spells them.

Source: ../shared/reference/ddas-v1.2/json_schema_Uitwisselmodel.json ($defs EnumContactsoort,
EnumDagdeel, EnumEindresultaat). Values are stored as the DDAS strings themselves.
"""

from django.db import models


class ContactKind(models.TextChoices):
    ADMINISTRATIVE = "Administratief", "Administratief"
    APPOINTMENT = "Afspraak op locatie", "Afspraak op locatie"
    LETTER = "Brief", "Brief"
    HOME_VISIT = "Huisbezoek", "Huisbezoek"
    CARD = "Kaartje", "Kaartje"
    MAIL = "Mail", "Mail"
    UNKNOWN = "Onbekend", "Onbekend"
    OTHER = "Overige", "Overige"
    SMS = "SMS/Whatsapp", "SMS/Whatsapp"
    PHONE = "Telefoon", "Telefoon"


class PartOfDay(models.TextChoices):
    MORNING = "Ochtend", "Ochtend"
    AFTERNOON = "Middag", "Middag"
    EVENING = "Avond", "Avond"


_END_RESULTS = [
    "Niet opgepakt: herhaalde melding",
    "Niet opgepakt: onterecht signaal",
    "Inwoner is overleden",
    "Persoon is geen inwoner (meer) in de gemeente",
    "Niet opgepakt: andere reden",
    "Inwoner al bekend bij schuldhulpverlening",
    "Inwoner heeft al een ander lopend traject",
    "Definitief geen contact kunnen krijgen",
    "Geen reactie na eerder contact",
    "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering",
    "Inwoner heeft zelf al betaald/betalingsregeling getroffen",
    "(Budget)advies en/of quick fix",
    "Vervolghulp en/of verwijzing",
    "Vervolghulp en/of verwijzing financieel",
    "Verwijzing zonder tussenkomst inwoner",
    "Vervolghulp en/of verwijzing niet financieel",
]
END_RESULT_CHOICES = [(v, v) for v in _END_RESULTS]
END_RESULTS = frozenset(_END_RESULTS)

# The reasons for "not taken up" that may be fed back to the landlord (domain.md step 9).
# "Niet opgepakt: andere reden" is NOT among them: the landlord learns only THAT, never why.
REPORTABLE_NOT_TAKEN_UP = frozenset(
    {
        "Niet opgepakt: herhaalde melding",
        "Niet opgepakt: onterecht signaal",
        "Inwoner is overleden",
        "Persoon is geen inwoner (meer) in de gemeente",
    }
)
NOT_TAKEN_UP = REPORTABLE_NOT_TAKEN_UP | {"Niet opgepakt: andere reden"}
NO_CONTACT = "Definitief geen contact kunnen krijgen"


class SignalStatus(models.TextChoices):
    """DDAS EnumSignaalstatus: what became of a signal (fed back to the landlord)."""

    NOT_YET_PICKED_UP = "Nog niet opgepakt", "Nog niet opgepakt"
    UNJUSTIFIED = "Niet opgepakt: onterecht signaal", "Niet opgepakt: onterecht signaal"
    DECEASED = "Inwoner is overleden", "Inwoner is overleden"
    NOT_A_RESIDENT = (
        "Persoon is geen inwoner (meer) in de gemeente",
        "Persoon is geen inwoner (meer) in de gemeente",
    )
    REPEAT = "Niet opgepakt: herhaalde melding", "Niet opgepakt: herhaalde melding"
    OTHER_REASON = "Niet opgepakt: andere reden", "Niet opgepakt: andere reden"
    # v1.2: the signal follows its case — taken up once the case is picked up.
    PICKED_UP = "Opgepakt", "Opgepakt"
    ALREADY_KNOWN = (
        "Inwoner al bekend bij schuldhulpverlening",
        "Inwoner al bekend bij schuldhulpverlening",
    )


# What the intake decided by itself and regie may overturn (review of automatic decisions).
# An objection (bezwaar) is not among them: such a signal may not be received at all, so nothing
# of it is stored (Besluit Wgs art. 2).
AUTOMATIC_NOT_TAKEN_UP = (
    SignalStatus.UNJUSTIFIED,
    SignalStatus.DECEASED,
    SignalStatus.NOT_A_RESIDENT,
    SignalStatus.REPEAT,
)
