"""Static files under names that carry a hash of their content, so caches may keep them forever.

After ``collectstatic`` every file is stored under a versioned name (``site.3f2a9c1b.css``) as
well as compressed (gzip, Brotli); ``{% static %}`` writes the versioned name and WhiteNoise
serves it with ``Cache-Control: max-age=31536000, immutable``. Before ``collectstatic`` (a
development checkout, the tests) a file has no versioned name yet: it is named as it is and served
from the apps' folders with a short lifetime, instead of failing the page.
"""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class VersionedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name: str) -> Any:
        try:
            return super().stored_name(name)
        except ValueError:
            # Not collected: nothing to hash it from.
            return name
