"""Scope checks: a key needs the scope; a staff session needs staff status (and a permission)."""

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from .models import ApiKey, Scope


class ScopePermission(BasePermission):
    scope: str = ""
    # A staff session passes with is_staff and, where set, this Django permission.
    staff_permission: str | None = None

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ApiKey):
            if request.auth.has_scope(self.scope):
                return True
            self.message = _("This API key lacks the scope %(scope)s.") % {"scope": self.scope}
            return False
        user = request.user
        if not (user and user.is_authenticated and user.is_active and user.is_staff):
            self.message = _("Only partners with an API key and staff may use the API.")
            return False
        if self.staff_permission and not user.has_perm(self.staff_permission):
            self.message = _("Your account lacks the permission for this.")
            return False
        return True


class ConferencesRead(ScopePermission):
    scope = Scope.CONFERENCES_READ


class ExpertsRead(ScopePermission):
    scope = Scope.EXPERTS_READ


class ReleasesRead(ScopePermission):
    scope = Scope.RELEASES_READ


class RegistrationsWrite(ScopePermission):
    scope = Scope.REGISTRATIONS_WRITE
    staff_permission = "conferences.add_invitation"


class RecommendationsAccess(ScopePermission):
    """Reading needs recommendations:read or recommendations:write; changing needs :write.
    A staff session needs the recommendations permissions instead."""

    def has_permission(self, request, view) -> bool:
        reading = request.method in ("GET", "HEAD", "OPTIONS")
        self.scope = Scope.RECOMMENDATIONS_READ if reading else Scope.RECOMMENDATIONS_WRITE
        self.staff_permission = (
            "recommendations.view_recommendation"
            if reading
            else "recommendations.change_recommendation"
        )
        if reading and isinstance(request.auth, ApiKey):
            if request.auth.has_scope(Scope.RECOMMENDATIONS_WRITE):
                return True
        return super().has_permission(request, view)


class ReviewsWrite(ScopePermission):
    scope = Scope.REVIEWS_WRITE
    staff_permission = "regulations.add_draft"


class StaffImport(BasePermission):
    """The import is for staff sessions only: keys never import, whatever their scopes."""

    message = ""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if isinstance(request.auth, ApiKey) or not (
            user and user.is_authenticated and user.is_staff
        ):
            self.message = _("Only staff may import conferences.")
            return False
        if not (
            user.has_perm("conferences.add_conference")
            and user.has_perm("conferences.change_conference")
        ):
            self.message = _("Your account lacks the permission to import conferences.")
            return False
        return True
