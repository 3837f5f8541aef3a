import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("cache_url", ["", "redis://127.0.0.1:6379/1"])
def test_production_settings_pass_the_deploy_check(cache_url):
    # A one-server office has no Redis: the shared cache is then a table.
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_CACHE_URL=cache_url,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_migrate_creates_the_shared_cache_table():
    # Counts kept per process would let each server process grant its own
    # five login attempts; the table is what every process shares.
    assert caches["default"].__class__.__name__ == "DatabaseCache"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name('workbench_cache')}")
    call_command("migrate", verbosity=0)
    assert "workbench_cache" in connection.introspection.table_names()
    caches["default"].set("counted", 3)
    assert caches["default"].get("counted") == 3


def test_the_default_secret_key_fails_the_deploy_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="",
        DJANGO_CACHE_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_production_redirects_to_https_and_sends_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    secure = client.get("/", secure=True)
    assert "max-age=31536000" in secure["Strict-Transport-Security"]


def test_the_server_refuses_to_start_with_the_default_key_when_debug_is_off():
    # gunicorn and runserver both load the WSGI application.
    def load_wsgi(secret_key):
        return subprocess.run(
            [sys.executable, "-c", "import workbench.wsgi"],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": secret_key,
            },
            capture_output=True,
            text=True,
            timeout=120,
        )

    refused = load_wsgi("")
    assert refused.returncode != 0
    assert "DJANGO_SECRET_KEY" in refused.stderr and "refusing" in refused.stderr
    served = load_wsgi(secrets.token_urlsafe(50))
    assert served.returncode == 0, served.stderr


def test_admin_pages_ask_no_one_for_an_avatar(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "admin", "staff.member@example.go.th", "a-long-password-1"
    )
    client.force_login(user)
    body = client.get("/admin/").content.decode()
    assert "gravatar" not in body.lower()
    # Wagtail's own default picture, from our static files, stands in.
    assert "default-user-avatar" in body
