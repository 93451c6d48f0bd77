"""Summarise a mutmut run: mutants per file by outcome, then the score on the last line.

Reads the ``mutants/**/*.py.meta`` files that ``mutmut run`` writes (exit code of the tests
per mutant) and prints, per mutated file, how many mutants were killed, timed out, survived,
had no test, or ended otherwise, then ``mutation score: K/N killed (P%)``.

K counts mutants the tests failed on, and those that timed out: mutmut stops a mutant's
tests after 15 times their own duration plus 15 s of wall-clock time, or 30 times plus 30 s
of CPU time, so only a mutant that keeps the tests from finishing (a loop that no longer
ends) reaches a limit, and tests that do not finish have detected it; the table shows the
timeouts apart, to be looked at. N counts every mutant: the survivors, those no test runs
("no tests"), and "suspicious", "skipped", "segfault" and unchecked ones are not killed.
``--survivors`` lists every mutant not killed, by file. Patterns (mutmut's mutant names, shell
style, e.g. ``'pactsim.models.region*'``) restrict the count to the mutants they match, as
``make mutation MUTANTS=...`` runs only those.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
from collections import Counter
from pathlib import Path

#: mutmut's exit codes (mutmut.stats.status_by_exit_code); anything else is "suspicious".
STATUS = {
    1: "killed",
    3: "killed",  # an internal error of pytest under the mutant
    0: "survived",
    5: "no tests",
    33: "no tests",
    2: "interrupted",
    34: "skipped",
    35: "suspicious",
    36: "timeout",
    24: "timeout",  # SIGXCPU: the CPU-time limit
    -24: "timeout",
    152: "timeout",
    255: "timeout",
    37: "caught by type check",
    -11: "segfault",
    -9: "segfault",
}
KILLED = ("killed", "timeout")
COLUMNS = ("killed", "timeout", "survived", "no tests", "other")


def status(code: int | None) -> str:
    return "not checked" if code is None else STATUS.get(code, "suspicious")


def load(root: Path, patterns: list[str]) -> dict[str, dict[str, str]]:
    """{source file: {mutant: status}} for every file mutmut mutated under ``root``, keeping
    the mutants that match one of ``patterns`` (all when there are none)."""
    out: dict[str, dict[str, str]] = {}
    for meta in sorted(root.rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if patterns:
            codes = {
                k: v for k, v in codes.items() if any(fnmatch.fnmatchcase(k, p) for p in patterns)
            }
        if codes:
            source = meta.relative_to(root).as_posix().removesuffix(".meta")
            out[source] = {k: status(v) for k, v in codes.items()}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mutants", type=Path, default=Path("mutants"), help="mutmut's directory")
    ap.add_argument("--survivors", action="store_true", help="list every mutant not killed")
    ap.add_argument("patterns", nargs="*", help="count only the mutants matching these")
    args = ap.parse_args(argv)
    results = load(args.mutants, args.patterns)
    if not results:
        what = " matching " + " ".join(args.patterns) if args.patterns else ""
        print(f"no mutmut results{what} in {args.mutants}/: run `make mutation`", file=sys.stderr)
        return 1
    width = max(len(f) for f in results)
    print(f"{'file':<{width}}  " + "  ".join(f"{c:>8}" for c in COLUMNS) + "     score")
    killed = total = 0
    for source, mutants in results.items():
        counts = Counter(mutants.values())
        k = sum(counts[s] for s in KILLED)
        other = len(mutants) - k - counts["survived"] - counts["no tests"]
        row = [counts["killed"], counts["timeout"], counts["survived"], counts["no tests"], other]
        score = f"{100 * k / len(mutants):5.1f}%"
        print(f"{source:<{width}}  " + "  ".join(f"{n:>8}" for n in row) + f"  {score:>8}")
        killed += k
        total += len(mutants)
    if args.survivors:
        for source, mutants in results.items():
            alive = [(m, s) for m, s in mutants.items() if s not in KILLED]
            if alive:
                print(f"\n{source}")
                for m, s in alive:
                    print(f"    {m}: {s}")
    print(f"mutation score: {killed}/{total} killed ({100 * killed / total:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
