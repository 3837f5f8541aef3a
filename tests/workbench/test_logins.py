"""Login lockout by account and address, and a brake per address (issue 18, 9)."""

from django.test import Client

from tests.factories import UserFactory

LOGIN = "/admin/login/"
PASSWORD = "correct horse 2565"


def attempt(client, username, password="wrong"):
    return client.post(LOGIN, {"username": username, "password": password})


def test_failures_from_elsewhere_do_not_lock_the_owner_out(facilitator):
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(6):
        attempt(stranger, "facilitator")
    assert attempt(stranger, "facilitator", PASSWORD).status_code == 429
    at_the_office = Client(REMOTE_ADDR="10.1.1.20")
    response = attempt(at_the_office, "facilitator", PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in at_the_office.session


def test_an_address_spraying_passwords_over_accounts_is_braked(settings, db):
    settings.WORKBENCH_LOGIN_FAILURES_PER_ADDRESS = "6/15m"
    for n in range(6):
        UserFactory(username=f"staff{n}")
    sprayer = Client(REMOTE_ADDR="198.51.100.4")
    # One try per account stays under each account's own lockout.
    codes = [attempt(sprayer, f"staff{n}").status_code for n in range(6)]
    assert codes == [200] * 6
    braked = attempt(sprayer, "staff0", PASSWORD)
    assert braked.status_code == 429
    body = braked.content.decode()
    assert "เครือข่ายนี้" in body  # told it is the network, not their account
    assert "_auth_user_id" not in sprayer.session
    # Another address is not slowed by it.
    assert (
        attempt(Client(REMOTE_ADDR="10.1.1.21"), "staff1", PASSWORD).status_code == 302
    )
