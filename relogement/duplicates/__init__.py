"""Possible duplicate households (issue 14, point 4).

A plain module here (no app config): the census only needs ``detection.find_possible_duplicates``.
"""
