"""Print a development .env with fresh random keys: ``python -m meldpunt.conf.genenv > .env``."""

import base64
import secrets


def main() -> None:
    def key() -> str:
        return base64.b64encode(secrets.token_bytes(32)).decode()

    print("# Generated for local development and demo use by `make run`. Never use in production.")
    print("# Off: the product's own error pages, as in production. On: Django's debug pages.")
    print("DJANGO_DEBUG=false")
    print(f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}")
    print("MELDPUNT_DEMO_MODE=true")
    print(f"MELDPUNT_ENCRYPTION_KEYS=k1:{key()}")
    print("MELDPUNT_ENCRYPTION_ACTIVE_KEY=k1")
    print(f"MELDPUNT_BLIND_INDEX_KEY={key()}")


if __name__ == "__main__":
    main()
