#!/usr/bin/env python3
"""Writes a synthetic PDQ bank for the server benchmark, in the pytx / HMA
local-file format that `moderato bank import` reads (`pdq <64 hex>` per line,
docs/exchange.md), plus the query hashes the wrk scripts send.

Usage: gen_bank.py N OUT_DIR [--seed S] [--planted K]

  OUT_DIR/bank.pytx    N uniformly random 256-bit PDQ hashes, of which K are
                       "planted": each lies at Hamming distance 4..24 of one
                       of the hit queries below (so /v1/match finds it at the
                       bank's default radius 31).
  OUT_DIR/hit.txt      K query hashes, one per line: each matches exactly its
                       planted hash (a random 256-bit hash is ~128 bits from
                       everything else; P(distance <= 31) ~ 1e-22 per pair).
  OUT_DIR/miss.txt     K random query hashes that match nothing.
  OUT_DIR/expected.tsv query<TAB>planted hash<TAB>distance (for checks).

Deterministic for a given seed. 1M hashes take ~2 s and 66 MB.
"""
import argparse
import os
import random


def flip(h: int, bits: int, rng: random.Random) -> int:
    for b in rng.sample(range(256), bits):
        h ^= 1 << b
    return h


def hx(h: int) -> str:
    return f"{h:064x}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=20261204)
    ap.add_argument("--planted", type=int, default=64)
    a = ap.parse_args()
    if a.n < a.planted:
        ap.error("N must be at least --planted")
    rng = random.Random(a.seed)
    os.makedirs(a.out_dir, exist_ok=True)
    hits, planted = [], {}
    for i in range(a.planted):
        q = rng.getrandbits(256)
        d = 4 + (i * 7) % 21  # 4..24
        hits.append(q)
        planted[i * (a.n // a.planted)] = (q, flip(q, d, rng), d)
    misses = [rng.getrandbits(256) for _ in range(a.planted)]
    with open(os.path.join(a.out_dir, "bank.pytx"), "w") as f:
        f.write(f"# synthetic benchmark bank: {a.n} random PDQ hashes, seed {a.seed}\n")
        buf = []
        for i in range(a.n):
            buf.append("pdq " + hx(planted[i][1] if i in planted else rng.getrandbits(256)) + "\n")
            if len(buf) >= 65536:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))
    with open(os.path.join(a.out_dir, "hit.txt"), "w") as f:
        f.writelines(hx(q) + "\n" for q in hits)
    with open(os.path.join(a.out_dir, "miss.txt"), "w") as f:
        f.writelines(hx(q) + "\n" for q in misses)
    with open(os.path.join(a.out_dir, "expected.tsv"), "w") as f:
        for q, p, d in planted.values():
            f.write(f"{hx(q)}\t{hx(p)}\t{d}\n")


if __name__ == "__main__":
    main()
