#!/usr/bin/env python3
"""Writes Fixtures/vectors/merkle-known-answers.json: RFC 9162 roots and proofs for small trees,
computed straight from the RFC's recursive definitions (section 2.1) with Python's hashlib, so
that the Swift tests check the ledger's Merkle code against answers it did not compute itself.

Leaves are the UTF-8 bytes of "leaf-<i>". Run from the repository root:
    python3 tools/merkle-known-answers.py
"""
import base64
import hashlib
import json


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    if len(leaves) == 0:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    if len(leaves) <= 1:
        return []
    k = split(len(leaves))
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m, leaves, complete):
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = split(n)
    if m <= k:
        return subproof(m, leaves[:k], complete) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def b64(h: bytes) -> str:
    return base64.b64encode(h).decode()


sizes = list(range(1, 10)) + [15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129]
leaves = [f"leaf-{i}".encode() for i in range(max(sizes))]
roots = [{"size": n, "root": b64(mth(leaves[:n]))} for n in sizes]
inclusion = []
consistency = []
for n in sizes:
    for m in sorted({0, 1, n // 2, n - 2, n - 1}):
        if 0 <= m < n:
            inclusion.append({"index": m, "size": n, "leafHash": b64(leaf_hash(leaves[m])),
                              "proof": [b64(h) for h in path(m, leaves[:n])]})
    for old in sorted({1, 2, n // 2, n - 1, n}):
        if 0 < old <= n:
            consistency.append({"old": old, "new": n, "proof": [b64(h) for h in subproof(old, leaves[:n], True)]})

with open("Fixtures/vectors/merkle-known-answers.json", "w") as out:
    json.dump({"about": "RFC 9162 roots and proofs for small trees, from the RFC recursive definitions and hashlib (tools/merkle-known-answers.py)", "leafPattern": "leaf-<i>",
               "roots": roots, "inclusion": inclusion, "consistency": consistency}, out, indent=1)
    out.write("\n")
