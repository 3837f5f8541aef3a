from django.db import migrations, models


def mark_earlier_clusters(apps, schema_editor):
    # Clusters made before they followed the themes belong to no theme yet;
    # the next run places them by the themes of their ideas.
    Cluster = apps.get_model("ideas", "Cluster")
    Cluster.objects.update(group=None)


class Migration(migrations.Migration):
    dependencies = [("ideas", "0005_idea_implemented")]

    operations = [
        migrations.AddField(
            model_name="cluster",
            name="group",
            field=models.CharField(
                blank=True,
                default="",
                max_length=40,
                null=True,
                verbose_name="under theme",
            ),
        ),
        migrations.RunPython(mark_earlier_clusters, migrations.RunPython.noop),
    ]
