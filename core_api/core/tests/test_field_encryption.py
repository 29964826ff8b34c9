"""Supplier bank details and supplier/customer contact data are encrypted at rest: the database
column holds a Fernet token, the application sees the plain value; rows written before encryption
are rewritten by the migrations' data step."""

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from config.fields import TOKEN_PREFIX, encrypt_existing
from procurement.models import Supplier, SupplierContact
from sales.models import Customer

pytestmark = pytest.mark.django_db

IBAN = "DE89 3704 0044 0532 0130 00"
EMAIL = "meera.iyer@spinners.example"


def raw(model, field: str, pk) -> object:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {field} FROM {model._meta.db_table} WHERE {model._meta.pk.column} = %s",
            [pk],
        )
        return cursor.fetchone()[0]


def test_supplier_bank_details_and_contacts_are_not_stored_in_clear():
    supplier = Supplier.objects.create(code="SP-1", name="Spinners", bank_details=IBAN)
    contact = SupplierContact.objects.create(supplier=supplier, name="Meera", email=EMAIL, phone="+91 98400 12345")

    stored = raw(Supplier, "bank_details", supplier.pk)
    assert stored.startswith(TOKEN_PREFIX) and IBAN not in stored and "3704" not in stored
    for field, plain in (("email", EMAIL), ("phone", "+91 98400 12345")):
        stored = raw(SupplierContact, field, contact.pk)
        assert stored.startswith(TOKEN_PREFIX) and plain not in stored
    # The application reads plain values back.
    assert Supplier.objects.get(pk=supplier.pk).bank_details == IBAN
    assert SupplierContact.objects.get(pk=contact.pk).email == EMAIL
    # Blank stays blank (NOT NULL column), not an encrypted empty string.
    empty = Supplier.objects.create(code="SP-2", name="No bank")
    assert raw(Supplier, "bank_details", empty.pk) == ""


def test_customer_contacts_are_not_stored_in_clear():
    contacts = [{"name": "Asha Rao", "role": "buyer", "email": "asha@buyer.example", "phone": "+44 20 7946 0000"}]
    customer = Customer.objects.create(code="C-1", name="Buyer", contacts=contacts)
    stored = raw(Customer, "contacts", customer.pk)
    stored = stored if isinstance(stored, str) else str(stored)
    for value in contacts[0].values():
        assert value not in stored
    assert TOKEN_PREFIX in stored
    assert Customer.objects.get(pk=customer.pk).contacts == contacts


def test_migration_step_encrypts_rows_written_in_clear():
    supplier = Supplier.objects.create(code="SP-3", name="Legacy")
    customer = Customer.objects.create(code="C-3", name="Legacy")
    legacy_contacts = '[{"name": "Old Contact", "email": "old@legacy.example"}]'
    with connection.cursor() as cursor:  # as a row looked before the encryption migration
        cursor.execute(f"UPDATE {Supplier._meta.db_table} SET bank_details = %s WHERE id = %s", [IBAN, supplier.pk])
        cursor.execute(
            f"UPDATE {Customer._meta.db_table} SET contacts = %s WHERE id = %s", [legacy_contacts, customer.pk]
        )
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)

    encrypt_existing("procurement", "Supplier", "bank_details")(apps, editor)
    encrypt_existing("sales", "Customer", "contacts")(apps, editor)
    encrypt_existing("sales", "Customer", "contacts")(apps, editor)  # idempotent: no double encryption

    assert raw(Supplier, "bank_details", supplier.pk).startswith(TOKEN_PREFIX)
    assert Supplier.objects.get(pk=supplier.pk).bank_details == IBAN
    assert "old@legacy.example" not in str(raw(Customer, "contacts", customer.pk))
    assert Customer.objects.get(pk=customer.pk).contacts == [{"name": "Old Contact", "email": "old@legacy.example"}]


def test_audit_trail_keeps_encrypted_fields_out():
    from auditlog.models import LogEntry

    supplier = Supplier.objects.create(code="SP-4", name="Audited", bank_details=IBAN)
    contact = SupplierContact.objects.create(supplier=supplier, name="Ravi", email=EMAIL)
    customer = Customer.objects.create(
        code="C-4", name="Audited", contacts=[{"name": "Asha", "email": "asha@b.example"}]
    )
    for audited in (supplier, contact, customer):  # still audited …
        assert LogEntry.objects.get_for_object(audited).exists()
    text = " ".join(str(entry.changes) for entry in LogEntry.objects.all())
    for secret in (IBAN, EMAIL, "asha@b.example"):  # … without the protected values
        assert secret not in text
    assert "Audited" in text
