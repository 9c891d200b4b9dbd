from dashboard.tests.conftest import as_role, client, make_user  # noqa: F401 - fixtures
