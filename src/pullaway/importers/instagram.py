"""Instagram direct messages from Meta's "Download Your Information" (JSON): a thread or a download.

The input may be one ``message_1.json`` (its sibling ``message_N.json`` files are read too),
a thread folder, or a folder or ``.zip`` of the whole download (one chat per thread; pick one
with ``chat``). Times are converted to ``timezone`` (IANA name), by default this computer's
zone. Shared with Messenger, which has the same shape: see ``_meta``. The sniffer is sure for
Meta's message JSON that carries Instagram's marks (paths, links, strings).
"""

from __future__ import annotations

from pullaway.importers._meta import meta_importer

IMPORTER = meta_importer(
    "instagram",
    description="Instagram messages JSON (Download Your Information), a thread or a download",
)
