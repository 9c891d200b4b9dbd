import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from conferences.models import Conference
from experts.models import Council, CouncilMembership, Expert

pytestmark = pytest.mark.django_db


def test_load_demo_twice_gives_the_same_data_and_a_working_login(capsys):
    call_command("load_demo", "--password", "demo-pass-1")
    first = (Conference.objects.count(), Expert.objects.count(), CouncilMembership.objects.count())
    call_command("load_demo", "--password", "demo-pass-2")
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "Staff login: admin / demo-pass-2"
    assert (
        Conference.objects.count(),
        Expert.objects.count(),
        CouncilMembership.objects.count(),
    ) == first
    assert first[0] == 2
    assert first[2] == 5
    council = Council.objects.get()
    assert council.host_organization.name == "“Эл-юрт умиди” жамғармаси"
    assert council.mission.startswith("мамлакатимиз олий таълим тизимини")
    assert set(Conference.objects.values_list("external_id", "status")) == {
        ("iec-2020-08-28-online-courses", "held"),
        ("iec-2027-02-12-credit-module", "scheduled"),
    }
    admin = get_user_model().objects.get(username="admin")
    assert (admin.is_staff, admin.check_password("demo-pass-2")) == (True, True)
