"""Model fields encrypted at rest (Fernet, from django-fernet-encrypted-fields), keyed by
`settings.FIELD_ENCRYPTION_KEY` instead of SECRET_KEY, so rotating the signing key never makes data
unreadable. FIELD_ENCRYPTION_KEY may list several comma-separated keys: the first encrypts, every one
decrypts (rotation). Columns hold Fernet tokens; the API and services see plain values.
"""

from __future__ import annotations

import base64
from functools import lru_cache

import encrypted_fields.fields as base
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import cached_property

SALT = b"weft.field-encryption.v1"
TOKEN_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte + timestamp)


@lru_cache(maxsize=8)
def derive_keys(secret: str) -> tuple[bytes, ...]:
    keys = []
    for part in (p.strip() for p in secret.split(",")):
        if not part:
            continue
        kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=SALT, iterations=200_000)
        keys.append(base64.urlsafe_b64encode(kdf.derive(part.encode())))
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is empty.")
    return tuple(keys)


class KeyedByFieldEncryptionKey:
    @cached_property
    def keys(self) -> list[bytes]:
        return list(derive_keys(settings.FIELD_ENCRYPTION_KEY))

    def get_prep_value(self, value):
        # Blank stays blank (the columns are NOT NULL); anything else is encrypted.
        if value == "":
            return ""
        return super().get_prep_value(value)

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, str) and value.startswith(TOKEN_PREFIX):
            # The library hands back the token when no key fits: refuse rather than leak ciphertext.
            raise ImproperlyConfigured("An encrypted field cannot be decrypted: wrong FIELD_ENCRYPTION_KEY?")
        return value


class EncryptedTextField(KeyedByFieldEncryptionKey, base.EncryptedTextField):
    pass


class EncryptedCharField(KeyedByFieldEncryptionKey, base.EncryptedCharField):
    pass


class EncryptedEmailField(KeyedByFieldEncryptionKey, base.EncryptedEmailField):
    pass


class EncryptedJSONField(KeyedByFieldEncryptionKey, base.EncryptedJSONField):
    """Each leaf value is encrypted (as a string); keys and structure stay readable."""

    def to_python(self, value):
        value = base.EncryptedJSONField.to_python(self, value)
        if isinstance(value, str):
            raise ImproperlyConfigured("An encrypted JSON field cannot be decrypted: wrong FIELD_ENCRYPTION_KEY?")
        return value


# --- data migrations: encrypt rows written before a column became encrypted (and back) -----------
def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _is_encrypted(raw) -> bool:
    if isinstance(raw, str) and raw.startswith(TOKEN_PREFIX):
        return True
    return bool(raw) and not isinstance(raw, str) and all(str(v).startswith(TOKEN_PREFIX) for v in _leaves(raw))


def _raw_rows(schema_editor, model, field):
    import json

    table, column = model._meta.db_table, field.column
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(model._meta.pk.column)}, {quote(column)} FROM {quote(table)}")
        rows = cursor.fetchall()
    for pk, raw in rows:
        if isinstance(field, base.EncryptedJSONField) and isinstance(raw, str):
            raw = json.loads(raw)
        yield pk, raw


def encrypt_existing(app_label: str, model_name: str, *field_names: str):
    """A RunPython forward function: rewrite plain values through the (now encrypted) fields."""

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        for name in field_names:
            field = model._meta.get_field(name)
            for pk, raw in _raw_rows(schema_editor, model, field):
                if raw in (None, "", [], {}) or _is_encrypted(raw):
                    continue
                model._default_manager.filter(pk=pk).update(**{name: raw})

    return forward


def decrypt_existing(app_label: str, model_name: str, *field_names: str):
    """The matching RunPython backward function: write plain values back before the column goes plain."""

    def backward(apps, schema_editor):
        import json

        model = apps.get_model(app_label, model_name)
        quote = schema_editor.quote_name
        for name in field_names:
            field = model._meta.get_field(name)
            for pk, raw in _raw_rows(schema_editor, model, field):
                if raw in (None, "", [], {}) or not _is_encrypted(raw):
                    continue
                if isinstance(field, base.EncryptedJSONField):
                    plain = json.dumps(field._decrypt_values(raw))
                else:
                    plain = field.f.decrypt(raw.encode()).decode()
                with schema_editor.connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s "
                        f"WHERE {quote(model._meta.pk.column)} = %s",
                        [plain, pk],
                    )

    return backward
