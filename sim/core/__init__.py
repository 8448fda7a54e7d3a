"""Foundations every layer uses: units, delay distributions, named random streams, the calendar.

Nothing here knows about agencies, tips or scenarios.
"""
