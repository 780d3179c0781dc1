"""Agora's core: what every feature in `cogs/` builds on.

Import the module you need (`agora.clock`, `agora.client`…): this package imports nothing itself, so
`import agora.clock` stays cheap and does not load discord.py.
"""
