"""agora/pulse.py: a feature's parts join the digest and the report as what they are, and leave."""

import pytest

from agora.pulse import DigestSection, EngagementPart, Pulse, Span

WEEK = Span(0, 7 * 86400)


class Digest:
    name = "digest only"

    async def digest_sections(self, guild_id, week, words):
        return [DigestSection(10, "Articles", ("one",))]


class Both(Digest):
    name = "both"

    async def participants(self, guild_id, span):
        return frozenset({1, 2})

    async def engagement(self, guild_id, span, words):
        return EngagementPart("articles", "Articles")


def words(key, **values):
    return key


async def test_a_part_joins_as_what_it_is_and_leaves_entirely():
    pulse, digest, both = Pulse(), Digest(), Both()
    pulse.join(digest, both)
    assert len(await pulse.digest_sections(1, WEEK, words)) == 2
    assert await pulse.participants(1, WEEK) == {1, 2}
    assert [part.section for part in await pulse.engagement_parts(1, WEEK, words)] == ["articles"]
    pulse.leave(both)
    assert len(await pulse.digest_sections(1, WEEK, words)) == 1
    assert await pulse.participants(1, WEEK) == frozenset()
    pulse.leave(digest)
    assert await pulse.digest_sections(1, WEEK, words) == []


def test_something_that_is_no_part_is_refused():
    with pytest.raises(TypeError, match="object"):
        Pulse().join(object())
