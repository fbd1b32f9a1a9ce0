#!/usr/bin/env python3
"""Runs a command and prints the peak resident memory of it and all its child processes
together (a DataLoader's workers count), sampled from /proc every 20 ms, in total and as the
processes' own anonymous memory (RssAnon: without the file pages of mapped files, which are
the kernel's page cache), each the peak of the sum over the process tree.

    tests/bench/peak_rss.py [--json FILE] -- COMMAND [ARGS...]
"""
import json
import os
import subprocess
import sys
import time


def tree(root):
    """The pids of root and its descendants."""
    children = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(pid))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def rss_kb(pid):
    total = anon = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total = int(line.split()[1])
                elif line.startswith("RssAnon:"):
                    anon = int(line.split()[1])
    except OSError:
        pass
    return total, anon


def main():
    args = sys.argv[1:]
    json_file = None
    if args[:1] == ["--json"]:
        json_file, args = args[1], args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        sys.exit(__doc__)
    start = time.perf_counter()
    proc = subprocess.Popen(args)
    peak_total = peak_anon = 0
    while proc.poll() is None:
        sums = [rss_kb(p) for p in tree(proc.pid)]
        peak_total = max(peak_total, sum(t for t, _ in sums))
        peak_anon = max(peak_anon, sum(a for _, a in sums))
        time.sleep(0.02)
    wall = time.perf_counter() - start
    print(f"peak RSS {peak_total / 1024:.0f} MB (own anonymous memory {peak_anon / 1024:.0f} MB), {wall:.1f} s, "
          f"exit {proc.returncode}: {' '.join(args[:1])}")
    if json_file:
        with open(json_file, "w") as f:
            json.dump({"command": args, "peak_rss_mb": peak_total / 1024, "peak_anon_mb": peak_anon / 1024,
                       "wall_s": wall, "exit": proc.returncode}, f, indent=1)
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
