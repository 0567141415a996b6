"""Nothing of the household file is registered in the Django admin, on purpose.

The admin is for configuration (DOMAIN.md §2: the administrator sees "configuration, not household
files"). It applies no predicate and logs no read, so registering a household model here would show
names, health notes, diagnosis findings or the support log to every staff user, and would let them
delete a file with its transition log. Households are read and changed in the application only, through
the scope, the predicates and the services (docs/personal-data.md §2). ``tests/accounts/test_admin.py``
fails when a model that is not configuration is registered.
"""
