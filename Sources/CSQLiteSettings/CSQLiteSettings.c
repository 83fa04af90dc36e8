#include "CSQLiteSettings.h"
#include <sqlite3.h>

int callboard_sqlite_disable_memory_status(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
