#ifndef CSQLITESETTINGS_H
#define CSQLITESETTINGS_H

/// Turns SQLite's memory statistics off for the process (`SQLITE_CONFIG_MEMSTATUS`, 0).
///
/// Debian's SQLite keeps them on: every allocation and free takes a process-wide mutex to count
/// bytes, which Callboard never reads. `sqlite3_config` is variadic, so Swift cannot call it.
/// Must run before SQLite initialises (before the first connection opens); afterwards it does
/// nothing and returns SQLITE_MISUSE. Returns SQLITE_OK when the setting took effect.
int callboard_sqlite_disable_memory_status(void);

#endif
