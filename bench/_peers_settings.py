"""Settings for bench/peers.py only: Safekeep's own, plus the peers' apps.

django-guardian and django-auditlog keep their rows in tables of their own, so their apps
must be installed to migrate them; the service never installs them (they are in the `bench`
dependency group).
"""

from safekeep.settings import *  # noqa: F403
from safekeep.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "guardian", "auditlog"]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # Django's default, which Safekeep uses
    "guardian.backends.ObjectPermissionBackend",
]
