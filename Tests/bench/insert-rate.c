/* SQLite's insert rate for Thrum's events table (its columns and indexes, WAL,
 * synchronous=FULL, one transaction per 1,000-event page as a catch-up commits them),
 * for Tests/bench/security.sh: the store half of the catch-up bound. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void must(int code, sqlite3 *db) {
    if (code != SQLITE_OK && code != SQLITE_DONE) { fprintf(stderr, "%s\n", sqlite3_errmsg(db)); exit(1); }
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    const char *path = argv[1];
    long count = atol(argv[2]);
    sqlite3 *db;
    must(sqlite3_open(path, &db), db);
    must(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
        "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,"
        " timestamp TEXT NOT NULL, origin_daemon TEXT NOT NULL, origin_key TEXT NOT NULL, sequence INTEGER NOT NULL,"
        " data TEXT NOT NULL, signature TEXT, received_from TEXT, received_at TEXT NOT NULL, subject TEXT, actor TEXT,"
        " at_ms INTEGER NOT NULL DEFAULT 0);"
        "CREATE INDEX events_by_origin_sequence ON events(origin_daemon, sequence);"
        "CREATE INDEX events_by_subject ON events(subject, type); CREATE INDEX events_by_actor ON events(actor);",
        NULL, NULL, NULL), db);
    sqlite3_stmt *insert;
    must(sqlite3_prepare_v2(db, "INSERT INTO events (event_id, type, timestamp, origin_daemon, origin_key, sequence, data,"
        " signature, received_from, received_at, subject, actor, at_ms) VALUES (?1, 'message.create',"
        " '2026-01-01T00:00:00.000Z', 'd_abcdefghijklmnop', 'MCowBQYDK2VwAyEAabcdefghijklmnopqrstuvwxyz0123456789AB=', ?2, ?3,"
        " 'c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlcw==', 'd_peer',"
        " '2026-01-01T00:00:00.000Z', ?4, 'sender', ?2) ON CONFLICT(event_id) DO NOTHING", -1, &insert, NULL), db);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    char id[64], data[256], subject[64];
    for (long i = 0; i < count; i++) {
        if (i % 1000 == 0) must(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), db);
        snprintf(id, sizeof id, "evt_01JZ8Q4M7Y3X5N2B6C%010ld", i);
        snprintf(subject, sizeof subject, "msg_01JZ8Q4M7Y3X5N2B6C%010ld", i);
        snprintf(data, sizeof data, "{\"from\":\"sender\",\"message_id\":\"%s\",\"text\":\"bench message %ld\",\"to\":\"@reader\"}",
                 subject, i);
        sqlite3_bind_text(insert, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(insert, 2, i + 1);
        sqlite3_bind_text(insert, 3, data, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 4, subject, -1, SQLITE_TRANSIENT);
        must(sqlite3_step(insert), db);
        sqlite3_reset(insert);
        if (i % 1000 == 999 || i == count - 1) must(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    sqlite3_finalize(insert);
    sqlite3_close(db);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%.0f\n", count / seconds);
    return 0;
}
