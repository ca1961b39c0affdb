"""Which of GOV.UK Frontend's files are static assets of Safekeep.

Its dist folder also holds the Sass, Nunjucks macros, ES modules, fixtures and source maps
it is built from: about 1,300 files, 5,000 once hashed and compressed. The pages link only
the compiled stylesheet and script (with their source maps); the fonts and images come from
its assets folder, kept whole. Collecting the rest cost every start-up, and every test
client, an index of files nothing serves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.staticfiles.finders import FileSystemFinder

GOVUK_PREFIX = "govuk"
# With their source maps, which the two files name (the manifest storage checks that
# every file a stylesheet names is there).
GOVUK_FILES_PAGES_LINK = frozenset(
    f"govuk-frontend.min.{kind}{map_}" for kind in ("css", "js") for map_ in ("", ".map")
)


class StaticFilesFinder(FileSystemFinder):
    """STATICFILES_DIRS, with only the compiled files of the `govuk` prefix collected."""

    def list(self, ignore_patterns: Iterable[str] | None) -> Iterator[tuple[str, Any]]:
        for path, storage in super().list(ignore_patterns):
            if storage.prefix == GOVUK_PREFIX and path not in GOVUK_FILES_PAGES_LINK:
                continue
            yield path, storage
