#!/usr/bin/env python3
"""Time to the first optimizer step of the default recipe, with and without the preparation cache.

Runs `dotnet run --no-build --project recipes/code-assistant -- --max-steps 1 --resume never --output <dir>` (built
once beforehand, held-out scoring off with SFT_HELDOUT_ITEMS=0 so that only start-up, data preparation, model set-up
and the first step are timed), alternating two conditions in one session:
  off  SFT_DATA_CACHE=off: the data is read, rendered, tokenized, labeled and packed (the behaviour before the cache)
  hit  the cache folder holds the entry of an earlier run: the rows are read from it
Each run is timed from process start to the first "step 1/" line; the 1-minute load average is recorded before it.
Usage: python3 bench/data-cache/time_to_first_step.py [rounds]   (from the repository root)
"""
import os, subprocess, sys, tempfile, time, statistics

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = tempfile.mkdtemp(prefix="sft-ttfs-")
subprocess.run(["dotnet", "build", "recipes/code-assistant", "-v", "q", "-nologo"], cwd=root, check=True, stdout=subprocess.DEVNULL)

def run(cache_off):
    env = dict(os.environ, SFT_HELDOUT_ITEMS="0")
    if cache_off: env["SFT_DATA_CACHE"] = "off"
    else: env.pop("SFT_DATA_CACHE", None)
    load = os.getloadavg()[0]
    start = time.monotonic()
    p = subprocess.Popen(["dotnet", "run", "--no-build", "--project", "recipes/code-assistant", "--",
                          "--max-steps", "1", "--resume", "never", "--output", out],
                         cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seconds, cached = None, False
    for line in p.stdout:
        if line.lstrip().startswith("cache "): cached = True
        if line.startswith("step 1/"):
            seconds = time.monotonic() - start
            break
    os.killpg(p.pid, 9)
    p.wait()
    if seconds is None: sys.exit("no step line: the program failed")
    return seconds, load, cached

run(cache_off=False)  # fills the cache
results = {"off": [], "hit": []}
for r in range(rounds):
    for name in (["off", "hit"] if r % 2 == 0 else ["hit", "off"]):
        seconds, load, cached = run(cache_off=(name == "off"))
        assert cached == (name == "hit"), f"{name}: cache line {'missing' if name == 'hit' else 'unexpected'}"
        results[name].append((seconds, load))
        print(f"round {r + 1} {name:3}  {seconds:6.2f} s  load {load:5.2f}", flush=True)
off = statistics.median(s for s, _ in results["off"])
hit = statistics.median(s for s, _ in results["hit"])
loads = [l for v in results.values() for _, l in v]
print(f"median time to first step: no cache {off:.2f} s, cache hit {hit:.2f} s; hit/off = {hit / off:.2f}; "
      f"load average {min(loads):.1f}-{max(loads):.1f}; {rounds} rounds, alternating")
