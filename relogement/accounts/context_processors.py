from relogement.permissions.predicates import can_administer_accounts


def active_organisation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"active_organisation": None, "user_organisations": [], "can_administer_accounts": False}
    return {
        "active_organisation": user.active_organisation,
        "user_organisations": user.organisations,
        "can_administer_accounts": can_administer_accounts(user),
    }
