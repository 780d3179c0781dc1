from unittest import mock

import discord
import pytest

from agora.permissions import Rank, find_organiser_role, rank_of


def role(role_id: int, name: str) -> discord.Role:
    fake = mock.NonCallableMock(spec_set=discord.Role, id=role_id)
    fake.configure_mock(name=name)  # `name=` in the constructor names the mock, not the role
    return fake


def member(*roles: discord.Role) -> discord.Member:
    return mock.NonCallableMock(spec_set=discord.Member, roles=list(roles))


ORGANISERS = role(111, "Organisateurs")


@pytest.mark.parametrize("flag", ["administrator", "manage_guild"])
def test_manage_server_or_administrator_makes_an_admin(flag):
    assert rank_of(member(), discord.Permissions(**{flag: True}), None) is Rank.admin


def test_manage_events_makes_an_organiser():
    assert rank_of(member(), discord.Permissions(manage_events=True), None) is Rank.organiser


@pytest.mark.parametrize("configured", ["Organisateurs", "organisateurs", "111"])
def test_the_configured_role_by_name_or_id_makes_an_organiser(configured):
    assert rank_of(member(ORGANISERS), discord.Permissions.none(), configured) is Rank.organiser


def test_anyone_else_is_a_member():
    assert rank_of(member(role(5, "Membres")), discord.Permissions.none(), "Organisateurs") is Rank.member


def test_no_configured_role_means_no_organiser_by_role():
    assert rank_of(member(ORGANISERS), discord.Permissions.none(), None) is Rank.member


def test_find_organiser_role_reports_a_missing_role():
    guild = mock.NonCallableMock(spec_set=discord.Guild, roles=[role(5, "Membres")])
    assert find_organiser_role(guild, "Organisateurs") is None
    guild = mock.NonCallableMock(spec_set=discord.Guild, roles=[ORGANISERS])
    assert find_organiser_role(guild, "organisateurs") is ORGANISERS
