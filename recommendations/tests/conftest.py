# The partner API's fixtures (keys, clients, partners), shared with partners/tests.
from partners.tests.conftest import (  # noqa: F401
    _fresh_throttle_cache,
    make_client,
    other_partner,
    partner,
)
