/* libsodium's Ed25519 verify rate on a message the size of Thrum's signing
 * payload, for Tests/bench/security.sh: the bound a signed catch-up is measured against. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
    long count = argc > 1 ? atol(argv[1]) : 20000;
    if (sodium_init() < 0 || count <= 0) return 1;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
    /* event_id|type|timestamp|origin_daemon|sequence|sha256hex(data) */
    const char *payload = "evt_01JZ8Q4M7Y3X5N2B6C8D0E1F2G|message.create|2026-01-01T00:00:00.000Z|"
                          "d_abcdefghijklmnop|123456|0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    size_t length = strlen(payload);
    crypto_sign_keypair(pk, sk);
    crypto_sign_detached(sig, NULL, (const unsigned char *)payload, length, sk);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long good = 0;
    for (long i = 0; i < count; i++)
        good += crypto_sign_verify_detached(sig, (const unsigned char *)payload, length, pk) == 0;
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    if (good != count) return 1;
    printf("%.0f\n", count / seconds);
    return 0;
}
