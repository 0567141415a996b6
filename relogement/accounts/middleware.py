SESSION_KEY = "active_organisation_id"


class ActiveOrganisationMiddleware:
    """Sets ``request.user.active_organisation`` from the session, among the user's memberships only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            wanted = request.session.get(SESSION_KEY)
            organisation = None
            if wanted:
                # Among the memberships read once for the request (the header lists them too).
                organisation = next((org for org in user.organisations if str(org.pk) == str(wanted)), None)
            if organisation is not None:
                user.active_organisation = organisation
            elif wanted:
                request.session.pop(SESSION_KEY, None)
        return self.get_response(request)
