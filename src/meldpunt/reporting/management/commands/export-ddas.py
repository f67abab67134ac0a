"""``meldpunt export-ddas``: the DDAS v1.2 delivery of a month or period as one JSON file."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meldpunt.organisations.models import Municipality
from meldpunt.reporting.ddas.config import supplier_code
from meldpunt.reporting.delivery import export_document, month_bounds


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} {text!r} is geen datum; schrijf JJJJ-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Schrijft de DDAS-levering (Uitwisselmodel v1.2) uit het zaakbestand naar een bestand: "
        "alle signalen ontvangen in de periode, met hun zaken en contactpogingen."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="de maand, JJJJ-MM (of --start en --end)")
        parser.add_argument("--start", help="eerste dag, JJJJ-MM-DD")
        parser.add_argument("--end", help="laatste dag, JJJJ-MM-DD")
        parser.add_argument(
            "--gemeente",
            action="append",
            default=[],
            help="gemeentecode (herhaalbaar); standaard alle",
        )
        parser.add_argument("--output", required=True, help="het bestand (JSON) dat ontstaat")

    def handle(self, *args, **options):
        if options["month"]:
            if options["start"] or options["end"]:
                raise CommandError("Geef --month, of --start en --end, niet allebei.")
            try:
                start, end = month_bounds(options["month"])
            except ValueError as exc:
                raise CommandError(f"--month: {exc}") from None
        elif options["start"] and options["end"]:
            start, end = _day(options["start"], "--start"), _day(options["end"], "--end")
            if end < start:
                raise CommandError("--end ligt voor --start.")
        else:
            raise CommandError("Geef --month JJJJ-MM, of --start en --end.")
        municipality_ids = None
        if options["gemeente"]:
            found = dict(
                Municipality.objects.filter(code__in=options["gemeente"]).values_list("code", "pk")
            )
            unknown = sorted(set(options["gemeente"]) - set(found))
            if unknown:
                raise CommandError(f"Onbekende gemeentecode: {', '.join(unknown)}.")
            municipality_ids = list(found.values())
        output = Path(options["output"])
        partial = output.with_name(output.name + ".deel")
        try:
            # Written beside the target and renamed at the end: a failed run leaves no half file
            # under the name asked for. Readable by the owner only (postcodes, birth dates).
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                for chunk in export_document(
                    start=start,
                    end=end,
                    supplier_code=supplier_code(),
                    actor=None,
                    municipality_ids=municipality_ids,
                    what="DDAS-levering als bestand (export-ddas)",
                ):
                    out.write(chunk)
            partial.replace(output)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Kan {output} niet schrijven: {exc.strerror}.") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self.stdout.write(
            self.style.SUCCESS(f"DDAS-levering {start} t/m {end} geschreven naar {output}.")
        )
