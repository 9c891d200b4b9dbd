import pytest

from transliteration import dictionary


@pytest.fixture(autouse=True)
def _shipped_dictionary_only():
    """Each test starts and ends with the shipped entries in effect in this process: a test's
    entries are rolled back with its transaction, and the process must not keep them."""
    dictionary.forget()
    yield
    dictionary.forget()
