"""Operator commands that span apps: the demo council, imports, serving, backups, keys.

It sits above the domain apps and below only the interfaces (web, api), so it may call
any of them — and none of them calls it.
"""
