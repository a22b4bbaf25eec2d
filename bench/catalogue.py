"""Every scenario the bench runs, in the order it runs them: scenarios.py's own, then those
of the modules that build on it (history_scenarios, upload_scenario, nodes_scenario).

Kept apart from scenarios.py so that those modules can be imported first: they import
scenarios.py, and this module imports them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench import history_scenarios, nodes_scenario, scenarios, upload_scenario
from bench.scenarios import Context, Result

DEFAULTS: dict[str, dict[str, Any]] = {
    **scenarios.DEFAULTS,
    **history_scenarios.DEFAULTS,
    **upload_scenario.DEFAULTS,
    **nodes_scenario.DEFAULTS,
}
SCENARIOS: dict[str, Callable[[dict[str, Any], Context], Result]] = {}
for _name, _run in {
    **scenarios.SCENARIOS,
    **history_scenarios.SCENARIOS,
    **upload_scenario.SCENARIOS,
}.items():
    SCENARIOS[_name] = _run
    # Issue 19's beside the ones they are compared with: fanout-postgresql after fanout,
    # nodes after rooms.
    for _added, _after in nodes_scenario.AFTER.items():
        if _name == _after:
            SCENARIOS[_added] = nodes_scenario.SCENARIOS[_added]
