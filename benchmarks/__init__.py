"""Benchmark of the plugin: whole pytest processes, as users start them, timed from outside.

Parts (each alternates its sessions over rounds and reports medians, min and max):
startup (bare pytest, the plugin's start-up, warm value cache), demo (the demo stack from
three places, serial / -n 2 / -n 4, container starts), synthetic (a stack of waiting
inspections against a model of its limit), big-output (a 200 MB command output),
imports (what importing the plugin costs) and build (stack-build on a stack of waiting builds:
--jobs 4 against the critical path, a run with nothing changed). Prints each part's figures
and the speed targets (met or not), writes everything as JSON. Exits 0 whatever the figures,
1 when a session fails. A benchmark, not a test: it reports what it measured.
"""
