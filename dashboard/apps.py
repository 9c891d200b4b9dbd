from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
    verbose_name = _("Staff dashboard")

    def ready(self):
        from .roles import roles_sync_after_migrate

        # Apps that add permissions in later migrations (the pressroom's approve/publish) reach
        # the role groups too, whatever order the migrations ran in.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="dashboard_roles_sync")
