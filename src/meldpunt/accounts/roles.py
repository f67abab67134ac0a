"""The covenant's roles and what each may do. Applied to the database by ``roles_ensure``.

Code checks permissions (``user.has_perm``), never role names.
"""

from meldpunt.organisations.models import OrganisationType as T

PERSONAL_DATA = "privacy.view_personal_data"
# The DDAS delivery carries postcode, house number and birth date: whoever downloads it signs in
# with a second factor (User.needs_second_factor), though it shows no personal data on screen.
DDAS_EXPORT = "reporting.export_ddas"

ROLES: dict[str, dict] = {
    "signaleerder": {
        "name": "Signaleerder",
        "type": T.PARTNER,
        "description": "Meldt huurachterstanden van eigen huurders en ziet de terugkoppeling.",
        "permissions": [
            "intake.submit_signal",
            "cases.record_own_instrument",
            "safeguards.ask_check",
            "safeguards.record_outcome",
            PERSONAL_DATA,
        ],
    },
    "regie": {
        "name": "Regie",
        "type": T.MUNICIPALITY,
        "description": "Triage en toewijzing van alle signalen en zaken.",
        "permissions": [
            "intake.triage_signal",
            "cases.view_all_cases",
            "cases.work_case",
            "cases.work_income_track",
            "safeguards.revoke_attestation",
            PERSONAL_DATA,
        ],
    },
    "beleid": {
        "name": "Beleid",
        "type": T.MUNICIPALITY,
        "description": (
            "Ziet geaggregeerde cijfers, nooit persoonsgegevens op het scherm; downloadt de "
            "DDAS-levering aan het CBS (met tweestapsverificatie)."
        ),
        "permissions": ["cases.view_statistics", DDAS_EXPORT],
    },
    "functioneel-beheer": {
        "name": "Functioneel beheer",
        "type": T.MUNICIPALITY,
        "description": "Beheert configuratie: stadsdelen, routering, drempels.",
        "permissions": ["organisations.manage_configuration", "privacy.change_retentionperiod"],
    },
    "privacy-officer": {
        "name": "Privacy officer",
        "type": T.MUNICIPALITY,
        "description": "Doorzoekt het verwerkingslog en behandelt inzageverzoeken.",
        "permissions": [
            "privacy.view_processing_log",
            "privacy.change_processingactivity",
            "privacy.change_retentionperiod",
            "privacy.handle_access_request",
            PERSONAL_DATA,
        ],
    },
    "hulpverlener": {
        "name": "Hulpverlener",
        "type": T.PROVIDER,
        "description": "Werkt de zaken die aan de eigen organisatie zijn toegewezen.",
        "permissions": ["cases.view_assigned_case", "cases.work_case", PERSONAL_DATA],
    },
    "teamleider": {
        "name": "Teamleider",
        "type": T.PROVIDER,
        "description": "Overziet de zaken van de eigen organisatie en verdeelt ze over de "
        "casemanagers.",
        "permissions": [
            "cases.view_assigned_case",
            "cases.work_case",
            "cases.distribute_cases",
            PERSONAL_DATA,
        ],
    },
    # The organisation's own administrator of API clients (beheerder organisatie), one role per
    # kind of organisation: makes and revokes the keys of the organisation's systems.
    **{
        f"beheerder-{kind}": {
            "name": f"Beheerder organisatie ({label})",
            "type": kind,
            "description": "Maakt en trekt de API-koppelingen van de eigen organisatie in.",
            "permissions": ["accounts.manage_api_clients"],
        }
        for kind, label in (
            (T.MUNICIPALITY, "gemeente"),
            (T.PARTNER, "partner"),
            (T.PROVIDER, "uitvoerder"),
        )
    },
    "inkomensconsulent": {
        "name": "Inkomensconsulent",
        "type": T.MUNICIPALITY,
        "description": "Werkt de zaken van de route Geregelde betaling (RVE Inkomen).",
        "permissions": [
            "cases.view_income_cases",
            "cases.work_case",
            "cases.work_income_track",
            PERSONAL_DATA,
        ],
    },
}
