"""The secret ballot keeps counts, not vote rows: a row per vote could be paired with its ballot
by transaction id or row order. Existing votes become tallies, then the vote rows are dropped."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count


def votes_to_tallies(apps, schema_editor):
    Vote = apps.get_model("presentations", "Vote")
    Nomination = apps.get_model("presentations", "Nomination")
    VoteTally = apps.get_model("presentations", "VoteTally")
    counts = dict(
        Vote.objects.values("nomination_id")
        .annotate(n=Count("pk"))
        .values_list("nomination_id", "n")
    )
    elections = set(Vote.objects.values_list("election_id", flat=True))
    VoteTally.objects.bulk_create(
        VoteTally(election_id=n.election_id, nomination_id=n.pk, votes=counts.get(n.pk, 0))
        for n in Nomination.objects.filter(election_id__in=elections).order_by("pk")
    )


def tallies_to_votes(apps, schema_editor):
    """Back to one row per vote (in nomination order, so still unlinkable by order)."""
    Vote = apps.get_model("presentations", "Vote")
    VoteTally = apps.get_model("presentations", "VoteTally")
    Vote.objects.bulk_create(
        Vote(election_id=tally.election_id, nomination_id=tally.nomination_id)
        for tally in VoteTally.objects.order_by("nomination_id")
        for _ in range(tally.votes)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("presentations", "0003_recognition_flag_keyed_flagger"),
    ]

    operations = [
        migrations.CreateModel(
            name="VoteTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("votes", models.PositiveIntegerField(default=0)),
                (
                    "election",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tallies",
                        to="presentations.election",
                    ),
                ),
                (
                    "nomination",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tally",
                        to="presentations.nomination",
                    ),
                ),
            ],
        ),
        migrations.RunPython(votes_to_tallies, tallies_to_votes),
        migrations.DeleteModel(
            name="Vote",
        ),
    ]
