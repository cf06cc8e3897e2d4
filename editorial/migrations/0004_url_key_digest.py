"""The same-link key is a fixed-length digest (0003 recomputed it): its column shrinks to 64."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("editorial", "0003_text_and_links")]

    operations = [
        migrations.AlterField(
            model_name="entry",
            name="url_key",
            field=models.CharField(db_index=True, editable=False, max_length=64),
        ),
    ]
