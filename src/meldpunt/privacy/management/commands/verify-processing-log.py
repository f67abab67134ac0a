"""``meldpunt verify-processing-log``: check the hash chain of the processing log."""

from django.core.management.base import BaseCommand, CommandError

from meldpunt.privacy import chain


class Command(BaseCommand):
    help = (
        "Controleert de hashketen van het verwerkingslog: meldt elk gewijzigd, verwijderd, "
        "ingevoegd of verwisseld record en eindigt met een foutcode bij manipulatie."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="POSITIE:HASH",
            help="eerder vastgelegde kop (uitvoer van een vorige controle); herhaalbaar",
        )

    def handle(self, *args, **options):
        anchors = {}
        for text in options["anchor"]:
            position, sep, anchor_hash = text.partition(":")
            if not sep or not position.isdigit() or len(anchor_hash) != 64:
                raise CommandError(f"ongeldig anker {text!r}: verwacht POSITIE:HASH")
            anchors[int(position)] = anchor_hash.lower()
        result = chain.verify(batch_size=options["batch_size"], anchors=anchors)
        for finding in result.findings:
            self.stderr.write(str(finding))
        if not result.ok:
            self.stderr.write(
                f"{result.checked} records gecontroleerd; kop van de keten: positie "
                f"{result.head_length}, hash {result.head_hash} (niet als anker gebruiken)"
            )
            raise CommandError(
                f"verwerkingslog gemanipuleerd: {len(result.findings)} bevinding(en)", returncode=2
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Verwerkingslog intact. {result.checked} records gecontroleerd; anker voor een "
                f"volgende controle: --anchor {result.head_length}:{result.head_hash}"
            )
        )
