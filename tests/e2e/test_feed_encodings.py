"""Feeds whose server names the wrong charset: the post reads as the blog wrote it, never `ConfÃ©rence`."""

from __future__ import annotations

from tests.e2e.feeds_helpers import posts
from tests.e2e.test_feeds import add_feed

# A common hosting misconfiguration: every file served as HTML in Latin-1, whatever it holds.
WRONG_HEADER = "text/html; charset=ISO-8859-1"


async def test_utf8_feed_served_as_latin1_is_posted_with_its_accents(agora, fake, feed_server):
    feed_server.serve_fixture("/feed", "utf8_served_as_latin1.xml", WRONG_HEADER)
    async with agora.running():
        await fake.wait_for_commands()
        answer = await add_feed(fake, feed_server.url("/feed"))

    assert "Genève Réseaux – le blog de l’économie sociale" in answer.content
    [post] = posts(fake)
    embed = post.embeds[0]
    assert embed["title"] == "Conférence « Marque employeur » – ce qu’on a retenu"
    assert embed["description"].startswith("Près de 120 participants à la Conférence de l’Hôtel de Ville")
    assert embed["author"]["name"] == "Genève Réseaux – le blog de l’économie sociale"
    assert embed["footer"]["text"].endswith("Noémie Perret")


async def test_utf8_feed_with_a_bom_and_no_declaration_served_as_latin1_keeps_its_accents(
    agora, fake, feed_server
):
    feed_server.serve_fixture("/feed", "utf8_bom_no_declaration.xml", WRONG_HEADER)
    async with agora.running():
        await fake.wait_for_commands()
        await add_feed(fake, feed_server.url("/feed"))

    [post] = posts(fake)
    assert post.embeds[0]["title"] == "Conférence – réseaux sociaux et relation client"
