"""A local stand-in for the LINE platform: Messaging API, webhooks and a web chat.

Start it with `python -m bot.simulator`; drive it from tests with
`bot.simulator.server.start_in_thread` and `bot.simulator.client.SimulatorClient`.
"""
