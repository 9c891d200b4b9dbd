import pytest
from django.urls import reverse

from dashboard import login_limit, roles

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-horse-9"


def test_login_page_renders_and_logs_in_to_the_dashboard(client, make_user):
    make_user(roles.SECRETARY, "sec")
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "sec", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_failed_logins_lock_the_username_even_with_the_right_password(client, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user(roles.SECRETARY, "sec")
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "sec", "password": "wrong"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    response = client.post(reverse("login"), {"username": "sec", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors["__all__"][0].startswith("Too many failed attempts")


def test_failures_below_the_limit_are_forgotten_after_a_success(client, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user(roles.SECRETARY, "sec")
    for _ in range(2):
        client.post(reverse("login"), {"username": "sec", "password": "wrong"})
    client.post(reverse("login"), {"username": "sec", "password": PASSWORD})
    assert "_auth_user_id" in client.session
    client.post(reverse("logout"))
    for _ in range(2):
        client.post(reverse("login"), {"username": "sec", "password": "wrong"})
    client.post(reverse("login"), {"username": "sec", "password": PASSWORD})
    assert "_auth_user_id" in client.session


def test_logout_is_a_post_and_ends_the_session(as_role):
    client = as_role(roles.VIEWER)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_password_change(client, make_user):
    user = make_user(roles.VIEWER, "viewer")
    client.force_login(user)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-long-pass-77",
            "new_password2": "Another-long-pass-77",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Another-long-pass-77")


def test_password_change_refuses_a_wrong_old_password(client, make_user):
    user = make_user(roles.VIEWER, "viewer")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "nope",
            "new_password1": "Another-long-pass-77",
            "new_password2": "Another-long-pass-77",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["old_password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_one_address_trying_many_names_is_stopped_too(client, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    make_user(roles.SECRETARY, "sec")
    # Four times the per-name limit, spread over names that each stay under it.
    for n in range(8):
        client.post(reverse("login"), {"username": f"guess{n}", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "sec", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors["__all__"][0].startswith("Too many failed attempts")


def test_login_form_names_the_missing_field(client):
    response = client.post(reverse("login"), {"username": "sec"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["password"]


def test_a_post_without_password_does_not_clear_the_count(client, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    make_user(roles.SECRETARY, "sec")
    client.post(reverse("login"), {"username": "sec", "password": "wrong"})
    client.post(reverse("login"), {"username": "sec"})
    client.post(reverse("login"), {"username": "sec", "password": "wrong"})
    client.post(reverse("login"), {"username": "sec", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def _admin_login(client, username, password):
    return client.post(reverse("admin:login"), {"username": username, "password": password})


def _refusal(response):
    return response.context["form"].errors["__all__"]


def test_admin_login_refuses_after_the_same_number_of_failures(client, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    staff = make_user(roles.ADMINISTRATOR, "boss")
    staff.is_staff = True
    staff.save()
    for _ in range(3):
        response = _admin_login(client, "boss", "wrong")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    response = _admin_login(client, "boss", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert _refusal(response) == ["Too many failed attempts. Try again in 15 minutes."]
    assert "Too many failed attempts. Try again in 15 minutes." in response.content.decode()
    # The dashboard's login gives the same answer to the same name.
    dashboard = client.post(reverse("login"), {"username": "boss", "password": PASSWORD})
    assert _refusal(dashboard) == _refusal(response)


def test_failures_at_the_dashboard_login_count_at_the_admin_login(client, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    staff = make_user(roles.ADMINISTRATOR, "boss")
    staff.is_staff = True
    staff.save()
    for _ in range(2):
        client.post(reverse("login"), {"username": "boss", "password": "wrong"})
    response = _admin_login(client, "boss", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert _refusal(response) == ["Too many failed attempts. Try again in 15 minutes."]


def test_admin_login_success_clears_the_count(client, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    staff = make_user(roles.ADMINISTRATOR, "boss")
    staff.is_staff = True
    staff.save()
    for _ in range(2):
        _admin_login(client, "boss", "wrong")
    response = _admin_login(client, "boss", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    client.post(reverse("admin:logout"))
    for _ in range(2):
        _admin_login(client, "boss", "wrong")
    assert _admin_login(client, "boss", PASSWORD).status_code == 302


def test_admin_login_turns_away_non_staff_without_counting_a_right_password(
    client, make_user, settings
):
    settings.LOGIN_FAILURE_LIMIT = 2
    make_user(roles.SECRETARY, "sec")  # a dashboard user, without staff status
    for _ in range(3):
        response = _admin_login(client, "sec", PASSWORD)
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert _refusal(response)[0].startswith("Please enter the correct username and password")
    # The right password is no guess: the dashboard still lets the secretary in.
    client.post(reverse("login"), {"username": "sec", "password": PASSWORD})
    assert "_auth_user_id" in client.session


def _login(client, username, password, address="127.0.0.1", **headers):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address,
        **headers,
    )  # fmt: skip


def test_fullwidth_and_case_variants_count_as_the_same_name_at_both_logins(
    client, make_user, settings
):
    settings.LOGIN_FAILURE_LIMIT = 3
    staff = make_user(roles.ADMINISTRATOR, "admin")
    staff.is_staff = True
    staff.save()
    _login(client, "admin", "wrong")
    _login(client, "ＡＤＭＩＮ", "wrong")  # fullwidth capitals
    _admin_login(client, " Admin", "wrong")
    for variant in ["ａｄｍｉｎ", "admin"]:
        response = _login(client, variant, PASSWORD)
        assert "_auth_user_id" not in client.session
        assert _refusal(response) == ["Too many failed attempts. Try again in 15 minutes."]
    assert _refusal(_admin_login(client, "ａｄｍｉｎ", PASSWORD)) == [
        "Too many failed attempts. Try again in 15 minutes."
    ]


def test_a_fullwidth_name_logs_in_to_the_same_account_not_another(client, make_user):
    user = make_user(roles.SECRETARY, "sec")
    _login(client, "ｓｅｃ", PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(client, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_BACKOFF_BASE_SECONDS = 0  # the name's backoff has its own test
    user = make_user(roles.SECRETARY, "sec")
    for _ in range(5):
        _login(client, "sec", "wrong", address="203.0.113.66")
    stopped = _login(client, "sec", PASSWORD, address="203.0.113.66")
    assert _refusal(stopped) == ["Too many failed attempts. Try again in 15 minutes."]
    _login(client, "sec", PASSWORD, address="198.51.100.7")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failures_spread_over_addresses_close_the_name_for_a_doubling_capped_wait(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_BACKOFF_BASE_SECONDS = 60
    settings.LOGIN_BACKOFF_MAX_SECONDS = 240
    waits = []
    for n in range(6):
        login_limit.record_failure(username="sec", address=f"203.0.113.{n}")
        waits.append(login_limit.refused_for_seconds(username="SEC", address="198.51.100.7"))
    assert waits == [0, 0, 60, 120, 240, 240]


def test_the_name_s_backoff_refuses_for_minutes_not_the_window(client, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_BACKOFF_BASE_SECONDS = 60
    make_user(roles.SECRETARY, "sec")
    for n in range(3):
        _login(client, "sec", "wrong", address=f"203.0.113.{n}")
    response = _login(client, "sec", PASSWORD, address="198.51.100.7")
    assert "_auth_user_id" not in client.session
    assert _refusal(response) == ["Too many failed attempts. Try again in 1 minutes."]


@pytest.mark.parametrize("trusted", [True, False], ids=["trusted-proxy", "no-proxy-configured"])
def test_behind_a_trusted_proxy_one_client_s_guesses_do_not_lock_everyone(
    client, make_user, settings, trusted
):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = ["127.0.0.1"] if trusted else []
    user = make_user(roles.SECRETARY, "sec")
    # Eight names (four times the limit) guessed by one client, all through the proxy.
    for n in range(8):
        _login(client, f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.66")
    response = _login(client, "sec", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    if trusted:
        assert client.session["_auth_user_id"] == str(user.pk)
    else:
        # Without TRUSTED_PROXIES the header is the client's word: all share the proxy's count.
        assert "_auth_user_id" not in client.session
        assert _refusal(response) == ["Too many failed attempts. Try again in 15 minutes."]


@pytest.mark.parametrize("variant", ["SEC", "Sec", "ＳＥＣ", " sec "])
def test_a_name_in_another_case_logs_in_to_the_same_account(client, make_user, variant):
    user = make_user(roles.SECRETARY, "sec")
    _login(client, variant, PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_name_differing_only_in_case_is_refused_at_creation(client, make_user, admin_client):
    from django.contrib.auth.forms import UserCreationForm
    from django.contrib.auth.models import User
    from django.db import IntegrityError, transaction

    make_user(roles.SECRETARY, "sec")
    form = UserCreationForm({"username": "SEC", "password1": PASSWORD, "password2": PASSWORD})
    assert form.errors["username"] == ["A user with that username already exists."]
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "Sec",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="sEc", password=PASSWORD)
    assert list(User.objects.filter(username__iexact="sec").values_list("username", flat=True)) == [
        "sec"
    ]


def test_a_wrong_password_for_a_case_variant_does_not_log_in(client, make_user):
    make_user(roles.SECRETARY, "sec")
    _login(client, "SEC", "wrong")
    assert "_auth_user_id" not in client.session
