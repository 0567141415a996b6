from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("offers", "0002_historicalproposal_compliance_note_and_more")]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["offer", "household"], name="offers_prop_offer_household"),
        ),
    ]
