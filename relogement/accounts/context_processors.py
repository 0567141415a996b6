def active_organisation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"active_organisation": None, "user_organisations": []}
    return {
        "active_organisation": user.active_organisation,
        "user_organisations": [m.organisation for m in user.memberships.select_related("organisation")],
    }
