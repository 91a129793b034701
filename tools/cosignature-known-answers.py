#!/usr/bin/env python3
"""Writes Fixtures/vectors/cosignature-known-answers.json: C2SP tlog-cosignature (cosignature/v1,
Ed25519) key IDs, verifier keys, signed messages and signature lines, computed straight from the
specification's text with Python's hashlib and the `cryptography` package's Ed25519 (RFC 8032,
deterministic), so that the Swift tests check the cosigner against answers it did not compute.

  key ID      = SHA-256(name || "\\n" || 0x04 || public key)[:4]
  vkey        = name "+" hex(key ID) "+" base64(0x04 || public key)
  message     = "cosignature/v1\\n" "time " decimal(timestamp) "\\n" checkpoint body
  line        = "— " name " " base64(key ID || u64be(timestamp) || Ed25519(message)) "\\n"

Run from the repository root:  python3 tools/cosignature-known-answers.py
"""
import base64
import hashlib
import json
import struct

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

CASES = [
    ("witness.example/w1", bytes(range(32)), 1679315147,
     "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"),
    ("gemeente-heuvelstad.example/witness", bytes([7] * 32), 1800000000,
     "ledger.example/wonen-eerst-heuvelstad\n297\nRgjm8A8eUns8FtOw5USCSCybDcdcIksjd8elLdaB6i0=\n"),
    ("w", bytes([255] * 32), 1,
     "origin\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nextension line\n"),
]


def main():
    answers = []
    for name, seed, timestamp, body in CASES:
        private = Ed25519PrivateKey.from_private_bytes(seed)
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        key_id = hashlib.sha256(name.encode() + b"\n" + b"\x04" + public).digest()[:4]
        message = b"cosignature/v1\n" + b"time " + str(timestamp).encode() + b"\n" + body.encode()
        signature = private.sign(message)
        blob = key_id + struct.pack(">Q", timestamp) + signature
        vkey_material = base64.b64encode(bytes([4]) + public).decode()
        answers.append({
            "name": name,
            "seed": base64.b64encode(seed).decode(),
            "timestamp": timestamp,
            "body": body,
            "keyID": key_id.hex(),
            "verifierKey": f"{name}+{key_id.hex()}+{vkey_material}",
            "message": base64.b64encode(message).decode(),
            "line": f"\u2014 {name} {base64.b64encode(blob).decode()}\n",
        })
    with open("Fixtures/vectors/cosignature-known-answers.json", "w", encoding="utf-8") as out:
        json.dump(answers, out, indent=2, ensure_ascii=False)
        out.write("\n")


if __name__ == "__main__":
    main()
