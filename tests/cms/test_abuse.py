from django.test import Client

from ideas.models import Idea

IDEA = {
    "title": "ลดสำเนาเอกสาร",
    "problem": "ต้องถ่ายสำเนาบัตรทุกครั้ง",
    "solution": "ใช้ข้อมูลจากระบบกลาง",
    "theme": "not-sure",
}


def submit(client, event, n, **extra):
    if "csrftoken" not in client.cookies:
        client.get(event.url)  # as a browser does: the form page sets the cookie
    return client.post(event.url, {**IDEA, "title": f"ไอเดียที่ {n}", **extra})


def test_sixth_submission_in_a_minute_from_one_session_is_refused(client, event):
    for n in range(5):
        assert submit(client, event, n).status_code == 302
    response = submit(client, event, 5)
    body = response.content.decode()
    assert response.status_code == 429
    assert "รอสักครู่" in body
    assert "ไอเดียที่ 5" in body  # what they typed is kept
    assert Idea.objects.count() == 5


def test_a_browser_that_invents_its_cookies_cannot_pass_the_limit(event):
    # Each request with a fresh made-up cookie, as a script would send: none
    # carries an id the server issued, so none is stored, and each is told to
    # send again with what it typed kept.
    for n in range(7):
        browser = Client(REMOTE_ADDR="10.0.0.9")
        browser.cookies["csrftoken"] = f"invented{n:024d}"
        browser.cookies["workbench_browser"] = f"invented-{n}:forged"
        response = browser.post(event.url, {**IDEA, "title": f"ไอเดียที่ {n}"})
        assert response.status_code == 400
        body = response.content.decode()
        assert "กรุณาส่งไอเดียอีกครั้ง" in body and f"ไอเดียที่ {n}" in body
    assert not Idea.objects.exists()


def test_fetching_a_new_id_for_each_idea_runs_into_the_address_cap(event, settings):
    settings.IDEAS_BROWSER_IDS_RATE_IP = "8/m"
    codes = [
        submit(Client(REMOTE_ADDR="10.0.0.10"), event, n).status_code for n in range(10)
    ]
    assert codes == [302] * 8 + [400] * 2
    assert Idea.objects.count() == 8


def test_form_errors_do_not_use_up_the_session_limit(client, event):
    for _ in range(6):
        assert client.post(event.url, {**IDEA, "title": ""}).status_code == 400
    assert submit(client, event, 1).status_code == 302


def test_fifty_people_behind_one_address_are_all_accepted(event):
    for n in range(50):
        response = submit(Client(REMOTE_ADDR="10.0.0.7"), event, n)
        assert response.status_code == 302, n
    assert Idea.objects.count() == 50


def test_an_address_flooding_the_form_is_refused(event, settings):
    settings.IDEAS_SUBMIT_RATE_IP = "10/m"
    codes = [
        submit(Client(REMOTE_ADDR="10.0.0.8"), event, n).status_code for n in range(11)
    ]
    assert codes[:10] == [302] * 10 and codes[10] == 429


def test_a_filled_honeypot_stores_nothing_and_looks_like_success(client, event):
    response = submit(client, event, 1, website="http://spam.example")
    assert response.status_code == 302
    assert "/track/" in response["Location"]
    assert not Idea.objects.exists()
    assert client.get(response["Location"]).status_code == 404


def test_the_honeypot_is_hidden_from_people(client, event):
    body = client.get(event.url).content.decode()
    assert 'class="hp" aria-hidden="true"' in body
    assert 'name="website"' in body and 'tabindex="-1"' in body


def test_sixth_failed_login_for_one_account_is_refused(client, facilitator):
    codes = [
        client.post("/admin/login/", {"username": "facilitator", "password": "wrong"})
        for _ in range(5)
    ]
    assert codes[0].status_code == 200  # a wrong password, told as such
    refused = client.post(
        "/admin/login/", {"username": "facilitator", "password": "correct horse 2565"}
    )
    assert refused.status_code == 429
    assert "ถูกล็อก" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_logins_of_one_account_do_not_lock_another(
    client, facilitator, policy_writer
):
    for _ in range(6):
        client.post("/admin/login/", {"username": "facilitator", "password": "wrong"})
    response = client.post(
        "/admin/login/", {"username": "writer", "password": "correct horse 2565"}
    )
    assert response.status_code == 302


def test_public_pages_carry_a_content_security_policy(client, event):
    response = client.get(event.url)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    body = response.content.decode()
    assert "<script>" not in body and "style=" not in body  # nothing inline to allow


def test_a_post_without_csrf_token_is_refused_and_stores_nothing(event):
    browser = Client(enforce_csrf_checks=True)
    response = submit(browser, event, 1)
    assert response.status_code == 403
    assert not Idea.objects.exists()


def test_control_characters_and_huge_bodies_are_handled(client, event, settings):
    client.get(event.url)
    response = client.post(event.url, {**IDEA, "title": "ไอเดีย\x07\x1b[31m\u202e"})
    assert response.status_code == 302
    assert Idea.objects.get().title == "ไอเดีย[31m"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    big = client.post(event.url, {**IDEA, "problem": "ก" * 20_000})
    assert big.status_code == 400
    assert not Idea.objects.filter(problem__startswith="กกกก").exists()
