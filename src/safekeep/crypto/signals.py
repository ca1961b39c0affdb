"""What the crypto app announces, so the audit log can record it without crypto importing audit.

Every signal is sent with plain keyword data only — record ids, key versions, counts and the
actor's username — never key material or content. Receivers run synchronously, inside the
sender's transaction where there is one, so what they write commits or rolls back with the
change it describes. `safekeep.audit.receivers` subscribes (connected in `AuditConfig.ready`).
"""

from __future__ import annotations

from django.dispatch import Signal

# A sealed value or stored file failed its integrity check. Sent with `scope`, `object_id`
# (the record whose key sealed it), `row`, `field` and `what` (e.g. "a sealed value").
integrity_failure = Signal()

# A key-encryption key rotation began, or an unfinished one is carried on (`resumed`).
# Sent with `version` (the target KEK version), `resumed` and `actor`.
key_rotation_started = Signal()

# Every data key is now wrapped by the target KEK. Sent with `version` and `actor`.
key_rotation_finished = Signal()

# A KEK version was retired. Sent with `version` and `actor`.
key_retired = Signal()

# Retiring a KEK version was refused. Sent with `version`, `reason` (why) and `actor`.
key_retirement_refused = Signal()
