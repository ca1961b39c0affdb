"""A test-only app that the audit app's migrations come after (`run_before`), as an app the
audit app depended on would: taking it back would take the audit app back with it."""
