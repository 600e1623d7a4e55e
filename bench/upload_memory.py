"""What uploads cost the API process in memory (issue 20: a 48 MB anonymous upload grew it by
about 195 MB, five at once by 1.7 GB).

What: `taskweights serve --workers 0` with a token on a fresh SQLite database; its resident
memory (VmRSS) and peak (VmHWM) read from /proc before and after
  1. UPLOADS concurrent anonymous uploads of SIZE_MB each (refused with 401 before the body),
  2. one authenticated upload of a SIZE_MB CSV table (streamed to a temporary file, parsed and
     stored),
  3. UPLOADS different authenticated ones at once.
Goal: the anonymous uploads grow the peak by <= 10 MB (the token is checked before the body is
read); UPLOADS stored at once by <= 1.5x what one costs (one is parsed at a time; the others
wait in their temporary files). What one costs is printed: the bytes once, and pandas' parse.

    python bench/upload_memory.py [--size-mb 48] [--uploads 5]
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

TASKWEIGHTS = str(Path(sys.executable).parent / "taskweights")
TOKEN = "bench-token"
ANONYMOUS_GOAL_MB = 10.0
STORED_GOAL = 1.5  # several stored at once, against one


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) of a process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return tuple(int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM"))  # type: ignore[return-value]


def csv_table(size_mb: float, offset: int = 0) -> bytes:
    """A numeric CSV table of about `size_mb` MB: 8 columns, as many rows as it takes (each
    `offset` gives other bytes)."""
    out = io.StringIO()
    out.write("a,b,c,d,e,f,g,h\n")
    row = offset
    while out.tell() < size_mb * 1e6:
        out.write(",".join(str(row * 8 + i) for i in range(8)) + "\n")
        row += 1
    return out.getvalue().encode()


def body(size_mb: float) -> Iterator[bytes]:
    """A multipart body streamed in 64 kB chunks (never held whole by the client either)."""
    yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
    chunk = b"1,2,3,4,5,6,7,8\n" * 4096
    for _ in range(int(size_mb * 1e6 / len(chunk))):
        yield chunk
    yield b"\r\n--x--\r\n"


def anonymous_upload(url: str, size_mb: float) -> int:
    headers = {"Content-Type": "multipart/form-data; boundary=x"}
    try:
        return httpx.post(f"{url}/datasets", content=body(size_mb), headers=headers).status_code
    except httpx.TransportError:  # the server closed the connection after its 401
        return 401


@contextmanager
def server(size_mb: float) -> Iterator[tuple[str, int]]:
    """A fresh `taskweights serve --workers 0` (token set) on a new database: (url, pid)."""
    folder = Path(tempfile.mkdtemp(prefix="upload-bench-"))
    port = 8000 + (os.getpid() + int(time.time())) % 1000
    env = os.environ | {
        "TASKWEIGHTS_TOKEN": TOKEN,
        "TASKWEIGHTS_MAX_UPLOAD_MB": str(size_mb * 2),
        "TASKWEIGHTS_DATA_DIR": str(folder / "data"),
    }
    command = [TASKWEIGHTS, "serve", "--port", str(port), "--workers", "0"]
    process = subprocess.Popen(
        [*command, "--db", f"sqlite:///{folder / 'bench.db'}"],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not ready(url):
            if time.monotonic() > deadline:
                sys.exit("the server did not come up")
            time.sleep(0.5)
        yield url, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def ready(url: str) -> bool:
    try:
        return bool(httpx.get(f"{url}/health", timeout=2).json()["models"])
    except (httpx.TransportError, ValueError, KeyError):
        return False


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=48.0)
    parser.add_argument("--uploads", type=int, default=5)
    args = parser.parse_args()
    size, uploads = args.size_mb, args.uploads

    with server(size) as (url, pid):
        _, rest = memory_mb(pid)
        with ThreadPoolExecutor(uploads) as pool:
            codes = set(pool.map(lambda _: anonymous_upload(url, size), range(uploads)))
        grown = memory_mb(pid)[1] - rest
        print(
            f"{uploads} anonymous uploads of {size:g} MB at once: answered {sorted(codes)}; "
            f"peak +{grown:.1f} MB over {rest:.0f} MB at rest "
            f"(goal <= {ANONYMOUS_GOAL_MB:g} MB): {verdict(grown <= ANONYMOUS_GOAL_MB)}"
        )

    tables = [csv_table(size, offset=i) for i in range(uploads)]
    one = stored_growth(tables[:1], size)
    several = stored_growth(tables, size)
    print(
        f"one stored upload of {size:g} MB: peak +{one:.0f} MB ({one / size:.1f}x the file); "
        f"{uploads} different ones at once: +{several:.0f} MB "
        f"(goal <= {STORED_GOAL:g}x one's): {verdict(several <= STORED_GOAL * one)}"
    )


def stored_growth(tables: list[bytes], size: float) -> float:
    """The API's peak memory growth, in MB, while `tables` are uploaded at once and stored."""
    with server(size) as (url, pid):
        _, rest = memory_mb(pid)

        def upload(table: bytes) -> int:
            return httpx.post(
                f"{url}/datasets",
                files={"file": ("big.csv", table, "text/csv")},
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=600,
            ).status_code

        with ThreadPoolExecutor(len(tables)) as pool:
            codes = set(pool.map(upload, tables))
        assert codes == {201}, codes
        return memory_mb(pid)[1] - rest


if __name__ == "__main__":
    main()
