"""The ``meldpunt`` console command: manage.py under a name operators can remember."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meldpunt.conf.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["meldpunt", *sys.argv[1:]])


if __name__ == "__main__":
    main()
