from django.contrib.postgres.operations import BtreeGistExtension, TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Extensions the project relies on: trigram search and exclusion constraints over ranges."""

    dependencies: list = []
    operations = [TrigramExtension(), BtreeGistExtension()]
