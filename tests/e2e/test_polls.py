"""Polls driven as members and organisers would: create, vote, tally, close, results, export."""

from __future__ import annotations

import csv
import io

from tests.e2e.polls_helpers import counts, create_poll, custom_ids, poll_id, poll_message, vote


async def wait_for_tally(fake, expected, channel="général"):
    return await fake.wait_for(
        lambda: counts(poll_message(fake, channel)) == expected, timeout=10, what=f"tally {expected}"
    )


async def test_members_vote_change_and_withdraw_with_a_confirmation_each_time(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        created = await create_poll(fake)
        assert created.is_ephemeral
        assert created.content.startswith("📊 Sondage publié")
        message = poll_message(fake)
        assert message.embeds[0]["title"] == "📊 Sondage"
        assert len(custom_ids(message)) == 3

        first = await vote(fake, "alice", message, 0)
        assert first.is_ephemeral
        assert first.content == "✅ Votre vote est enregistré : 🇦 **LinkedIn**."
        moved = await vote(fake, "bob", message, 1, locale="en-US")
        assert moved.content == "✅ Your vote is recorded: 🇧 **Slack**."
        moved = await vote(fake, "bob", message, 2, locale="en-US")
        assert moved.content == "✅ Your vote has moved: you now vote for 🇨 **Teams**."
        await vote(fake, "adam", message, 2)
        withdrawn = await vote(fake, "adam", message, 2)
        assert withdrawn.content.startswith("↩️ Votre vote est retiré")

        await wait_for_tally(fake, [1, 0, 1])
        description = poll_message(fake).embeds[0]["description"]
        assert "1 · 50 %" in description


async def test_a_burst_of_votes_is_coalesced_into_few_edits_and_the_tally_is_exact(agora, fake):
    members = [await fake.add_member(f"membre{n}") for n in range(40)]
    async with agora.running():
        await fake.wait_for_commands()
        await create_poll(fake)
        message = poll_message(fake)
        clicks = [fake.click(member, message, custom_ids(message)[n % 3]) for n, member in enumerate(members)]
        import asyncio

        records = await asyncio.gather(*clicks)
        await asyncio.gather(*(record.response(timeout=10) for record in records))
        await wait_for_tally(fake, [14, 13, 13])
        edits = fake.find_requests("PATCH", rf"/channels/\d+/messages/{message.id}$")
        # 40 votes within a second or two: one edit at once, then at most one per 2 s
        assert 1 <= len(edits) <= 3
        assert poll_message(fake).embeds[0]["fields"][0]["value"].startswith("40 votant·e(s)")


async def test_multiple_choice_never_exceeds_the_allowed_number(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await create_poll(fake, choices=2)
        message = poll_message(fake)
        await vote(fake, "alice", message, 0)
        second = await vote(fake, "alice", message, 2)
        assert second.content == "✅ Votre vote est enregistré : 🇦 **LinkedIn**, 🇨 **Teams**."
        third = await vote(fake, "alice", message, 1)
        assert third.content.startswith("Vous avez déjà 2 choix")
        await wait_for_tally(fake, [1, 0, 1])


async def test_the_deadline_closes_the_poll_and_posts_results_with_a_chart(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await create_poll(fake, duration="2h")
        message = poll_message(fake)
        await vote(fake, "alice", message, 1)
        await vote(fake, "bob", message, 1)
        await vote(fake, "adam", message, 0)
        clock.advance(hours=2)
        late = await fake.click("olivia", message, custom_ids(message)[2])
        await late.response()
        assert late.content.startswith("Ce sondage est clos")
        await bot.get_cog("PollsCog").deadlines.run_now()
        results = await fake.wait_for_message(
            "général", lambda m: m.attachments and m.author_id == fake.bot.id, timeout=10
        )
        assert results.content.startswith("📊 Le sondage est clos")
        assert results.attachments[0].filename == "results.png"
        assert results.attachments[0].data.startswith(b"\x89PNG")
        assert results.allowed_mentions == {"parse": []}
        final = fake.message(message.id)
        assert final.embeds[0]["title"] == "📊 Sondage clos — résultats"
        assert all(c.get("disabled") for row in final.components for c in row["components"])
        assert "🏆" in final.embeds[0]["description"]
        assert counts(final) == [1, 2, 0]


async def test_a_deadline_that_passed_while_the_bot_was_down_closes_the_poll_at_startup(agora, fake, clock):
    async with agora.running():
        await fake.wait_for_commands()
        await create_poll(fake, duration="30m")
        message = poll_message(fake)
        await vote(fake, "alice", message, 0)
    clock.advance(hours=1)
    async with agora.running():
        results = await fake.wait_for_message(
            "général", lambda m: m.attachments and m.author_id == fake.bot.id, timeout=15
        )
        assert results.embeds[0]["title"] == "📊 Sondage clos — résultats"
    assert len([m for m in fake.messages("général") if m.attachments]) == 1


async def test_buttons_of_a_poll_keep_working_after_a_restart(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await create_poll(fake)
        message = poll_message(fake)
        await vote(fake, "alice", message, 0)
    async with agora.running():
        await fake.wait_until_ready(count=2)
        click = await vote(fake, "bob", message, 0, locale="en-US")
        assert click.content == "✅ Your vote is recorded: 🇦 **LinkedIn**."
        await wait_for_tally(fake, [2, 0, 0])


async def test_the_creator_closes_with_the_private_button_but_a_member_cannot(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        created = await create_poll(fake, member="alice")
        close_id = next(c for c in custom_ids(created.message) if c.endswith(":close"))
        message = poll_message(fake)
        refused = await fake.run_command("bob", "poll close", {"poll": str(poll_id(message))}, locale="en-US")
        await refused.response()
        assert refused.content == "Only the poll's author or an organiser can close it."
        closing = await fake.click("alice", created, close_id)
        [done] = await closing.followups(count=1, timeout=10)
        assert done.content == "Le sondage est clos ; les résultats sont publiés."
        await fake.wait_for_message("général", lambda m: m.attachments, timeout=10)


async def test_an_organiser_can_close_any_poll_with_the_command(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await create_poll(fake, member="alice")
        choices = await fake.autocomplete("olivia", "poll close", focused="poll", value="réseau")
        assert len(choices) == 1
        closing = await fake.run_command("olivia", "poll close", {"poll": choices[0]["value"]})
        [done] = await closing.followups(count=1, timeout=10)
        assert done.content.startswith("Le sondage est clos")
        again = await fake.run_command("olivia", "poll close", {"poll": choices[0]["value"]})
        await again.response()
        assert again.content == "Ce sondage est déjà clos."


async def test_export_gives_counts_and_voters_only_when_not_anonymous(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await create_poll(fake, anonymous=False)
        message = poll_message(fake)
        await vote(fake, "alice", message, 0)
        await vote(fake, "bob", message, 2)
        export = await fake.run_command("olivia", "poll export", {"poll": str(poll_id(message))})
        await export.response()
        assert export.is_ephemeral
        [attachment] = export.files
        rows = list(csv.reader(io.StringIO(attachment.data.decode("utf-8-sig"))))
        assert rows[1][:3] == ["1", "LinkedIn", "1"]
        voters = {row[2] for row in rows[6:]}
        assert voters == {str(fake.member("alice").id), str(fake.member("bob").id)}
        refused = await fake.run_command("alice", "poll export", {"poll": str(poll_id(message))})
        await refused.response()
        assert refused.content == "Cette action est réservée aux organisateurs."


async def test_results_are_private_by_default(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await create_poll(fake)
        message = poll_message(fake)
        await vote(fake, "alice", message, 0)
        export = await fake.run_command("olivia", "poll export", {"poll": str(poll_id(message))})
        await export.response()
        data = export.files[0].data.decode("utf-8-sig")
        assert str(fake.member("alice").id) not in data
        results = await fake.run_command("olivia", "poll results", {"poll": str(poll_id(message))})
        await results.response()
        assert str(fake.member("alice").id) not in str(results.embeds)


async def test_hidden_results_show_no_counts_until_the_poll_closes(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await create_poll(fake, hide_results=True)
        message = poll_message(fake)
        await vote(fake, "alice", message, 0)
        await fake.wait_for(lambda: "1 votant" in str(poll_message(fake).embeds[0]["fields"]), timeout=10)
        assert counts(poll_message(fake)) == []
        results = await fake.run_command("bob", "poll results", {"poll": str(poll_id(message))})
        await results.response()
        assert "🔒" in results.embeds[0]["description"]


async def test_only_holders_of_the_role_may_vote(agora, fake):
    veille = await fake.add_role("Veille")
    carla = await fake.add_member("carla", roles=[veille])
    async with agora.running():
        await fake.wait_for_commands()
        await create_poll(fake, role=veille.id)
        message = poll_message(fake)
        refused = await vote(fake, "alice", message, 0)
        assert refused.content == f"Ce sondage est réservé aux membres <@&{veille.id}>."
        allowed = await vote(fake, carla, message, 0)
        assert allowed.content.startswith("✅")
        await wait_for_tally(fake, [1, 0, 0])
    assert not any(m.mention_roles for m in fake.messages("général"))


async def test_mentions_in_a_poll_never_ping(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await create_poll(fake, question="@everyone @here on vote ?", options="<@&1>; @everyone")
        message = poll_message(fake)
        assert not message.pings_anyone
        assert message.allowed_mentions == {"parse": []}
