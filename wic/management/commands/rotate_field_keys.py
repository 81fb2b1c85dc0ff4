"""`manage.py rotate_field_keys`: encrypt every encrypted field (wic.crypto.EncryptedTextField, in
any installed app) again under the first key of DJANGO_FIELD_KEY, so an older key can then be
removed. Reads the raw tokens (never decrypts into memory beyond Fernet's own rotate), one model at
a time, in batches, each batch one transaction. A token no key opens is counted and left as it is:
the command then exits with status 1, naming the model and field, and the old key must stay."""
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from wic.crypto import EncryptedTextField, rotate

BATCH = 500


def encrypted_fields():
    """(model, [field names]) of every installed model with encrypted fields."""
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


class Command(BaseCommand):
    help = "Encrypt every encrypted field again under the first key of DJANGO_FIELD_KEY (key rotation)."

    def handle(self, *args, **options):
        unreadable = []
        for model, names in encrypted_fields():
            rotated = 0
            # The raw tokens: the ORM would decrypt them (from_db_value), so the columns are read in SQL.
            table, pk_column = model._meta.db_table, model._meta.pk.column
            columns = [model._meta.get_field(n).column for n in names]
            quote = connection.ops.quote_name
            last = None
            while True:
                with transaction.atomic(), connection.cursor() as cursor:
                    where = f" WHERE {quote(pk_column)} > %s" if last is not None else ""
                    cursor.execute(
                        f"SELECT {quote(pk_column)}, {', '.join(quote(c) for c in columns)} FROM {quote(table)}{where} ORDER BY {quote(pk_column)} LIMIT {BATCH}",
                        [last] if last is not None else [],
                    )
                    rows = cursor.fetchall()
                    for pk, *tokens in rows:
                        new = {}
                        for column, token in zip(columns, tokens):
                            if not token:
                                continue
                            again = rotate(token)
                            if again is None:
                                unreadable.append(f"{model._meta.label}.{column} #{pk}")
                            elif again != token:
                                new[column] = again
                        if new:
                            assignments = ", ".join(f"{quote(c)} = %s" for c in new)
                            cursor.execute(f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk_column)} = %s", [*new.values(), pk])
                            rotated += 1
                if not rows:
                    break
                last = rows[-1][0]
            self.stdout.write(f"{model._meta.label}: {rotated} rows encrypted again under the first key")
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} values no key opens (keep the key that encrypted them in DJANGO_FIELD_KEY): {', '.join(unreadable[:20])}"
            )
