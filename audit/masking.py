"""What the viewer shows of changed values: sensitive ones masked (the journal keeps them as they were)."""

from django.conf import settings

MASK = "•••"


def mask_value(value) -> str:
    text = "" if value is None else str(value)
    return MASK + text[-2:] if len(text) > 4 else MASK


def masked_fields(fields: dict) -> dict:
    """{name: "old → new"} or {name: value}, with the values of sensitive fields masked."""
    shown = {}
    for name, value in (fields or {}).items():
        sensitive = name in settings.AUDIT_MASKED_FIELDS
        if isinstance(value, list) and len(value) == 2:
            old, new = (mask_value(v) if sensitive else v for v in value)
            shown[name] = f"{old} → {new}"
        else:
            shown[name] = mask_value(value) if sensitive else value
    return shown
