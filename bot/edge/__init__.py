"""The one public entry point: the web widget's files, the REST webhook and socket.io, and nothing else.

Rasa, the action server and every other process listen on 127.0.0.1; this aiohttp server is the only thing
reachable from outside (behind TLS in production, see docs/deploy.md). Rasa's HTTP API is never exposed.
Run it with ``python -m bot.edge``; settings come from the environment (bot/edge/settings.py).
"""
