"""What a feed URL may point at: checked without any network traffic."""

from __future__ import annotations

import pytest

from cogs.feeds.fetch import FetchError, check_url, is_public_address


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.254",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104 — an address to refuse, not one to bind
        "224.0.0.251",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "198.18.0.1",
        "192.0.2.10",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "fe80::1%eth0",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2001:db8::1",
        "not an address",
    ],
)
def test_non_public_addresses_are_refused(address):
    assert not is_public_address(address)


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "185.199.108.153", "2001:4860::8888", "2a00:1450:4007::65", "::ffff:8.8.8.8"],
)
def test_public_addresses_are_allowed(address):
    assert is_public_address(address)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("https://blog.example.ch/feed/", "https://blog.example.ch/feed/"),
        ("  HTTPS://Blog.Example.CH/feed/#haut ", "https://blog.example.ch/feed/"),
        ("blog.example.ch/feed", "https://blog.example.ch/feed"),
        ("feed://blog.example.ch/feed", "http://blog.example.ch/feed"),
        ("feed:https://blog.example.ch/feed", "https://blog.example.ch/feed"),
        ("https://réseaux.example.ch/flux", "https://xn--rseaux-bva.example.ch/flux"),
        ("http://[2001:4860::8888]:8080/rss", "http://[2001:4860::8888]:8080/rss"),
    ],
)
def test_check_url_normalises_what_a_member_types(typed, expected):
    assert check_url(typed) == expected


@pytest.mark.parametrize(
    "typed", ["ftp://example.ch/feed", "file:///etc/passwd", "javascript:alert(1)", "gopher://x.ch/"]
)
def test_check_url_refuses_other_schemes(typed):
    with pytest.raises(FetchError) as caught:
        check_url(typed)

    assert caught.value.code == "bad_scheme"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "http://",
        "http:///feed",
        "http://exa mple.ch/",
        "http://user:secret@blog.example.ch/feed",
        "http://2130706433/",  # 127.0.0.1 in disguise
        "http://127.1/",
        "http://0x7f.0.0.1/",
        "http://[fe80::1%25eth0]/",
        "https://example.ch/" + "a" * 3000,
    ],
)
def test_check_url_refuses_malformed_addresses(typed):
    with pytest.raises(FetchError) as caught:
        check_url(typed)

    assert caught.value.code == "bad_url"
