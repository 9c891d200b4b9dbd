import pytest
from django.contrib.auth.models import Group

from dashboard import roles

pytestmark = pytest.mark.django_db


def _perms(name):
    group = Group.objects.get(name=name)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_migration_creates_the_four_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "administrator",
        "council secretary",
        "press service",
        "viewer",
    }


def test_secretary_runs_experts_conferences_and_invitations_but_not_releases():
    perms = _perms(roles.SECRETARY)
    assert {
        "conferences.add_conference",
        "conferences.change_conference",
        "conferences.add_invitation",
        "conferences.change_invitation",
        "experts.change_expert",
        "experts.add_councilmembership",
    } <= perms
    assert "pressroom.change_pressrelease" not in perms
    assert "pressroom.publish_pressrelease" not in perms
    assert "conferences.delete_conference" not in perms


def test_press_service_edits_approves_and_publishes_releases_and_reads_conferences():
    perms = _perms(roles.PRESS)
    assert {
        "pressroom.change_pressrelease",
        "pressroom.approve_pressrelease",
        "pressroom.publish_pressrelease",
        "conferences.view_conference",
    } <= perms
    assert "conferences.change_conference" not in perms
    assert "experts.change_expert" not in perms


def test_viewer_only_views():
    perms = _perms(roles.VIEWER)
    assert "conferences.view_conference" in perms
    assert all(p.split(".")[1].startswith("view_") for p in perms)


def test_administrator_has_every_permission():
    from django.contrib.auth.models import Permission

    assert len(_perms(roles.ADMINISTRATOR)) == Permission.objects.count()
