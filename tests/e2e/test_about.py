"""/about, as a member reads it: what Agora does, every feature listed, and plainly what it counts and
what it never keeps, in French and in English."""

from __future__ import annotations

FIELD_VALUE_MAX, EMBED_MAX = 1024, 6000


async def about(fake, member: str, locale: str) -> dict:
    await fake.wait_for_commands()
    interaction = await fake.run_command(member, "about", locale=locale)
    await interaction.response()
    assert interaction.is_ephemeral
    (embed,) = interaction.embeds
    assert all(len(field["value"]) <= FIELD_VALUE_MAX for field in embed["fields"])
    fields = [text for field in embed["fields"] for text in (field["name"], field["value"])]
    texts = [embed["title"], embed["description"], *fields]
    assert sum(len(text) for text in texts) <= EMBED_MAX
    return {field["name"]: field["value"] for field in embed["fields"]}


async def test_about_says_in_french_what_agora_counts_and_never_keeps(agora, fake):
    async with agora.running():
        fields = await about(fake, "alice", "fr")

    counts = fields["Ce qu’Agora compte"]
    # What is counted: messages per channel and day, an estimate of distinct authors from a keyed
    # sketch that names no one, the member count, and participation in what Agora runs.
    assert "compte les messages de chaque salon par jour" in counts
    assert "estimation du nombre de personnes différentes" in counts
    assert "empreinte à clé secrète qui ne nomme personne" in counts
    assert "la clé est gardée hors de la base de données" in counts
    assert "nombre de membres du serveur" in counts
    assert "votes, inscriptions, présences, avis et questions" in counts
    # What is never kept.
    assert "ne garde jamais qui a écrit quoi, ni le texte d’aucun message" in counts
    assert "ne nomment jamais personne" in counts

    features = fields["Ce que fait Agora"]
    assert "revue de la semaine" in features and "(/revue)" in features
    assert "rapport d’engagement" in features and "(/engagement)" in features


async def test_about_says_in_english_what_agora_counts_and_never_keeps(agora, fake):
    async with agora.running():
        fields = await about(fake, "bob", "en-US")

    counts = fields["What Agora counts"]
    assert "counts the messages of each channel per day" in counts
    assert "an estimate of how many different people wrote them" in counts
    assert "from a keyed sketch that names no one" in counts
    assert "its key is kept outside the database" in counts
    assert "the server’s member count" in counts
    assert "votes, registrations, check-ins, feedback and questions" in counts
    assert "never keeps who wrote what, nor the text of any message" in counts
    assert "never name anyone" in counts

    features = fields["What Agora does"]
    assert "week in review" in features and "(/digest)" in features
    assert "engagement report" in features and "(/engagement)" in features
