"""A mutated copy of the managed corpus, for timing `iamlint diff` (bench/run --corpus diff).

Each policy is changed the way reviews see policies change, chosen by a hash of its name so
the copy is the same on every machine: most edits grant nothing new (statements reordered,
Sids renamed, action names in another case, a statement split in two, a Deny added); some
do (an action added, a condition dropped, a resource widened to `*`). Stdlib only.
"""

import hashlib
import json
import os


def _statements(policy):
    s = policy.get("Statement")
    if isinstance(s, dict):
        return [s]
    return s if isinstance(s, list) else []


def mutate(name, policy):
    """The policy after one edit picked by the name's hash, and the edit's name."""
    pick = int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10
    statements = _statements(policy)
    if not statements:
        return policy, "none"
    if pick < 3:
        statements = list(reversed(statements))
        for i, s in enumerate(statements):
            if isinstance(s, dict):
                s["Sid"] = "Renamed%d" % i
                if isinstance(s.get("Action"), list):
                    s["Action"] = [a.lower() if isinstance(a, str) else a for a in s["Action"]]
        policy["Statement"] = statements
        return policy, "reorder"
    if pick < 5:
        for i, s in enumerate(statements):
            actions = s.get("Action") if isinstance(s, dict) else None
            if isinstance(actions, list) and len(actions) > 1:
                half = len(actions) // 2
                first = dict(s, Action=actions[:half])
                second = dict(s, Action=actions[half:])
                second.pop("Sid", None)
                statements[i:i + 1] = [first, second]
                break
        policy["Statement"] = statements
        return policy, "split"
    if pick == 5:
        statements.append({"Effect": "Deny", "Action": "iam:DeleteRole", "Resource": "*"})
        policy["Statement"] = statements
        return policy, "add-deny"
    if pick < 8:
        for s in statements:
            if isinstance(s, dict) and s.get("Effect") == "Allow" and "Action" in s:
                actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
                s["Action"] = actions + ["s3:PutObject"]
                break
        return policy, "add-action"
    for s in statements:
        if isinstance(s, dict) and s.get("Effect") == "Allow" and "Condition" in s:
            del s["Condition"]
            return policy, "drop-condition"
    for s in statements:
        if isinstance(s, dict) and s.get("Effect") == "Allow" and "Resource" in s:
            s["Resource"] = "*"
            return policy, "widen-resource"
    return policy, "none"


def build(source, target):
    """Writes the mutated copy of every JSON file of `source` into `target`; returns counts."""
    counts = {}
    os.makedirs(target, exist_ok=True)
    for name in sorted(os.listdir(source)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(source, name), encoding="utf-8") as f:
            policy = json.load(f)
        policy, edit = mutate(name, policy)
        counts[edit] = counts.get(edit, 0) + 1
        with open(os.path.join(target, name), "w", encoding="utf-8") as f:
            json.dump(policy, f, indent=2)
            f.write("\n")
    return counts


if __name__ == "__main__":
    import sys
    print(build(sys.argv[1], sys.argv[2]))
