"""A local stand-in for the LINE platform: Messaging API, webhooks and a web chat.

Start it with `itabot simulator`; drive it from tests with
`simulator.server.start_in_thread` and `simulator.client.SimulatorClient`.
"""
