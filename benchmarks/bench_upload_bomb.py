"""Issue 20 item 7: what a crafted upload costs to check — time and peak memory, one at a time and four at once.

    .venv/bin/python benchmarks/bench_upload_bomb.py [--side 6300] [--parallel 4]

Each check runs in a fresh process (so the peak RSS is its own) on the same bytes
storage.attachments.check_and_clean gets from an upload: the all-zero PNG of the
issue (~150 KB, side × side pixels), and for comparison a real 12-megapixel JPEG
(4000×3000) and the same JPEG at 3000×2000. Prints wall time and peak RSS (MB).
"""
from __future__ import annotations

import argparse
import io
import multiprocessing as mp
import resource
import struct
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def zero_png(side: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    z = zlib.compressobj(9)
    row = bytes(1 + side * 3)
    idat = b"".join(z.compress(row) for _ in range(side)) + z.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def photo(w: int, h: int) -> bytes:
    from PIL import Image

    img = Image.effect_noise((w, h), 40).convert("RGB")
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _check(data: bytes, ctype: str, q: "mp.Queue[tuple[float, str, float]]") -> None:
    from storage.attachments import AttachmentRejected, check_and_clean

    t0 = time.perf_counter()
    try:
        check_and_clean(data, ctype, "image")
        outcome = "kept"
    except AttachmentRejected as exc:
        outcome = "refused: " + exc.reason_admin
    q.put((time.perf_counter() - t0, outcome, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def run(label: str, data: bytes, ctype: str, parallel: int) -> None:
    q: "mp.Queue[tuple[float, str, float]]" = mp.Queue()
    t0 = time.perf_counter()
    procs = [mp.Process(target=_check, args=(data, ctype, q)) for _ in range(parallel)]
    for p in procs:
        p.start()
    results = [q.get() for _ in procs]
    for p in procs:
        p.join()
    wall = time.perf_counter() - t0
    worst = max(r[0] for r in results)
    peak = sum(r[2] for r in results)
    print(f"{label:<32} x{parallel}: {len(data) / 1024:8.0f} KB  check {worst:6.3f} s  wall {wall:6.2f} s  "
          f"peak RSS (sum) {peak:7.0f} MB  {results[0][1]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--side", type=int, default=6300)
    ap.add_argument("--parallel", type=int, default=4)
    a = ap.parse_args()
    bomb = zero_png(a.side)
    for par in (1, a.parallel):
        run(f"all-zero PNG {a.side}x{a.side}", bomb, "image/png", par)
    for w, h in ((4000, 3000), (3000, 2000)):
        run(f"JPEG {w}x{h}", photo(w, h), "image/jpeg", 1)


if __name__ == "__main__":
    main()
