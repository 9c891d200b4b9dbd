"""The staff dashboard: pages for the council's secretary, the press service and viewers.

One module per area (home, conferences, audience, experts, invitations, api_keys, auth); what
they share is in _common. Every view names its permission; a signed-in user without it gets
403, an anonymous visitor is sent to the login page (PermissionRequiredMixin with
raise_exception left off does both).
"""
