"""Reference traces of decide's equal-gain model for Parley's conformance tests.

Runs decide (github.com/foarsitter/decide-exchange-model, GPL-3.0; not part
of Parley) on one of its example input files and prints, per round, the
number of candidate exchanges, every executed exchange and the preferences
after the round's update, as compact JSON with actors and issues by index
(file order) and positions on the 0-100 scale decide works on.

Usage (outside the repository; see README.md in this folder):

    python trace.py DECIDE_CHECKOUT INPUT_FILE ROUNDS > out.json

Two decisions of decide hang on the last digits of its 28-digit decimal
arithmetic. For a reproducible reference they are patched to deterministic
rules, the same that Parley's emulation uses:

  * ties: among the exchanges whose gain is within 1e-12 (relative) of the
    highest, the one created first (decide picks at random between the top
    two, or by list order when its random tie-break is off);
  * an overshoot check whose demander is within 1e-9 of the current
    outcome counts it as not between the outcomes (no cap).

Only the model modules are imported; typesystem (used by decide's reader
for type hints only here) and peewee are stubbed, and the input file is read
by a small reader below.
"""
import csv
import json
import sys
import types
from decimal import Decimal


def stub_modules():
    ts = types.ModuleType("typesystem")
    fields = types.ModuleType("typesystem.fields")
    fields.Decimal = type("Decimal", (), {})
    ts.fields = fields
    sys.modules["typesystem"] = ts
    sys.modules["typesystem.fields"] = fields
    db = types.ModuleType("decide.data.database")
    db.Actor = type("Actor", (), {})
    sys.modules["decide.data.database"] = db


def read(path):
    text = open(path).read()
    dialect = csv.Sniffer().sniff(text[:1024])
    actors, issues, bounds, rows = [], [], {}, []
    for r in csv.reader(text.splitlines(), dialect=dialect):
        if not r:
            continue
        if r[0] == "#A":
            actors.append(r[1])
        elif r[0] == "#P":
            issues.append(r[1])
        elif r[0] == "#M":
            v = Decimal(r[2])
            lo, hi = bounds.get(r[1], (None, None))
            bounds[r[1]] = (v if lo is None or v < lo else lo, v if hi is None or v > hi else hi)
        elif r[0] == "#D":
            rows.append((r[1], r[2], Decimal(r[3]), Decimal(r[4]), Decimal(r[5])))
    return actors, issues, bounds, rows


def patch(base, equalgain):
    counter = [0]
    add = base.AbstractModel.add_exchange

    def add_exchange(self, *a, **k):
        e = add(self, *a, **k)
        e.idx = counter[0]
        counter[0] += 1
        return e

    def highest_gain(self):
        g = max(e.gain for e in self.exchanges)
        tol = Decimal("1e-12") * abs(g)
        best = min((e for e in self.exchanges if e.gain >= g - tol), key=lambda e: e.idx)
        self.exchanges.remove(best)
        return best

    check = base.AbstractExchangeActor.check_nbs

    def check_nbs(self):
        nbs0 = self.adjust_nbs(self.supply.position)
        if abs(self.opposite_actor.demand.position - nbs0) <= Decimal("1e-9"):
            self.nbs_0 = nbs0
            self.nbs_1 = self.adjust_nbs(self.y)
            return None
        return check(self)

    base.AbstractModel.add_exchange = add_exchange
    equalgain.EqualGainModel.highest_gain = highest_gain
    base.AbstractExchangeActor.check_nbs = check_nbs


def main():
    checkout, path, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.path.insert(0, checkout)
    stub_modules()
    from decide.model import base, equalgain

    patch(base, equalgain)
    actors, issues, bounds, rows = read(path)
    m = equalgain.EqualGainModel()
    for a in actors:
        m.add_actor(a, a)
    for i in issues:
        iss = m.add_issue(i)
        iss.lower, iss.upper = bounds.get(i, (Decimal(0), Decimal(100)))
        iss.calculate_delta()
        iss.calculate_step_size()
    for a, i, x, s, c in rows:
        m.add_actor_issue(a, i, x, s, c)
    ai = {a: n for n, a in enumerate(actors)}
    ii = {i: n for n, i in enumerate(issues)}
    out = []
    for _ in range(rounds):
        # One round as decide.model.utils.ModelLoop.loop runs it.
        m.calc_nbs()
        m.determine_positions()
        m.calc_combinations()
        m.determine_groups_and_calculate_exchanges()
        candidates = len(m.exchanges)
        realized = []
        while m.exchanges:
            e = m.highest_gain()
            if e and e.is_valid:
                m.remove_invalid_exchanges(e)
                realized.append(e)
        for e in realized:
            m.actor_issues[e.i.supply.issue][e.i.actor].position = e.i.y
            m.actor_issues[e.j.supply.issue][e.j.actor].position = e.j.y
        m.calc_nbs()
        for e in realized:
            m.actor_issues[e.i.supply.issue][e.i.actor].position = e.i.new_start_position()
            m.actor_issues[e.j.supply.issue][e.j.actor].position = e.j.new_start_position()
        pos = [[None] * len(issues) for _ in actors]
        for iss, d in m.actor_issues.items():
            for a, x in d.items():
                pos[ai[a.actor_id]][ii[iss.name]] = float(x.position)
        out.append({
            "candidates": candidates,
            # i, j, issue i demands (p), issue i supplies (q), gain, i's and j's voting positions
            "exchanges": [[ai[e.i.actor.actor_id], ai[e.j.actor.actor_id], ii[e.i.demand.issue.name],
                           ii[e.i.supply.issue.name], float(e.gain), float(e.i.y), float(e.j.y)] for e in realized],
            "positions": pos,
        })
    json.dump({"rounds": out}, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


main()
