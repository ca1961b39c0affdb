"""Email notifications: what waits for someone, or was decided for them (docs/notifications.md)."""
