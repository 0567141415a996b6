"""Matching criteria, one small class each (see ``base.Criterion``), registered by ``registry.register``."""
