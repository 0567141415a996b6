"""Rehousings are household data (new address, rent): not in the Django admin (see households/admin.py)."""
