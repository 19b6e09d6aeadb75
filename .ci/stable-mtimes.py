#!/usr/bin/env python3
"""Gives the files of a fresh clone the modification times they had the last
time CI saw the same content, so that cargo, which compares times, rebuilds
only what changed since then against the shared target folder.

    .ci/stable-mtimes.py STATE_FILE

STATE_FILE maps each tracked path to its content's hash and the time first
seen with that content. A path whose content is new, or that the state does
not know, keeps the clone's time (now), so it is rebuilt. Running CI on an
older commit after a newer one is safe: its files differ in content from
what the state remembers, so they count as new.
"""

import json
import os
import subprocess
import sys


def tracked_files():
    """(path, blob hash) of every file in the index."""
    out = subprocess.run(["git", "ls-files", "-s", "-z"], check=True, capture_output=True).stdout
    for entry in out.split(b"\0"):
        if entry:
            meta, path = entry.split(b"\t", 1)
            yield path.decode(), meta.split()[1].decode()


def main():
    state_file = sys.argv[1]
    try:
        with open(state_file) as f:
            state = json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        state = {}
    kept = changed = 0
    new_state = {}
    for path, blob in tracked_files():
        if not os.path.isfile(path) or os.path.islink(path):
            continue
        seen = state.get(path)
        if seen and seen[0] == blob:
            os.utime(path, (seen[1], seen[1]))
            new_state[path] = seen
            kept += 1
        else:
            new_state[path] = [blob, os.stat(path).st_mtime]
            changed += 1
    # Keep what other branches built too: their paths stay remembered.
    state.update(new_state)
    tmp = state_file + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f)
    os.replace(tmp, state_file)
    print(f"file times: {kept} unchanged since the last run, {changed} new or changed")


if __name__ == "__main__":
    main()
