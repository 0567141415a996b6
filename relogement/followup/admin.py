"""Post-rehousing follow-ups are household data: not in the Django admin (see households/admin.py)."""
