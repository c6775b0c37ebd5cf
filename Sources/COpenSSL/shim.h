// OpenSSL's libcrypto: the EVP digest API (SHA-256 for content hashes, cache keys and records).
#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/evp.h>
#endif
