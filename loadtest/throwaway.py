"""A throwaway SQLite database under build/ for the scripts of this folder."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(name: str, *, encoder: str, reuse: bool = False, **environ) -> Path:
    """Point Django at ``build/<name>.sqlite3``, set it up and migrate.

    ``reuse`` keeps a database left by an earlier run; ``environ`` sets more
    environment variables before the settings are read. Returns the file.
    """
    db = ROOT / "build" / f"{name}.sqlite3"
    db.parent.mkdir(exist_ok=True)
    if not reuse:
        db.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["ML_ENCODER"] = encoder
    os.environ.update(environ)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
    os.environ.setdefault("DJANGO_SSL_REDIRECT", "false")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return db
