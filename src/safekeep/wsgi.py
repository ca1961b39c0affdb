"""WSGI entry point used by gunicorn (`safekeep serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safekeep.settings")
application = get_wsgi_application()

# gunicorn skips Django's system checks: refuse to start workers without the right keys.
from safekeep.crypto.checks import require_keys  # noqa: E402

require_keys()

# Chain what a previous process left waiting (after a crash) now, not at the first request.
from safekeep.audit.sequencer import start_serving  # noqa: E402

start_serving()
