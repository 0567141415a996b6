"""Pieces shared by the serializers: identifiers, path parameters, fields omitted by a rule."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.fields import SkipField

# Identifiers are 64-bit database keys: anything larger is refused as input (a database would
# overflow on it) and documented so.
MAX_ID = 2**63 - 1


def ID(**kwargs) -> serializers.IntegerField:  # noqa: N802 (reads as a field type)
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def IdParameter(description: str) -> OpenApiParameter:  # noqa: N802
    return OpenApiParameter(
        "id",
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        OpenApiParameter.PATH,
        description=description,
    )


INSEE_PATTERN = r"^[0-9][0-9AB][0-9]{3}$"


def Insee(**kwargs) -> serializers.RegexField:  # noqa: N802
    return serializers.RegexField(
        INSEE_PATTERN,
        error_messages={"invalid": "Code INSEE invalide : 5 caractères (ex. 59350)."},
        **kwargs,
    )


class HiddenFieldsSerializer(serializers.Serializer):
    """An output serializer whose ``hidden_fields(instance)`` are left out of the answer: what a named
    predicate keeps from the organisation is absent, not empty (empty means "unknown"). Such fields
    are declared ``required=False`` so that the schema says they may be missing."""

    def hidden_fields(self, instance) -> set[str]:
        return set()

    def to_representation(self, instance):
        # Serializer.to_representation, minus the hidden fields (never even read).
        hidden = self.hidden_fields(instance)
        data = {}
        for field in self._readable_fields:
            if field.field_name in hidden:
                continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            data[field.field_name] = None if attribute is None else field.to_representation(attribute)
        return data
