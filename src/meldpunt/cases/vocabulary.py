"""DDAS v1.2 vocabularies used by case work, spelled exactly as the national model spells them.

Source: ../shared/reference/ddas-v1.2/json_schema_Uitwisselmodel.json ($defs EnumContactsoort,
EnumDagdeel, EnumEindresultaat). Values are stored as the DDAS strings themselves.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class ContactKind(models.TextChoices):
    ADMINISTRATIVE = "Administratief", _("Administratief")
    APPOINTMENT = "Afspraak op locatie", _("Afspraak op locatie")
    LETTER = "Brief", _("Brief")
    HOME_VISIT = "Huisbezoek", _("Huisbezoek")
    CARD = "Kaartje", _("Kaartje")
    MAIL = "Mail", _("Mail")
    UNKNOWN = "Onbekend", _("Onbekend")
    OTHER = "Overige", _("Overige")
    SMS = "SMS/Whatsapp", _("SMS/Whatsapp")
    PHONE = "Telefoon", _("Telefoon")


class PartOfDay(models.TextChoices):
    MORNING = "Ochtend", _("Ochtend")
    AFTERNOON = "Middag", _("Middag")
    EVENING = "Avond", _("Avond")


_END_RESULTS = [
    gettext_noop("Niet opgepakt: herhaalde melding"),
    gettext_noop("Niet opgepakt: onterecht signaal"),
    gettext_noop("Inwoner is overleden"),
    gettext_noop("Persoon is geen inwoner (meer) in de gemeente"),
    gettext_noop("Niet opgepakt: andere reden"),
    gettext_noop("Inwoner al bekend bij schuldhulpverlening"),
    gettext_noop("Inwoner heeft al een ander lopend traject"),
    gettext_noop("Definitief geen contact kunnen krijgen"),
    gettext_noop("Geen reactie na eerder contact"),
    gettext_noop("Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"),
    gettext_noop("Inwoner heeft zelf al betaald/betalingsregeling getroffen"),
    gettext_noop("(Budget)advies en/of quick fix"),
    gettext_noop("Vervolghulp en/of verwijzing"),
    gettext_noop("Vervolghulp en/of verwijzing financieel"),
    gettext_noop("Verwijzing zonder tussenkomst inwoner"),
    gettext_noop("Vervolghulp en/of verwijzing niet financieel"),
]
# Stored as the DDAS string; shown in the user's language.
END_RESULT_CHOICES = [(v, _(v)) for v in _END_RESULTS]
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

    NOT_YET_PICKED_UP = "Nog niet opgepakt", _("Nog niet opgepakt")
    UNJUSTIFIED = "Niet opgepakt: onterecht signaal", _("Niet opgepakt: onterecht signaal")
    DECEASED = "Inwoner is overleden", _("Inwoner is overleden")
    NOT_A_RESIDENT = (
        "Persoon is geen inwoner (meer) in de gemeente",
        "Persoon is geen inwoner (meer) in de gemeente",
    )
    REPEAT = "Niet opgepakt: herhaalde melding", _("Niet opgepakt: herhaalde melding")
    OTHER_REASON = "Niet opgepakt: andere reden", _("Niet opgepakt: andere reden")
    # v1.2: the signal follows its case — taken up once the case is picked up.
    PICKED_UP = "Opgepakt", _("Opgepakt")
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
