"""Facebook Messenger JSON from Meta's "Download Your Information": a thread or a whole download.

The input may be one ``message_1.json`` (its sibling ``message_N.json`` files are read too),
a thread folder, or a folder or ``.zip`` of the whole download (one chat per thread; pick one
with ``chat``). Times are converted to ``timezone`` (IANA name), by default this computer's
zone. Shared with Instagram, which has the same shape: see ``_meta``. The sniffer is sure for
Meta's message JSON unless it carries Instagram's marks.
"""

from __future__ import annotations

from pullaway.importers._meta import meta_importer

IMPORTER = meta_importer(
    "messenger",
    description="Facebook Messenger JSON (Download Your Information), a thread or a download",
)
