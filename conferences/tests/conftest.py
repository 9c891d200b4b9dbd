import pytest

from conferences.models import Conference
from conferences.services import conference_set_status

from .factories import ConferenceFactory
from .smtp import SmtpServer


@pytest.fixture
def scheduled_conference(db):
    conference = ConferenceFactory(join_url="https://zoom.example/j/123")
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    return conference


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free port, and Django's SMTP backend pointed at it."""
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
