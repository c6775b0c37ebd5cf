// OpenSSL's libcrypto: the EVP digest API (SHA-256 for content hashes, cache keys and records) and
// HMAC (SHA-256 HMACs of S3's SigV4 request signing, ImageIO/Remote).
#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#endif
