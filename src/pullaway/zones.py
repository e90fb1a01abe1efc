"""Wall clocks of UTC instants in an IANA time zone: pure Polars, no I/O.

The importers of formats that give instants (SMS, iMessage, Messenger, ...) put each message
on the wall clock of a zone; the store moves a chat's messages to another zone with
``in_zone`` (see docs/store.md, "Time zones").
"""

from __future__ import annotations

import polars as pl


def utc_to_local(instant: pl.Expr, zone: str) -> tuple[pl.Expr, pl.Expr]:
    """(local wall-clock time, offset in seconds) of a naive UTC ``instant`` in ``zone``.

    DST-correct: the offset is the zone's base offset plus its DST offset at that instant.

    >>> from datetime import datetime
    >>> local, offset = utc_to_local(pl.lit(datetime(2024, 7, 1, 12)), "Europe/Madrid")
    >>> pl.select(local.alias("local"), offset.alias("offset")).row(0)
    (datetime.datetime(2024, 7, 1, 14, 0), 7200)
    """
    zoned = instant.dt.replace_time_zone("UTC").dt.convert_time_zone(zone)
    offset = (zoned.dt.base_utc_offset() + zoned.dt.dst_offset()).dt.total_seconds()
    return zoned.dt.replace_time_zone(None), offset.cast(pl.Int32)


def in_zone(messages: pl.DataFrame, zone: str) -> pl.DataFrame:
    """``messages`` (the message table) with every row that has a UTC offset moved to the
    wall clock of ``zone``; rows without one are kept as they are.

    >>> from datetime import datetime
    >>> frame = pl.DataFrame({"timestamp": [datetime(2024, 7, 1, 14), datetime(2024, 7, 1, 9)],
    ...     "utc_offset": [7200, None]}, schema_overrides={"utc_offset": pl.Int32})
    >>> in_zone(frame, "Europe/London").rows()
    [(datetime.datetime(2024, 7, 1, 13, 0), 3600), (datetime.datetime(2024, 7, 1, 9, 0), None)]
    """
    offset = pl.col("utc_offset")
    local, new_offset = utc_to_local(
        pl.col("timestamp") - pl.duration(seconds=offset.fill_null(0)), zone
    )
    known = offset.is_not_null()
    return messages.with_columns(
        timestamp=pl.when(known).then(local).otherwise(pl.col("timestamp")),
        utc_offset=pl.when(known).then(new_offset).otherwise(offset),
    )
