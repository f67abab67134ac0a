"""The default letter, door card and information letter (AVG art. 14), in B1 Dutch and English."""

from django.db import migrations

# Default templates: one page, action first, plain Dutch (B1), and an English version.
DEFAULT_TEMPLATES = [
    {
        "code": "eerste-brief",
        "kind": "brief",
        "name": "Eerste brief: wij willen u helpen",
        "subject_nl": "Wij willen u helpen met uw betalingsachterstand",
        "action_nl": "Bel {casemanager} op {telefoon}. Of mail naar {email}. Het gesprek is gratis.",
        "body_nl": (
            "Beste {naam},\n\n"
            "{schuldeiser} heeft ons laten weten dat u een betalingsachterstand heeft. "
            "Wij zijn {organisatie}. Wij helpen mensen in de {gemeente} die moeite hebben met "
            "betalen. Wij willen graag met u praten, voordat de achterstand groter wordt.\n\n"
            "Wij kijken samen met u naar uw situatie. Wij kunnen bijvoorbeeld helpen met een "
            "betalingsregeling of met geld aanvragen waar u recht op heeft. U hoeft niets voor te "
            "bereiden.\n\n"
            "Hulp is vrijwillig en gratis. Wat u ons vertelt, blijft tussen ons.\n\n"
            "Met vriendelijke groet,\n{casemanager}\n{organisatie}\n\nZaaknummer: {zaak}"
        ),
        "subject_en": "We want to help you with your payment arrears",
        "action_en": "Call {casemanager} on {telefoon}. Or e-mail {email}. The talk is free.",
        "body_en": (
            "Dear {naam},\n\n"
            "{schuldeiser} told us that you are behind with payments. We are {organisatie}. "
            "We help people in the {gemeente} who find it hard to pay. We would like to talk "
            "with you before the arrears grow.\n\n"
            "We look at your situation together with you. For example, we can help with a "
            "payment plan or with applying for money you are entitled to. You do not need to "
            "prepare anything.\n\n"
            "Help is voluntary and free. What you tell us stays between us.\n\n"
            "Kind regards,\n{casemanager}\n{organisatie}\n\nCase number: {zaak}"
        ),
    },
    {
        "code": "kaartje",
        "kind": "kaartje",
        "name": "Kaartje aan de deur",
        "subject_nl": "Wij waren bij u aan de deur",
        "action_nl": "Bel {casemanager} op {telefoon}.",
        "body_nl": (
            "Beste {naam},\n\nVandaag ({datum}) waren wij bij u aan de deur. U was niet thuis. "
            "Wij willen u helpen met uw betalingsachterstand. Gratis en vrijwillig.\n\n"
            "{organisatie}"
        ),
        "subject_en": "We came to your door",
        "action_en": "Call {casemanager} on {telefoon}.",
        "body_en": (
            "Dear {naam},\n\nToday ({datum}) we came to your door. You were not at home. "
            "We want to help you with your payment arrears. Free and voluntary.\n\n"
            "{organisatie}"
        ),
    },
    {
        "code": "informatiebrief",
        "kind": "informatiebrief",
        "name": "Informatiebrief bij ontvangst van een signaal (AVG art. 14)",
        "subject_nl": "Wij hebben een melding over u ontvangen",
        "action_nl": "Vragen over uw gegevens? Bel {telefoon} of mail {email}.",
        "body_nl": (
            "Beste {naam},\n\n"
            "De {gemeente} heeft op {datum} een melding ontvangen van {schuldeiser}. De melding "
            "gaat over een betalingsachterstand. Dit heet vroegsignalering. De gemeente mag dit "
            "doen volgens de Wet gemeentelijke schuldhulpverlening (artikel 3, lid 2 en 3).\n\n"
            "Welke gegevens hebben wij? Uw naam, adres, geboortedatum, telefoonnummer en "
            "e-mailadres, en de hoogte van de achterstand.\n\n"
            "Wat doen wij ermee? Wij bieden u hulp aan. Daarvoor geven wij uw gegevens aan "
            "{organisatie}. Die neemt contact met u op. Hulp is vrijwillig.\n\n"
            "Hoe lang bewaren wij uw gegevens? Niet langer dan nodig. Neemt u geen hulp aan, dan "
            "verwijderen wij uw gegevens na de bewaartermijn.\n\n"
            "Uw rechten: u mag uw gegevens inzien, laten verbeteren of laten verwijderen, en "
            "bezwaar maken. U kunt ook een klacht indienen bij de Autoriteit Persoonsgegevens.\n\n"
            "Met vriendelijke groet,\n{gemeente}\n\nZaaknummer: {zaak}"
        ),
        "subject_en": "We have received a report about you",
        "action_en": "Questions about your data? Call {telefoon} or e-mail {email}.",
        "body_en": (
            "Dear {naam},\n\n"
            "On {datum} the {gemeente} received a report from {schuldeiser}. The report is about "
            "payment arrears. This is called early detection. The municipality may do this under "
            "the Municipal Debt Assistance Act (Wet gemeentelijke schuldhulpverlening, article 3, "
            "paragraphs 2 and 3).\n\n"
            "Which data do we hold? Your name, address, date of birth, phone number and e-mail "
            "address, and the amount of the arrears.\n\n"
            "What do we do with it? We offer you help. For that we pass your data to "
            "{organisatie}, who will contact you. Help is voluntary.\n\n"
            "How long do we keep your data? No longer than needed. If you do not accept help, we "
            "delete your data after the retention period.\n\n"
            "Your rights: you may see your data, have it corrected or deleted, and object. You "
            "can also complain to the Dutch Data Protection Authority (Autoriteit "
            "Persoonsgegevens).\n\n"
            "Kind regards,\n{gemeente}\n\nCase number: {zaak}"
        ),
    },
]


def add_templates(apps, schema_editor):
    LetterTemplate = apps.get_model("cases", "LetterTemplate")
    for values in DEFAULT_TEMPLATES:
        if not LetterTemplate.objects.filter(code=values["code"]).exists():
            LetterTemplate.objects.create(**values)


class Migration(migrations.Migration):
    dependencies = [("cases", "0024_letters")]

    operations = [migrations.RunPython(add_templates, migrations.RunPython.noop)]
