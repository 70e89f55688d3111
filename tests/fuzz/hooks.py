"""schemathesis hooks of tests/fuzz/run.py: records, per operation of the document, how many
answers of each status it got, into the JSON file named by FUZZ_RECORD (written at exit)."""

from __future__ import annotations

import atexit
import json
import os
import threading
from collections import defaultdict

import schemathesis

_lock = threading.Lock()
_statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))


@schemathesis.hook
def after_call(context, case, response):
    key = f"{case.operation.method.upper()} {case.operation.path}"
    # A request with a method the document does not declare (the coverage phase's
    # unsupported-method probes) is not a call of the operation.
    if case.method.upper() != case.operation.method.upper():
        return
    with _lock:
        _statuses[key][response.status_code] += 1


def _write():
    path = os.environ.get("FUZZ_RECORD")
    if path:
        with open(path, "w") as f:
            json.dump(_statuses, f)


atexit.register(_write)
