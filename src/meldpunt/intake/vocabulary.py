"""DDAS v0.9 vocabulary (EnumSignaalstatus), exactly as the national model spells it."""

from django.db import models


class SignalStatus(models.TextChoices):
    NOT_YET_PICKED_UP = "Nog niet opgepakt", "Nog niet opgepakt"
    UNJUSTIFIED = "Niet opgepakt: onterecht signaal", "Niet opgepakt: onterecht signaal"
    DECEASED = "Inwoner is overleden", "Inwoner is overleden"
    NOT_A_RESIDENT = (
        "Persoon is geen inwoner (meer) in de gemeente",
        "Persoon is geen inwoner (meer) in de gemeente",
    )
    REPEAT = "Niet opgepakt: herhaalde melding", "Niet opgepakt: herhaalde melding"
    OTHER_REASON = "Niet opgepakt: andere reden", "Niet opgepakt: andere reden"
