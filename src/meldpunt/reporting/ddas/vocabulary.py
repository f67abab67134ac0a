"""The DDAS v1.2 vocabularies, spelled exactly as the Uitwisselmodel spells them.

Source: ``json_schema_Uitwisselmodel.json`` v1.2 (VNG Realisatie, ddas-vroegsignalering @
6abe3c57), ``$defs``: EnumContactsoort, EnumDagdeel, EnumEindresultaat, EnumSignaalpartner,
EnumSignaalstatus and geslacht. The class names are the schema's ``$defs`` names; member order is
the schema's. ``tests/test_ddas_vocabulary.py`` checks every value against the schema, both ways.
"""

from __future__ import annotations

from enum import StrEnum


class EnumContactsoort(StrEnum):
    """Kind of contact attempt (soort contactpoging)."""

    ADMINISTRATIEF = "Administratief"
    AFSPRAAK_OP_LOCATIE = "Afspraak op locatie"
    BRIEF = "Brief"
    HUISBEZOEK = "Huisbezoek"
    KAARTJE = "Kaartje"
    MAIL = "Mail"
    ONBEKEND = "Onbekend"
    OVERIGE = "Overige"
    SMS_WHATSAPP = "SMS/Whatsapp"
    TELEFOON = "Telefoon"


class EnumDagdeel(StrEnum):
    """Part of day of a contact attempt (dagdeel)."""

    OCHTEND = "Ochtend"
    MIDDAG = "Middag"
    AVOND = "Avond"


class EnumEindresultaat(StrEnum):
    """End result of a case (eindresultaat vroegsignaalzaak): 16 values in v1.2."""

    BUDGETADVIES_QUICK_FIX = "(Budget)advies en/of quick fix"
    DEFINITIEF_GEEN_CONTACT = "Definitief geen contact kunnen krijgen"
    GEEN_REACTIE_NA_EERDER_CONTACT = "Geen reactie na eerder contact"
    AL_BEKEND_BIJ_SCHULDHULPVERLENING = "Inwoner al bekend bij schuldhulpverlening"
    ANDER_LOPEND_TRAJECT = "Inwoner heeft al een ander lopend traject"
    ZELF_BETAALD_OF_REGELING = "Inwoner heeft zelf al betaald/betalingsregeling getroffen"
    OVERLEDEN = "Inwoner is overleden"
    REGELT_HET_ZELF = "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"
    NIET_OPGEPAKT_ANDERE_REDEN = "Niet opgepakt: andere reden"
    NIET_OPGEPAKT_HERHAALDE_MELDING = "Niet opgepakt: herhaalde melding"
    NIET_OPGEPAKT_ONTERECHT_SIGNAAL = "Niet opgepakt: onterecht signaal"
    GEEN_INWONER = "Persoon is geen inwoner (meer) in de gemeente"
    VERVOLGHULP_OF_VERWIJZING = "Vervolghulp en/of verwijzing"
    VERVOLGHULP_FINANCIEEL = "Vervolghulp en/of verwijzing financieel"
    VERVOLGHULP_NIET_FINANCIEEL = "Vervolghulp en/of verwijzing niet financieel"
    VERWIJZING_ZONDER_TUSSENKOMST_INWONER = "Verwijzing zonder tussenkomst inwoner"


class EnumSignaalpartner(StrEnum):
    """Kind of signal partner (soort signaalpartner, Besluit gemeentelijke schuldhulpverlening)."""

    BELASTINGDIENST = "Belastingdienst"
    CAK_EIGEN_BIJDRAGE = "CAK Eigen bijdrage"
    CAK_ZORGVERZEKERINGEN = "CAK Zorgverzekeringen"
    DIENST_TOESLAGEN = "Dienst Toeslagen"
    DUO = "DUO"
    ENERGIE = "Energie"
    HUUR = "Huur"
    HYPOTHEEK = "Hypotheek"
    OVERIGE = "Overige"
    WATER = "Water"
    ZORG = "Zorg"


class EnumSignaalstatus(StrEnum):
    """Status of a signal (status vroegsignaal): 8 values in v1.2."""

    AL_BEKEND_BIJ_SCHULDHULPVERLENING = "Inwoner al bekend bij schuldhulpverlening"
    OVERLEDEN = "Inwoner is overleden"
    NIET_OPGEPAKT_ANDERE_REDEN = "Niet opgepakt: andere reden"
    NIET_OPGEPAKT_HERHAALDE_MELDING = "Niet opgepakt: herhaalde melding"
    NIET_OPGEPAKT_ONTERECHT_SIGNAAL = "Niet opgepakt: onterecht signaal"
    NOG_NIET_OPGEPAKT = "Nog niet opgepakt"
    OPGEPAKT = "Opgepakt"
    GEEN_INWONER = "Persoon is geen inwoner (meer) in de gemeente"


class Geslacht(StrEnum):
    """Sex as the population register records it (geslachtsaanduiding); ``$defs`` ``geslacht``."""

    MAN = "Man"
    VROUW = "Vrouw"
    ONBEKEND = "Onbekend"
    LEEG = "Leeg"


# The schema's $defs name of each vocabulary: what the tests compare against.
SCHEMA_DEFS: dict[str, type[StrEnum]] = {
    "EnumContactsoort": EnumContactsoort,
    "EnumDagdeel": EnumDagdeel,
    "EnumEindresultaat": EnumEindresultaat,
    "EnumSignaalpartner": EnumSignaalpartner,
    "EnumSignaalstatus": EnumSignaalstatus,
    "geslacht": Geslacht,
}
