"""Fuzzing the REST API against the real server: `make fuzz-api` runs run.py (not a test);
test_hooks.py holds its leak check to account."""
