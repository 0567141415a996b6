"""Who sees and does what: the perimeter scopes (querysets) and the named predicates on personal data."""
